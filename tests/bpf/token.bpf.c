// The collection the BPF token tests load inside a user namespace: a socket filter counting packets in an array map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} token_packets SEC(".maps");

SEC("socket")
int token_count(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&token_packets, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
