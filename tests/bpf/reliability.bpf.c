// The program the reliability runs (tests/Ebpf.Reliability) load and attach thousands of times: a raw
// tracepoint on sys_enter counting system calls into an array, plus a pinned-by-name hash map so failed loads
// have a pin to clean up.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rel_syscalls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rel_pinned SEC(".maps");

SEC("raw_tp/sys_enter")
int rel_sys_enter(void *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&rel_syscalls, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
