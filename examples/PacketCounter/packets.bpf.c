// Counts packets and bytes per IP protocol (IPv4 protocol / IPv6 next header) arriving on an interface;
// packets that are not IP are counted under key 256. Every packet is passed on.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define NOT_IP 256

struct counter {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NOT_IP + 1);
	__type(key, __u32);
	__type(value, struct counter);
} packet_counts SEC(".maps");

static __always_inline __u32 protocol_of(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return NOT_IP;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > data_end)
			return NOT_IP;
		return ip->protocol;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > data_end)
			return NOT_IP;
		return ip6->nexthdr;
	}
	return NOT_IP;
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = protocol_of(data, data_end);
	struct counter *counter = bpf_map_lookup_elem(&packet_counts, &key);
	if (counter) {
		counter->packets++;
		counter->bytes += data_end - data;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
