// Two arena maps in one object: refused when read, as libbpf 1.4+ refuses them (one arena per object).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, 33); /* BPF_MAP_TYPE_ARENA */
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
} arena_a SEC(".maps");

struct {
	__uint(type, 33);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
} arena_b SEC(".maps");

SEC("syscall")
int nothing(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
