// BTF-defined maps (.maps): every field libbpf knows, both key/value forms, a prog array and a map-in-map
// initialised through `values`, and an inner map template.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
	__u32 a;
	__u64 b;
};

typedef struct pair pair_t;

/* Key and value by type, with flags, NUMA node and pinning. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE);
	__uint(numa_node, 0);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, pair_t);
} typed SEC(".maps");

/* Key and value by size only. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__uint(key_size, 6);
	__uint(value_size, 24);
} sized SEC(".maps");

/* A bloom filter: no key, map_extra holds the number of hash functions. */
struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 256);
	__uint(map_extra, 3);
	__type(value, __u64);
} bloom SEC(".maps");

/* A ring buffer: no key, no value. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8192);
} ring SEC(".maps");

/* A ring buffer of no whole power-of-two pages: rounded up when opened, as libbpf does. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);
} ring_rounded SEC(".maps");

/* Explicit pinning none, value by type with key by size. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__uint(pinning, LIBBPF_PIN_NONE);
	__uint(key_size, 4);
	__type(value, char[10]);
} mixed SEC(".maps");

struct inner_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
};

struct inner_array inner_a SEC(".maps");
struct inner_array inner_b SEC(".maps");

/* Array of maps with initial contents: slot 0 and slot 2 hold inner_a and inner_b. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, struct inner_array);
} outer_array SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

/* Hash of maps with an inner template only. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 16);
	__type(key, __u64);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 32);
		__uint(map_flags, BPF_F_NO_PREALLOC);
		__type(key, __u16);
		__type(value, struct pair);
	});
} outer_hash SEC(".maps");

SEC("tc")
int tail_one(struct __sk_buff *skb)
{
	return 1;
}

SEC("tc")
int tail_two(struct __sk_buff *skb)
{
	return 2;
}

/* Program array: slot 1 holds tail_one, slot 3 tail_two. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jumps SEC(".maps") = {
	.values = { [1] = (void *)&tail_one, [3] = (void *)&tail_two },
};

SEC("tc")
int entry(struct __sk_buff *skb)
{
	__u32 key = 0;
	pair_t *p = bpf_map_lookup_elem(&typed, &key);
	void *inner = bpf_map_lookup_elem(&outer_array, &key);
	__u64 hkey = 0;
	void *inner2 = bpf_map_lookup_elem(&outer_hash, &hkey);
	bpf_tail_call(skb, &jumps, 1);
	if (p)
		return p->a + (inner != 0) + (inner2 != 0);
	__u8 key6[6] = {};
	return bpf_map_lookup_elem(&sized, key6) != 0 || bpf_map_lookup_elem(&mixed, &key) != 0;
}

char LICENSE[] SEC("license") = "GPL";
