// What the WebAgent traces, all from tracepoints every kernel has:
//   - process execs (sched/sched_process_exec) and exits (sched/sched_process_exit) sent through a ring buffer;
//   - system call latency (raw_tp sys_enter/sys_exit) counted in a log2 histogram of nanoseconds.
// target_tgid and target_cgroup (0: everything) are set before load from the app's options.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define MAX_SLOTS 32
#define EVENT_EXEC 1
#define EVENT_EXIT 2

// The fields we read from the kernel's task_struct; CO-RE finds their offsets in the running kernel's BTF.
struct task_struct {
	int tgid;
	int exit_code;
	__u64 start_time;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

// The tracepoint context of sched/sched_process_exec (its tracefs "format" file).
struct sched_process_exec_args {
	__u64 common;
	__u32 filename_loc; // __data_loc: offset in the low 16 bits, length in the high 16
	__s32 pid;
	__s32 old_pid;
};

struct process_event {
	__u64 time_ns;      // bpf_ktime_get_ns()
	__u64 duration_ns;  // exit: how long the process ran
	__u32 kind;         // EVENT_EXEC or EVENT_EXIT
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__s32 exit_code;    // exit: the wait(2) status
	char comm[16];
	char filename[256]; // exec: the file executed
};

struct hist {
	__u32 slots[MAX_SLOTS];
};

// Keeps struct process_event in the BTF (clang writes types only for globals, maps and function signatures), so
// the build generates WebagentObjects.ProcessEvent from it.
struct process_event *unused_process_event __attribute__((unused));

const volatile __u32 target_tgid = 0;
const volatile __u64 target_cgroup = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); // replaced by the app's RingBufferSize
} events SEC(".maps");

// When each thread entered its current system call.
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} syscall_starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hist);
} syscall_latency SEC(".maps");

static __always_inline int traced(void)
{
	if (target_tgid && (bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	if (target_cgroup && bpf_get_current_cgroup_id() != target_cgroup)
		return 0;
	return 1;
}

static __always_inline struct process_event *start_event(__u32 kind, struct task_struct *task)
{
	struct process_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event)
		return 0;
	event->time_ns = bpf_ktime_get_ns();
	event->duration_ns = 0;
	event->kind = kind;
	event->pid = bpf_get_current_pid_tgid() >> 32;
	event->ppid = BPF_CORE_READ(task, real_parent, tgid);
	event->uid = (__u32)bpf_get_current_uid_gid();
	event->exit_code = 0;
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	event->filename[0] = 0;
	return event;
}

SEC("tracepoint/sched/sched_process_exec")
int process_exec(struct sched_process_exec_args *ctx)
{
	if (!traced())
		return 0;
	struct process_event *event = start_event(EVENT_EXEC, (struct task_struct *)bpf_get_current_task());
	if (!event)
		return 0;
	bpf_probe_read_kernel_str(event->filename, sizeof(event->filename), (void *)ctx + (ctx->filename_loc & 0xffff));
	bpf_ringbuf_submit(event, 0);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int process_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if ((__u32)pid_tgid != pid_tgid >> 32 || !traced()) // threads other than the leader end silently
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct process_event *event = start_event(EVENT_EXIT, task);
	if (!event)
		return 0;
	event->duration_ns = event->time_ns - BPF_CORE_READ(task, start_time);
	event->exit_code = BPF_CORE_READ(task, exit_code);
	bpf_ringbuf_submit(event, 0);
	return 0;
}

SEC("raw_tp/sys_enter")
int syscall_enter(void *ctx)
{
	if (!traced())
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	bpf_map_update_elem(&syscall_starts, &tid, &now, BPF_ANY);
	return 0;
}

// floor(log2(v)) for v > 0, 0 for 0 (libbpf-tools' log2l).
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;
	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

SEC("raw_tp/sys_exit")
int syscall_exit(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *start = bpf_map_lookup_elem(&syscall_starts, &tid);
	if (!start)
		return 0;
	__u64 delta = bpf_ktime_get_ns() - *start;
	bpf_map_delete_elem(&syscall_starts, &tid);
	__u32 zero = 0;
	struct hist *hist = bpf_map_lookup_elem(&syscall_latency, &zero);
	if (!hist)
		return 0;
	__u32 slot = log2_u64(delta);
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	hist->slots[slot]++; // per-CPU: no other writer
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
