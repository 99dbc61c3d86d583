// __arena globals larger than their arena (one page): refused when read, as libbpf 1.4+ refuses them.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __arena __attribute__((address_space(1)))

struct {
	__uint(type, 33); /* BPF_MAP_TYPE_ARENA */
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1); /* pages */
} arena SEC(".maps");

char __arena arena_big[8192] SEC(".addr_space.1") = {1};

SEC("syscall")
int touch(void *ctx)
{
	return arena_big[8191];
}

char LICENSE[] SEC("license") = "GPL";
