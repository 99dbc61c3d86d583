// Programs for Program.Load tests. tc_store is valid as a tc program, which bpftool loads it as, but the
// tests load it as a socket filter on purpose: the verifier rejects its bpf_skb_store_bytes call, and the
// tests check the error summary names that call and its source line. xdp_good is valid; the tests check
// its func and line info and test-run it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_store(struct __sk_buff *skb)
{
	__u8 mark = 0x42;
	return bpf_skb_store_bytes(skb, 0, &mark, 1, 0) ? 1 : 0;
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
