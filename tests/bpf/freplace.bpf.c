// freplace: xdp_verdict passes every packet through the global function verdict; new_verdict, an extension program
// (not autoloaded: it needs xdp_verdict loaded as its target), replaces verdict to drop packets and count them.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} replaced SEC(".maps");

__noinline int verdict(struct xdp_md *ctx)
{
	return ctx->data_end > ctx->data ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp")
int xdp_verdict(struct xdp_md *ctx)
{
	return verdict(ctx);
}

SEC("?freplace/verdict")
int new_verdict(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&replaced, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
