// Ring-or-perf event buffer (build/include/ebpf/buffer.bpf.h) for the EventBuffer tests, run with BPF_PROG_TEST_RUN as
// an XDP program: each run sends one struct buffer_event through `events`, a ring buffer or a perf event array as
// EventBuffer.Prepare chose.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <ebpf/buffer.bpf.h>

struct buffer_event {
	__u64 seq;
	__u32 kind; // the buffer's kind as the program saw it: 0 ring buffer, 1 perf event array
	__u32 magic;
	char comm[16];
};

EBPF_BUFFER(events, 64 * 1024, struct buffer_event);

__u64 sequence;

// Reserves, fills and submits an event; XDP_DROP when the buffer refused it.
SEC("xdp")
int emit(struct xdp_md *ctx)
{
	struct buffer_event *e = ebpf_buffer_reserve(events, sizeof(*e));

	if (!e)
		return XDP_DROP;
	e->seq = sequence++; // not an atomic fetch-and-add: that needs Linux 5.12, and test runs come one at a time
	e->kind = ebpf_buffer__events;
	e->magic = 0xeb9f0001;
	__builtin_memcpy(e->comm, "buffer", 7);
	__builtin_memset(e->comm + 7, 0, sizeof(e->comm) - 7);
	return ebpf_buffer_submit(ctx, events, e, sizeof(*e)) ? XDP_DROP : XDP_PASS;
}

// Copies a stack event into the buffer with ebpf_buffer_output; XDP_DROP when refused.
SEC("xdp")
int output(struct xdp_md *ctx)
{
	struct buffer_event e = {
		.seq = sequence++,
		.kind = ebpf_buffer__events,
		.magic = 0xeb9f0002,
	};

	return ebpf_buffer_output(ctx, events, &e, sizeof(e)) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
