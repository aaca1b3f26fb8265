/// <reference types="node" />
// Node-only adapters of @proto/efp: UDP sockets, the srt-live-transmit bridge and a lossy relay.
export { formatAddress, freeUdpPort, isMulticast, parseHostPort, toAddress, type UdpAddress } from './address.js';
export {
  EfpUdpReceiver,
  EfpUdpSender,
  type EfpUdpReceiverEvents,
  type EfpUdpReceiverOptions,
  type EfpUdpSenderOptions,
  type EfpUdpSenderStats,
} from './udp.js';
export {
  EfpSrtReceiver,
  EfpSrtSender,
  SrtBridge,
  findSrtLiveTransmit,
  srtUri,
  type EfpSrtReceiverOptions,
  type EfpSrtSenderOptions,
  type SrtBridgeEvents,
  type SrtBridgeOptions,
  type SrtParams,
} from './srt.js';
export { UdpRelay, type UdpRelayOptions, type UdpRelayStats } from './relay.js';
