// A __weak __hidden subprogram (as usdt.bpf.h's bpf_usdt_arg) that writes through its pointer argument unchecked:
// loadable only when verified as a static function in its caller's context, which libbpf arranges by giving
// hidden global functions static BTF linkage. A plain global function keeps its global linkage.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__weak __hidden int store_hidden(struct xdp_md *ctx, long *out)
{
	*out = ctx->ingress_ifindex;
	return 0;
}

__noinline int plain_global(struct xdp_md *ctx)
{
	return ctx != 0 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int call_hidden(struct xdp_md *ctx)
{
	long value = 0;
	store_hidden(ctx, &value);
	return value >= 0 ? plain_global(ctx) : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
