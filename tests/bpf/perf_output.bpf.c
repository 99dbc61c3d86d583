// Perf event array producer for the PerfEventReader tests, run with BPF_PROG_TEST_RUN as an XDP program:
// the test packet starts with the record size.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_RECORD 4096

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

// The bytes perf_output copies; user space fills it with a pattern.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[MAX_RECORD]);
} payload SEC(".maps");

// The next sequence number.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sequence SEC(".maps");

// Outputs `size` bytes of the payload to this CPU's ring, the first 8 replaced by the sequence number;
// XDP_DROP when the output failed (no ring for this CPU).
SEC("xdp")
int perf_output(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 *size_in = data;
	__u32 zero = 0;

	if ((void *)(size_in + 1) > end)
		return XDP_ABORTED;
	__u8 *buf = bpf_map_lookup_elem(&payload, &zero);
	__u64 *seq = bpf_map_lookup_elem(&sequence, &zero);
	if (!buf || !seq)
		return XDP_ABORTED;
	__u32 size = *size_in;
	if (size < 8 || size > MAX_RECORD)
		return XDP_ABORTED;
	*(__u64 *)buf = __sync_fetch_and_add(seq, 1);
	return bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, buf, size) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
