// An arena map with __arena globals. clang 14 has no address-space casts, so the globals are placed in
// .addr_space.1 by hand (newer clang does it for address_space(1) variables) and the kernel test inserts the
// casts the verifier needs before loading. libbpf 1.1 predates arenas and cannot open it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __arena __attribute__((address_space(1)))

struct {
	__uint(type, 33); /* BPF_MAP_TYPE_ARENA */
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4); /* pages */
} arena SEC(".maps");

int __arena arena_counter SEC(".addr_space.1") = 5;
long __arena arena_pair[2] SEC(".addr_space.1") = {1, 2};

SEC("syscall")
int bump(void *ctx)
{
	arena_counter += 1;
	arena_pair[1] = arena_counter;
	return arena_pair[1] + arena_pair[0] * 100;
}

char LICENSE[] SEC("license") = "GPL";
