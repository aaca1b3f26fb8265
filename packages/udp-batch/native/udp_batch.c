/*
 * @proto/udp-batch: many UDP datagrams per system call (Linux sendmmsg/recvmmsg) for sockets that
 * node:dgram opened, bound and joined. Node-API, so one binary serves every Node version and worker
 * threads. The JavaScript side (src/index.ts) validates arguments; this file checks them again so that
 * a wrong call returns an error instead of touching memory it does not own.
 *
 *   sendBatch(fd, datagrams: Uint8Array[], start, count) -> datagrams sent (>= 0), or -errno when the
 *       first of them failed (-EAGAIN: the socket buffer is full). Never blocks (MSG_DONTWAIT).
 *   recvBatch(fd, buffer: Uint8Array, slot, count, meta: Int32Array, labels: Uint8Array,
 *             state: Uint8Array, timeoutMs) -> datagrams received (>= 0), or -errno.
 *       Datagram i is at buffer[i * slot], meta[2i] its length (-1 when it was longer than the slot and
 *       cut), meta[2i + 1] the length of its source label in labels[i * 64] ("a.b.c.d:port" or
 *       "[v6]:port") when its source differs from the datagram before it (state keeps the last source
 *       between calls), else 0. Waits up to timeoutMs for the first datagram (0: not at all).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_BATCH 256
#define LABEL_BYTES 64
/* state: u32 length of the last source address, then the address itself. */
#define STATE_BYTES (4 + (int)sizeof(struct sockaddr_storage))

static napi_value int_value(napi_env env, int32_t v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG", message);
  return NULL;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

/* A TypedArray of the given type: its first element and its length in bytes. */
static int get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *bytes) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  napi_typedarray_type type;
  size_t length;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &length, data, &ab, &offset) != napi_ok || type != want) return 0;
  *bytes = want == napi_int32_array ? length * 4 : length;
  return 1;
}

static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) return fail(env, "sendBatch(fd, datagrams, start, count)");
  int32_t fd, start, count;
  bool is_array;
  uint32_t total;
  if (!get_int(env, argv[0], &fd) || fd < 0) return fail(env, "fd must be a non-negative integer");
  if (napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array) return fail(env, "datagrams must be an array");
  napi_get_array_length(env, argv[1], &total);
  if (!get_int(env, argv[2], &start) || !get_int(env, argv[3], &count)) return fail(env, "start and count must be integers");
  if (start < 0 || count < 0 || (uint32_t)start > total || (uint32_t)count > total - (uint32_t)start) return fail(env, "start and count must lie within datagrams");
  if (count > MAX_BATCH) count = MAX_BATCH;
  if (count == 0) return int_value(env, 0);

  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)count);
  for (int32_t i = 0; i < count; i++) {
    napi_value element;
    void *data;
    size_t bytes;
    if (napi_get_element(env, argv[1], (uint32_t)(start + i), &element) != napi_ok || !get_typed(env, element, napi_uint8_array, &data, &bytes))
      return fail(env, "every datagram must be a Uint8Array");
    iov[i].iov_base = data;
    iov[i].iov_len = bytes;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int sent;
  do sent = sendmmsg(fd, msgs, (unsigned)count, MSG_DONTWAIT);
  while (sent < 0 && errno == EINTR);
  return int_value(env, sent < 0 ? -errno : sent);
}

static int format_label(const struct sockaddr_storage *a, char *out) {
  char host[INET6_ADDRSTRLEN];
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)a;
    if (inet_ntop(AF_INET, &in->sin_addr, host, sizeof host) == NULL) return 0;
    return snprintf(out, LABEL_BYTES, "%s:%u", host, (unsigned)ntohs(in->sin_port));
  }
  if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
    if (inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host) == NULL) return 0;
    return snprintf(out, LABEL_BYTES, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
  }
  return 0;
}

static napi_value recv_batch(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8) return fail(env, "recvBatch(fd, buffer, slot, count, meta, labels, state, timeoutMs)");
  int32_t fd, slot, count, timeout;
  uint8_t *buffer, *labels, *state;
  int32_t *meta;
  size_t buffer_bytes, meta_bytes, label_bytes, state_bytes;
  if (!get_int(env, argv[0], &fd) || fd < 0) return fail(env, "fd must be a non-negative integer");
  if (!get_typed(env, argv[1], napi_uint8_array, (void **)&buffer, &buffer_bytes)) return fail(env, "buffer must be a Uint8Array");
  if (!get_int(env, argv[2], &slot) || slot < 1) return fail(env, "slot must be a positive integer");
  if (!get_int(env, argv[3], &count) || count < 1) return fail(env, "count must be a positive integer");
  if (!get_typed(env, argv[4], napi_int32_array, (void **)&meta, &meta_bytes)) return fail(env, "meta must be an Int32Array");
  if (!get_typed(env, argv[5], napi_uint8_array, (void **)&labels, &label_bytes)) return fail(env, "labels must be a Uint8Array");
  if (!get_typed(env, argv[6], napi_uint8_array, (void **)&state, &state_bytes) || state_bytes < (size_t)STATE_BYTES) return fail(env, "state must be a Uint8Array of at least 132 bytes");
  if (!get_int(env, argv[7], &timeout)) return fail(env, "timeoutMs must be an integer");
  if (count > MAX_BATCH) count = MAX_BATCH;
  if ((size_t)count * (size_t)slot > buffer_bytes || (size_t)count * 8 > meta_bytes || (size_t)count * LABEL_BYTES > label_bytes)
    return fail(env, "buffer, meta or labels too small for count datagrams");

  if (timeout > 0) {
    struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
    int r = poll(&p, 1, timeout);
    if (r < 0) return int_value(env, errno == EINTR ? 0 : -errno);
    if (r == 0) return int_value(env, 0);
  }

  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  struct sockaddr_storage from[MAX_BATCH];
  memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)count);
  for (int32_t i = 0; i < count; i++) {
    iov[i].iov_base = buffer + (size_t)i * (size_t)slot;
    iov[i].iov_len = (size_t)slot;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
  }
  int n;
  do n = recvmmsg(fd, msgs, (unsigned)count, MSG_DONTWAIT, NULL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return int_value(env, errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno);

  uint32_t last_len;
  memcpy(&last_len, state, 4);
  if (last_len > sizeof(struct sockaddr_storage)) last_len = 0;
  for (int i = 0; i < n; i++) {
    const struct msghdr *h = &msgs[i].msg_hdr;
    meta[2 * i] = (h->msg_flags & MSG_TRUNC) ? -1 : (int32_t)msgs[i].msg_len;
    uint32_t len = h->msg_namelen > sizeof(struct sockaddr_storage) ? (uint32_t)sizeof(struct sockaddr_storage) : (uint32_t)h->msg_namelen;
    if (len == last_len && memcmp(state + 4, &from[i], len) == 0) {
      meta[2 * i + 1] = 0;
      continue;
    }
    memcpy(state + 4, &from[i], len);
    memcpy(state, &len, 4);
    last_len = len;
    int l = format_label(&from[i], (char *)labels + (size_t)i * LABEL_BYTES);
    meta[2 * i + 1] = l > 0 && l < LABEL_BYTES ? l : 0;
  }
  return int_value(env, n);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"sendBatch", NULL, send_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvBatch", NULL, recv_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxBatch", NULL, NULL, NULL, NULL, int_value(env, MAX_BATCH), napi_enumerable, NULL},
      {"labelBytes", NULL, NULL, NULL, NULL, int_value(env, LABEL_BYTES), napi_enumerable, NULL},
      {"stateBytes", NULL, NULL, NULL, NULL, int_value(env, STATE_BYTES), napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
