// A large object (about 1 MB with BTF) for CollectionSpecLoadBenchmarks and native/object_open.c: the macros below
// stamp out 384 groups, each a BTF-defined hash map, a global variable, a CO-RE accessed struct, a subprogram and
// two programs (one calling the subprogram and using the map, one tail-calling through a shared program array).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} big_jumps SEC(".maps");

#define GROUP(n)                                                                                     \
	struct big_rec_##n {                                                                         \
		__u64 a, b;                                                                          \
		__u32 c[4];                                                                          \
	} __attribute__((preserve_access_index));                                                   \
	struct {                                                                                     \
		__uint(type, BPF_MAP_TYPE_HASH);                                                     \
		__uint(max_entries, 64);                                                             \
		__type(key, __u32);                                                                  \
		__type(value, struct big_rec_##n);                                                   \
	} big_map_##n SEC(".maps");                                                                  \
	volatile __u64 big_counter_##n = n;                                                          \
	static __attribute__((noinline)) __u64 big_sub_##n(struct big_rec_##n *r, __u32 k)          \
	{                                                                                            \
		__u64 s = r->a + r->b;                                                               \
		for (int i = 0; i < 4; i++)                                                          \
			s += r->c[i] * (k + i + n);                                                  \
		return s ^ big_counter_##n;                                                          \
	}                                                                                            \
	SEC("xdp")                                                                                   \
	int big_prog_##n(struct xdp_md *ctx)                                                         \
	{                                                                                            \
		__u32 key = ctx->rx_queue_index;                                                     \
		struct big_rec_##n *r = bpf_map_lookup_elem(&big_map_##n, &key);                     \
		if (!r)                                                                              \
			return XDP_PASS;                                                             \
		big_counter_##n += big_sub_##n(r, key);                                              \
		r->a += bpf_ktime_get_ns();                                                          \
		return big_counter_##n & 1 ? XDP_DROP : XDP_PASS;                                    \
	}                                                                                            \
	SEC("tc")                                                                                    \
	int big_tail_##n(struct __sk_buff *skb)                                                      \
	{                                                                                            \
		bpf_tail_call(skb, &big_jumps, (n) & 7);                                             \
		return skb->len > n ? 1 : 0;                                                         \
	}

#define GROUP8(n) GROUP(n##0) GROUP(n##1) GROUP(n##2) GROUP(n##3) GROUP(n##4) GROUP(n##5) GROUP(n##6) GROUP(n##7)
#define GROUP64(n) GROUP8(n##0) GROUP8(n##1) GROUP8(n##2) GROUP8(n##3) GROUP8(n##4) GROUP8(n##5) GROUP8(n##6) GROUP8(n##7)

GROUP64(1)
GROUP64(2)
GROUP64(3)
GROUP64(4)
GROUP64(5)
GROUP64(6)



char LICENSE[] SEC("license") = "GPL";
