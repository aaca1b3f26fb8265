/// <reference types="node" />
/**
 * @proto/udp-batch (sendmmsg/recvmmsg) is an optional dependency: loaded on first use, and undefined
 * where it is not installed or its native binding was not built, in which case the adapters send and
 * receive through node:dgram one datagram per call.
 */
import type * as UdpBatch from '@proto/udp-batch';

let loading: Promise<typeof UdpBatch | undefined> | undefined;

/** The module when its binding can be used, else undefined. */
export function udpBatch(): Promise<typeof UdpBatch | undefined> {
  loading ??= import('@proto/udp-batch').then(
    (m) => (m.loadBinding() === undefined ? undefined : m),
    () => undefined,
  );
  return loading;
}
