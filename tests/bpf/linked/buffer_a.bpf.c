// Two units that each include ebpf/buffer.bpf.h (with buffer_b.bpf.c, linked by `bpftool gen object` into
// linked_buffer.bpfel.o): each declares its own event buffer, and both define the per-CPU heap ebpf_buffer_heap, a
// weak definition the static linker merges into one map. Run with BPF_PROG_TEST_RUN as XDP programs.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <ebpf/buffer.bpf.h>

struct event_a {
	__u64 seq;
	__u32 kind; // the buffer's kind as the program saw it: 0 ring buffer, 1 perf event array
	__u32 magic;
};

EBPF_BUFFER(events_a, 64 * 1024, struct event_a);

SEC("xdp")
int emit_a(struct xdp_md *ctx)
{
	struct event_a *e = ebpf_buffer_reserve(events_a, sizeof(*e));

	if (!e)
		return XDP_DROP;
	e->seq = 1;
	e->kind = ebpf_buffer__events_a;
	e->magic = 0xa;
	return ebpf_buffer_submit(ctx, events_a, e, sizeof(*e)) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
