export { PcapFormatError } from './errors.js';
export {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  type Capture,
  type CaptureFrame,
} from './capture.js';
export { MAX_RECORD_BYTES, isPcap, readPcap, writePcap, type PcapRecord, type WritePcapOptions } from './pcap.js';
export { isPcapng, readPcapng } from './pcapng.js';
export { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './address.js';
export { ipOffset, readCapture, readUdpDatagrams, udpInIp, udpOfFrame, type UdpDatagram } from './udp.js';
export { buildIpUdp, buildUdpFrame, writeUdpPcap, type Framing, type UdpDatagramInit, type WriteUdpPcapOptions } from './write-udp.js';
