// Static linking, second half (with linked_a.bpf.c): the strong function that overrides linked_a's weak one,
// the extern map's second declaration, variables and functions linked_a uses.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} linked_results SEC(".maps");

int linked_counter = 5;
const volatile int linked_rodata = 7;
int linked_weak_var = 2;

__noinline int choose(int x)
{
	return x + 2; // the strong definition: wins over linked_a's weak one
}

static __noinline __u64 local_b(__u64 x)
{
	return x + 10;
}

__noinline __u64 add_from_b(__u64 x)
{
	return local_b(x) * 2;
}

SEC("tc")
int linked_tc(struct __sk_buff *skb)
{
	__u32 key = 2;
	__u64 value = choose(40);
	bpf_map_update_elem(&linked_results, &key, &value, BPF_ANY);
	return 0;
}
