// One function in .text and nothing else: libbpf takes it as a program of unknown type (section ".text"), and so
// do we. Not loadable (no program type).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) int lone(int x)
{
	return x + 1;
}

char _license[] SEC("license") = "GPL";
