/// <reference types="node" />
// @proto/flute/node: the Node-only parts (files). The engines themselves are in the main entry.
export { FileWriter, type FileWriterOptions } from './file-writer.js';
export { fileSource } from './file-source.js';
export { nodeMd5 } from './md5.js';
export { formatEndpoint, isMulticast, parseEndpoint, resolveInterface, type Endpoint } from './address.js';
export { TokenBucket, type TokenBucketOptions } from './pacer.js';
export { kernelDrops, openReceiveSocket, openSendSocket, planReceive, type ReceivePlan, type UdpReceiveOptions, type UdpSendOptions } from './udp.js';
export { SocketReaderThread, type ReaderCallbacks } from './reader-thread.js';
export { threadCpuMicros } from './thread-cpu.js';
export { FluteUdpSender, type FluteUdpSenderOptions, type UdpSenderEvents, type UdpSenderStats } from './udp-sender.js';
export { FluteUdpReceiver, type CompletedObject, type FluteUdpReceiverOptions, type UdpReceiverEvents, type UdpReceiverStats } from './udp-receiver.js';
export { collectFiles, contentLocationOf, contentTypeOf, fileObject, type FileEntry } from './objects.js';
