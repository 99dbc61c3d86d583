// Global variables read and written live by the C# side (LiveGlobalsKernelTests): a .bss counter the program
// increments by a .data step, and a .rodata limit it copies into .bss.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 counter;
__u32 step = 1;
const volatile __u32 limit = 1000;
__u32 seen_limit;

SEC("socket")
int bump(struct __sk_buff *skb)
{
	counter += step;
	seen_limit = limit;
	return counter < limit;
}

char LICENSE[] SEC("license") = "GPL";
