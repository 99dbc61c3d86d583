// iproute2's legacy map definitions: struct bpf_elf_map (36 bytes) with pinning and a map-in-map whose
// inner_id names the inner maps' id and whose inner_idx places them in the outer map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

#define PIN_NONE 0
#define PIN_OBJECT_NS 1
#define PIN_GLOBAL_NS 2
#define NO_PREPOPULATE -1
#define INNER_ID 42

struct bpf_elf_map SEC("maps") tc_counts = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 16,
	.pinning = PIN_GLOBAL_NS,
};

struct bpf_elf_map SEC("maps") tc_inner_a = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 1,
	.id = INNER_ID,
	.inner_idx = 1,
};

struct bpf_elf_map SEC("maps") tc_inner_b = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 1,
	.id = INNER_ID,
	.inner_idx = NO_PREPOPULATE,
	.pinning = PIN_OBJECT_NS,
};

struct bpf_elf_map SEC("maps") tc_outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 2,
	.inner_id = INNER_ID,
};

SEC("classifier")
int tc_prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&tc_counts, &key);
	void *inner = bpf_map_lookup_elem(&tc_outer, &key);
	if (inner)
		bpf_map_lookup_elem(inner, &key);
	return v ? *v : bpf_map_lookup_elem(&tc_inner_b, &key) != 0;
}

char LICENSE[] SEC("license") = "GPL";
