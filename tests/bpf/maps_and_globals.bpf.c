// Maps, global data, helper calls and a bpf-to-bpf call: the common shape of a real program.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

const volatile __u32 filter_pid = 0;
__u64 seen = 0;
__u64 last_ts = 1;

static __noinline __u64 bump(__u32 key)
{
	__u64 one = 1, *val = bpf_map_lookup_elem(&counts, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return *val;
	}
	bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
	return 1;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (filter_pid && pid != filter_pid)
		return 0;
	seen += bump(pid);
	last_ts = bpf_ktime_get_ns();
	__u32 zero = 0;
	__u64 *total = bpf_map_lookup_elem(&totals, &zero);
	if (total)
		*total += 1;
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int count_raw(void *ctx)
{
	bump(0xffffffff);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
