// Static linking, first half (with linked_b.bpf.c, linked by `bpftool gen object`): a weak function the other
// object overrides, a weak function nobody overrides, an extern map, extern variables and a function of the other object.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} linked_results SEC(".maps");

extern int linked_counter;
extern const volatile int linked_rodata;
int linked_weak_var __weak = 1;

extern __u64 add_from_b(__u64 x);

__weak __noinline int choose(int x)
{
	return x + 100; // overridden by linked_b.bpf.c
}

__weak __noinline int keep_weak(int x)
{
	return x + 1000;
}

static __noinline __u64 local_a(__u64 x)
{
	return x * 3;
}

SEC("xdp")
int linked_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 value = choose(1) + local_a(2);
	bpf_map_update_elem(&linked_results, &key, &value, BPF_ANY);
	key = 1;
	value = add_from_b(linked_counter) + linked_rodata + linked_weak_var;
	bpf_map_update_elem(&linked_results, &key, &value, BPF_ANY);
	return choose(0) == 2 && keep_weak(0) == 1000 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
