/// <reference types="node" />
export { peerId, parsePeerId } from './peer.js';
export { bindUdp, EngineDriver, TcpControlListener, connectControl, type Engine, type UdpOptions, type DriverOptions, type DriverCounters } from './driver.js';
export { WavFileSource, WavFileSink, RawSource, RawSink, openSource, openSink, type EndpointSpec } from './endpoints.js';
