// Programs for Program.Load and Collection.Load tests. tc_unchecked is wrong on purpose: it reads the packet
// without a bounds check, so the verifier rejects it, and the tests check the error summary names the failing
// instruction and its source line. xdp_good is valid; the tests check its func and line info and test-run it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_unchecked(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	return *(volatile int *)(data + 100) & 1;
}

SEC("xdp")
int xdp_good(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 4 > data_end)
		return XDP_PASS;
	return (*(volatile unsigned char *)data == 0x42) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
