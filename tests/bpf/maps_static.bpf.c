// Static maps and a static program (libbpf 1.1 rejects both; newer loaders accept them): the `values` relocations
// name the section symbol, with the target's offset stored in the slot. Also map_extra as newer libbpf's __ulong
// (an enum with one enumerator), which libbpf 1.1 does not know.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};

static struct inner_array static_first SEC(".maps");
static struct inner_array static_second SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_array);
} static_outer SEC(".maps") = {
	.values = { &static_second, &static_first },
};

#define __ulong(name, val) enum { ___bpf_concat(__unique_value, __COUNTER__) = val } name

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 16);
	__ulong(map_extra, 5);
	__type(value, __u32);
} ulong_bloom SEC(".maps");

SEC("tc")
int static_entry(struct __sk_buff *skb)
{
	return 0;
}

SEC("tc")
static int static_tail(struct __sk_buff *skb)
{
	return 1;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, int (void *));
} static_jumps SEC(".maps") = {
	.values = { (void *)&static_tail },
};

SEC("tc")
int static_user(struct __sk_buff *skb)
{
	__u32 key = 0;
	void *inner = bpf_map_lookup_elem(&static_outer, &key);
	bpf_tail_call(skb, &static_jumps, 0);
	return inner != 0;
}

char LICENSE[] SEC("license") = "GPL";
