// Reports every openat(2) through a ring buffer, as libbpf-tools' opensnoop: the file name and flags are kept at
// syscalls/sys_enter_openat, the result is added at syscalls/sys_exit_openat and the event is sent from there.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <stdbool.h>

// The tracepoint contexts (see their tracefs "format" files).
struct sys_enter_openat_args {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__u64 dfd;
	const char *filename;
	__u64 flags;
	__u64 mode;
};

struct sys_exit_openat_args {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__s64 ret;
};

struct event {
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;       // the file descriptor, or -errno
	__s32 flags;
	char comm[16];
	char fname[256];
};

// Keeps struct event in the BTF (it is only used through bpf_ringbuf_reserve), so the build generates
// OpensnoopObjects.Event from it; Types="events:event" in OpenSnoop.csproj makes it the ring buffer's record type.
struct event *unused_event __attribute__((unused));

// The filters, set before load (OpensnoopObjects.Variables over the spec); frozen once loaded.
const volatile __u32 targ_pid = 0;     // only this process (tgid); 0: every process
const volatile __u32 targ_uid = -1;    // only this user; -1: every user
const volatile bool targ_failed = false; // only opens that failed

// Counters the tool reads live after load (.bss): events sent, and events dropped because the ring was full.
__u64 emitted = 0;
__u64 dropped = 0;

struct start_args {
	const char *fname;
	__s32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);                // thread id
	__type(value, struct start_args);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_enter_openat(struct sys_enter_openat_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32;
	__u32 tid = (__u32)id;

	if (targ_pid && targ_pid != pid)
		return 0;
	if (targ_uid != (__u32)-1 && targ_uid != (__u32)bpf_get_current_uid_gid())
		return 0;
	struct start_args args = { .fname = ctx->filename, .flags = (__s32)ctx->flags };
	bpf_map_update_elem(&start, &tid, &args, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int trace_exit_openat(struct sys_exit_openat_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct start_args *args = bpf_map_lookup_elem(&start, &tid);
	if (!args)
		return 0;
	int ret = (int)ctx->ret;
	if (targ_failed && ret >= 0)
		goto cleanup;

	struct event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event) {
		__sync_fetch_and_add(&dropped, 1);
		goto cleanup;
	}
	event->pid = id >> 32;
	event->tid = tid;
	event->uid = (__u32)bpf_get_current_uid_gid();
	event->ret = ret;
	event->flags = args->flags;
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	bpf_probe_read_user_str(event->fname, sizeof(event->fname), args->fname);
	bpf_ringbuf_submit(event, 0);
	__sync_fetch_and_add(&emitted, 1);
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
