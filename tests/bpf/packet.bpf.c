// Packet programs: bounds checks, byte swaps, loops and legacy packet loads.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	__u32 key = ip->protocol;
	__u64 *val = bpf_map_lookup_elem(&proto_count, &key);
	if (val)
		*val += bpf_ntohs(ip->tot_len);
	return XDP_PASS;
}

SEC("socket")
int socket_legacy(struct __sk_buff *skb)
{
	if (load_half(skb, offsetof(struct ethhdr, h_proto)) != ETH_P_IP)
		return 0;
	__u32 proto = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	__u32 saddr = load_word(skb, ETH_HLEN + offsetof(struct iphdr, saddr));
	return (proto == IPPROTO_UDP && (saddr & 0xff) != 0) ? -1 : 0;
}

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	__u32 sum = 0;
	for (int i = 0; i < 16; i++) {
		if (skb->len > (__u32)i * 64)
			sum += i ^ (skb->mark >> (i & 7));
	}
	skb->mark = bpf_htonl(sum) | (skb->len % 7);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
