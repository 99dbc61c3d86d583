// Second unit of linked_statics (see statics_a.bpf.c): another static `helper`, with a longer body, and a global
// function that calls it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int helper(int x)
{
	if (x > 10000)
		return 0;
	return x * 3 + 2000; // unit b
}

__noinline int call_b_helper(int x)
{
	return helper(x);
}

SEC("tc")
int statics_b(struct __sk_buff *skb)
{
	return helper(skb->len);
}
