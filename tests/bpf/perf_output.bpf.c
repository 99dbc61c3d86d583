// Perf event array producer for the PerfEventReader tests, run with BPF_PROG_TEST_RUN as an XDP program:
// the test packet starts with the record size.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "sequenced_payload.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

// Outputs `size` bytes of the payload to this CPU's ring, the first 8 replaced by the sequence number;
// XDP_DROP when the output failed (no ring for this CPU).
SEC("xdp")
int perf_output(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 *size_in = data;

	if ((void *)(size_in + 1) > end)
		return XDP_ABORTED;
	__u32 size = *size_in;
	__u8 *buf = sequenced_payload(size);
	if (!buf)
		return XDP_ABORTED;
	return bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, buf, size) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
