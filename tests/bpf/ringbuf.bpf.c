// Ring buffer producers for the RingBufferReader tests and benchmarks, run with BPF_PROG_TEST_RUN as XDP programs:
// the test packet starts with a struct request.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "sequenced_payload.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct request {
	__u32 size;    // ringbuf_output: record size, 8..4096
	__u32 discard; // ringbuf_reserve: discard instead of submit
};

struct sample {
	__u64 seq;
	__u8 body[56];
};

// Outputs `size` bytes of the payload, the first 8 replaced by the sequence number; XDP_DROP when the ring is full.
SEC("xdp")
int ringbuf_output(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct request *req = data;

	if ((void *)(req + 1) > end)
		return XDP_ABORTED;
	__u32 size = req->size;
	__u8 *buf = sequenced_payload(size);
	if (!buf)
		return XDP_ABORTED;
	return bpf_ringbuf_output(&events, buf, size, 0) ? XDP_DROP : XDP_PASS;
}

// Reserves a 64-byte sample holding the sequence number and 0xab bytes, then submits or discards it.
SEC("xdp")
int ringbuf_reserve(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct request *req = data;
	__u32 zero = 0;

	if ((void *)(req + 1) > end)
		return XDP_ABORTED;
	__u64 *seq = bpf_map_lookup_elem(&sequence, &zero);
	if (!seq)
		return XDP_ABORTED;
	struct sample *s = bpf_ringbuf_reserve(&events, sizeof(*s), 0);
	if (!s)
		return XDP_DROP;
	s->seq = (*seq)++; // not an atomic fetch-and-add: that needs Linux 5.12, and test runs come one at a time
	__builtin_memset(s->body, 0xab, sizeof(s->body));
	if (req->discard)
		bpf_ringbuf_discard(s, 0);
	else
		bpf_ringbuf_submit(s, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
