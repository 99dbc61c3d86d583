// The second unit of linked_buffer.bpfel.o (see buffer_a.bpf.c): its own buffer and event type, the same weak heap.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <ebpf/buffer.bpf.h>

struct event_b {
	__u64 seq;
	__u32 kind;
	__u32 magic;
	__u64 extra;
};

EBPF_BUFFER(events_b, 64 * 1024, struct event_b);

SEC("xdp")
int emit_b(struct xdp_md *ctx)
{
	struct event_b *e = ebpf_buffer_reserve(events_b, sizeof(*e));

	if (!e)
		return XDP_DROP;
	e->seq = 2;
	e->kind = ebpf_buffer__events_b;
	e->magic = 0xb;
	e->extra = 0xbbbb;
	return ebpf_buffer_submit(ctx, events_b, e, sizeof(*e)) ? XDP_DROP : XDP_PASS;
}
