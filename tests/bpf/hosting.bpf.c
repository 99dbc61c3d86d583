// The hosting end-to-end test's object: a raw tracepoint on sys_enter that reports the syscalls of one process
// (the pid user space writes into `target`) to a ring buffer and to a perf event array.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

// Entry 0: the process (tgid) to report; 0 reports nothing.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target SEC(".maps");

struct event {
	__u32 pid;
	__u32 tid;
};

SEC("raw_tp/sys_enter")
int on_sys_enter(void *ctx)
{
	__u32 zero = 0;
	__u32 *pid = bpf_map_lookup_elem(&target, &zero);
	__u64 id = bpf_get_current_pid_tgid();

	if (!pid || *pid == 0 || (__u32)(id >> 32) != *pid)
		return 0;
	struct event e = { .pid = id >> 32, .tid = (__u32)id };
	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
