// Legacy map definitions: struct bpf_map_def (20 bytes) in the "maps" section, as libbpf before 1.0 read them.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 512,
	.map_flags = BPF_F_NO_PREALLOC,
};

struct bpf_map_def SEC("maps") legacy_array = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = 12,
	.max_entries = 3,
};

struct bpf_map_def SEC("maps") legacy_jumps = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 2,
};

SEC("socket")
int legacy_prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&legacy_hash, &key);
	bpf_tail_call(skb, &legacy_jumps, 0);
	return v ? *v : bpf_map_lookup_elem(&legacy_array, &key) != 0;
}

char LICENSE[] SEC("license") = "GPL";
