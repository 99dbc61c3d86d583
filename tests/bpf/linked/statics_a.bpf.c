// Static functions of the same name in two compilation units (with statics_b.bpf.c, linked by `bpftool gen object`
// into linked_statics.bpfel.o): both land in .text as local symbols named `helper`, as falco's two handle_exit.
// Each program must call its own unit's helper; statics_both reaches both.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int call_b_helper(int x);

static __noinline int helper(int x)
{
	return x + 1000; // unit a
}

SEC("tc")
int statics_a(struct __sk_buff *skb)
{
	return helper(skb->len);
}

SEC("tc")
int statics_both(struct __sk_buff *skb)
{
	return helper(skb->len) + call_b_helper(skb->len);
}

char LICENSE[] SEC("license") = "GPL";
