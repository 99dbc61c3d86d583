// Deliberately wrong programs: each is rejected by the verifier for one clear reason, and the tests check that
// the EbpfVerifierException summary names that reason and the source line. Not loadable by design (_noload).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* A hash map: the verifier knows a constant in-range key of an array map always finds a value. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Reads a packet byte without checking it against data_end. */
SEC("xdp")
int out_of_bounds(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	return data[100] == 0x42 ? XDP_DROP : XDP_PASS;
}

/* Uses a map value without checking the lookup for NULL. */
SEC("xdp")
int unchecked_null(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&counters, &key);
	*value += 1;
	return XDP_PASS;
}

/* Calls a helper that XDP programs may not use. */
SEC("xdp")
int bad_helper(struct xdp_md *ctx)
{
	__u8 mark = 1;
	return bpf_skb_store_bytes((void *)ctx, 0, &mark, 1, 0) ? XDP_DROP : XDP_PASS;
}

/* A loop whose bound the verifier cannot see: it gives up after a million instructions. */
SEC("xdp")
int too_complex(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&counters, &key);
	if (!value)
		return XDP_PASS;
	__u64 sum = 0;
	for (volatile __u64 i = 0; i < *value; i++)
		sum += i * 3;
	return sum & 1;
}

char LICENSE[] SEC("license") = "GPL";
