// A large CO-RE object shaped like an Inspektor Gadget gadget, for startup-vs-libbpf.sh: 96 tracing programs
// (tracepoints on syscalls and raw tracepoints) that read task, file and socket fields through BPF_CORE_READ against
// the running kernel's vmlinux.h (thousands of CO-RE relocations; the object carries the BTF of task_struct and
// everything it reaches), 40 maps of the kinds gadgets use, and .rodata/.bss configuration.
// Built by the script, not by the project: vmlinux.h is the running kernel's (bpftool btf dump ... format c).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#define TASK_COMM_LEN 16
#define NAME_LEN 64

struct gadget_event {
	__u64 timestamp;
	__u64 mntns, netns, pidns, utsns, ipcns, cgroup;
	__u64 start_time, exe_ino, file_ino, file_size, file_pos;
	__u32 pid, tgid, ppid, uid, gid, euid, loginuid, sessionid, flags, exit_code;
	__u32 file_mode, file_flags, sk_family, sk_state, sk_protocol, sk_type;
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u32 id, kind;
	__u64 args[6];
	char comm[TASK_COMM_LEN];
	char pcomm[TASK_COMM_LEN];
	char name[NAME_LEN];
};

const volatile __u64 targ_mntns = 0;
const volatile __u32 targ_pid = 0;
const volatile __u32 targ_uid = (__u32)-1;
const volatile bool ignore_failed = true;
const volatile bool collect_files = true;
const volatile bool collect_sockets = true;

__u64 dropped = 0;
__u64 seen = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gadget_event);
} heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u32);
} mntns_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct gadget_event);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

// 32 more maps, one per program group: hashes, LRU hashes, per-CPU hashes and arrays.
#define HASH_MAP(n, kind)                      \
	struct {                               \
		__uint(type, kind);            \
		__uint(max_entries, 4096);     \
		__type(key, __u32);            \
		__type(value, __u64);          \
	} stats_##n SEC(".maps");
#define MAPS4(a, b, c, d) HASH_MAP(a, BPF_MAP_TYPE_HASH) HASH_MAP(b, BPF_MAP_TYPE_LRU_HASH) \
	HASH_MAP(c, BPF_MAP_TYPE_PERCPU_HASH) HASH_MAP(d, BPF_MAP_TYPE_ARRAY)
MAPS4(0, 1, 2, 3)
MAPS4(4, 5, 6, 7)
MAPS4(8, 9, 10, 11)
MAPS4(12, 13, 14, 15)
MAPS4(16, 17, 18, 19)
MAPS4(20, 21, 22, 23)
MAPS4(24, 25, 26, 27)
MAPS4(28, 29, 30, 31)

static __always_inline struct gadget_event *reserve_event(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&heap, &zero);
}

static __always_inline bool filtered(struct task_struct *task)
{
	__u64 mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	if (targ_mntns && mntns != targ_mntns)
		return true;
	if (targ_pid && BPF_CORE_READ(task, tgid) != targ_pid)
		return true;
	if (targ_uid != (__u32)-1 && BPF_CORE_READ(task, cred, uid.val) != targ_uid)
		return true;
	return bpf_map_lookup_elem(&mntns_filter, &mntns) == NULL && targ_mntns != 0;
}

static __always_inline void fill_task(struct gadget_event *e, struct task_struct *task)
{
	e->timestamp = bpf_ktime_get_boot_ns();
	e->pid = BPF_CORE_READ(task, pid);
	e->tgid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = BPF_CORE_READ(task, cred, uid.val);
	e->gid = BPF_CORE_READ(task, cred, gid.val);
	e->euid = BPF_CORE_READ(task, cred, euid.val);
	e->loginuid = BPF_CORE_READ(task, loginuid.val);
	e->sessionid = BPF_CORE_READ(task, sessionid);
	e->flags = BPF_CORE_READ(task, flags);
	e->exit_code = BPF_CORE_READ(task, exit_code);
	e->start_time = BPF_CORE_READ(task, start_time);
	e->mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	e->netns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	e->pidns = BPF_CORE_READ(task, nsproxy, pid_ns_for_children, ns.inum);
	e->utsns = BPF_CORE_READ(task, nsproxy, uts_ns, ns.inum);
	e->ipcns = BPF_CORE_READ(task, nsproxy, ipc_ns, ns.inum);
	e->cgroup = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	e->exe_ino = BPF_CORE_READ(task, mm, exe_file, f_inode, i_ino);
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	BPF_CORE_READ_STR_INTO(&e->pcomm, task, real_parent, comm);
}

static __always_inline struct file *task_file(struct task_struct *task, unsigned int fd)
{
	struct file **files = BPF_CORE_READ(task, files, fdt, fd);
	struct file *file = NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &files[fd & 1023]);
	return file;
}

static __always_inline void fill_file(struct gadget_event *e, struct file *file)
{
	if (!collect_files || !file)
		return;
	e->file_ino = BPF_CORE_READ(file, f_inode, i_ino);
	e->file_size = BPF_CORE_READ(file, f_inode, i_size);
	e->file_mode = BPF_CORE_READ(file, f_inode, i_mode);
	e->file_flags = BPF_CORE_READ(file, f_flags);
	e->file_pos = BPF_CORE_READ(file, f_pos);
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
}

static __always_inline void fill_sock(struct gadget_event *e, struct sock *sk)
{
	if (!collect_sockets || !sk)
		return;
	e->sk_family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sk_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
	e->daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	e->sk_protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	e->sk_type = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type);
}

static __always_inline int submit(void *ctx, struct gadget_event *e, void *stats, __u32 n)
{
	__u32 key = e->tgid;
	__u64 one = 1, *count = bpf_map_lookup_elem(stats, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(stats, &key, &one, BPF_ANY);
	__u32 slot = n;
	__u64 *total = bpf_map_lookup_elem(&counters, &slot);
	if (total)
		__sync_fetch_and_add(total, 1);
	__sync_fetch_and_add(&seen, 1);
	if (n & 1)
		return bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, e, sizeof(*e));
	if (bpf_ringbuf_output(&events, e, sizeof(*e), 0))
		__sync_fetch_and_add(&dropped, 1);
	return 0;
}

// A syscall-entry tracepoint: the task, the syscall's arguments, the file behind its first argument as a descriptor,
// and the socket behind that file.
#define SYSCALL_PROGRAM(name, n)                                                             \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                          \
	int trace_enter_##name(struct trace_event_raw_sys_enter *ctx)                        \
	{                                                                                    \
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();    \
		if (filtered(task))                                                          \
			return 0;                                                            \
		struct gadget_event *e = reserve_event();                                    \
		if (!e)                                                                      \
			return 0;                                                            \
		fill_task(e, task);                                                          \
		e->id = BPF_CORE_READ(ctx, id);                                              \
		e->kind = n;                                                                 \
		for (int i = 0; i < 6; i++)                                                  \
			e->args[i] = BPF_CORE_READ(ctx, args[i]);                            \
		struct file *file = task_file(task, (unsigned int)e->args[0]);               \
		fill_file(e, file);                                                          \
		if (file) {                                                                  \
			struct socket *sock = BPF_CORE_READ(file, private_data);             \
			if (sock)                                                            \
				fill_sock(e, BPF_CORE_READ(sock, sk));                       \
		}                                                                            \
		bpf_map_update_elem(&starts, &e->tgid, e, BPF_ANY);                          \
		return submit(ctx, e, &stats_##n, n);                                        \
	}

// A raw tracepoint whose first argument is a task (sched_*) or a pt_regs (sys_enter/sys_exit): the task's fields and
// its files' counters.
#define RAW_PROGRAM(tp, n)                                                                   \
	SEC("raw_tp/" #tp)                                                                    \
	int raw_##tp##_##n(struct bpf_raw_tracepoint_args *ctx)                              \
	{                                                                                    \
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();    \
		if (filtered(task))                                                          \
			return 0;                                                            \
		struct gadget_event *e = reserve_event();                                    \
		if (!e)                                                                      \
			return 0;                                                            \
		fill_task(e, task);                                                          \
		e->kind = 1000 + n;                                                          \
		e->args[0] = ctx->args[0];                                                   \
		e->args[1] = ctx->args[1];                                                   \
		e->file_size = BPF_CORE_READ(task, files, next_fd);                          \
		e->file_pos = BPF_CORE_READ(task, signal, nr_threads);                       \
		e->file_ino = BPF_CORE_READ(task, fs, pwd.dentry, d_inode, i_ino);           \
		bpf_probe_read_kernel_str(e->name, sizeof(e->name),                          \
					  BPF_CORE_READ(task, fs, pwd.dentry, d_name.name)); \
		struct gadget_event *prev = bpf_map_lookup_elem(&starts, &e->tgid);          \
		if (prev && !ignore_failed)                                                  \
			e->start_time -= prev->timestamp;                                    \
		return submit(ctx, e, &stats_##n, n);                                        \
	}

SYSCALL_PROGRAM(openat, 0)
SYSCALL_PROGRAM(open, 1)
SYSCALL_PROGRAM(openat2, 2)
SYSCALL_PROGRAM(read, 3)
SYSCALL_PROGRAM(write, 4)
SYSCALL_PROGRAM(pread64, 5)
SYSCALL_PROGRAM(pwrite64, 6)
SYSCALL_PROGRAM(readv, 7)
SYSCALL_PROGRAM(writev, 8)
SYSCALL_PROGRAM(close, 9)
SYSCALL_PROGRAM(fstat, 10)
SYSCALL_PROGRAM(newfstatat, 11)
SYSCALL_PROGRAM(lseek, 12)
SYSCALL_PROGRAM(mmap, 13)
SYSCALL_PROGRAM(ioctl, 14)
SYSCALL_PROGRAM(fcntl, 15)
SYSCALL_PROGRAM(flock, 16)
SYSCALL_PROGRAM(fsync, 17)
SYSCALL_PROGRAM(fdatasync, 18)
SYSCALL_PROGRAM(ftruncate, 19)
SYSCALL_PROGRAM(getdents64, 20)
SYSCALL_PROGRAM(fchmod, 21)
SYSCALL_PROGRAM(fchown, 22)
SYSCALL_PROGRAM(dup, 23)
SYSCALL_PROGRAM(dup3, 24)
SYSCALL_PROGRAM(socket, 25)
SYSCALL_PROGRAM(connect, 26)
SYSCALL_PROGRAM(accept, 27)
SYSCALL_PROGRAM(accept4, 28)
SYSCALL_PROGRAM(bind, 29)
SYSCALL_PROGRAM(listen, 30)
SYSCALL_PROGRAM(sendto, 31)
SYSCALL_PROGRAM(recvfrom, 0)
SYSCALL_PROGRAM(sendmsg, 1)
SYSCALL_PROGRAM(recvmsg, 2)
SYSCALL_PROGRAM(shutdown, 3)
SYSCALL_PROGRAM(getsockname, 4)
SYSCALL_PROGRAM(getpeername, 5)
SYSCALL_PROGRAM(setsockopt, 6)
SYSCALL_PROGRAM(getsockopt, 7)
SYSCALL_PROGRAM(sendmmsg, 8)
SYSCALL_PROGRAM(recvmmsg, 9)
SYSCALL_PROGRAM(splice, 10)
SYSCALL_PROGRAM(sendfile64, 11)
SYSCALL_PROGRAM(epoll_ctl, 12)
SYSCALL_PROGRAM(fadvise64, 13)
SYSCALL_PROGRAM(fallocate, 14)
SYSCALL_PROGRAM(copy_file_range, 15)
SYSCALL_PROGRAM(execve, 16)
SYSCALL_PROGRAM(execveat, 17)
SYSCALL_PROGRAM(unlinkat, 18)
SYSCALL_PROGRAM(renameat2, 19)
SYSCALL_PROGRAM(mkdirat, 20)
SYSCALL_PROGRAM(mount, 21)
SYSCALL_PROGRAM(umount, 22)
SYSCALL_PROGRAM(kill, 23)
SYSCALL_PROGRAM(tgkill, 24)
SYSCALL_PROGRAM(ptrace, 25)
SYSCALL_PROGRAM(setuid, 26)
SYSCALL_PROGRAM(setgid, 27)
SYSCALL_PROGRAM(capset, 28)
SYSCALL_PROGRAM(unshare, 29)
SYSCALL_PROGRAM(setns, 30)
SYSCALL_PROGRAM(bpf, 31)

RAW_PROGRAM(sched_process_exec, 0)
RAW_PROGRAM(sched_process_exit, 1)
RAW_PROGRAM(sched_process_fork, 2)
RAW_PROGRAM(sched_switch, 3)
RAW_PROGRAM(sched_wakeup, 4)
RAW_PROGRAM(sched_wakeup_new, 5)
RAW_PROGRAM(sys_enter, 6)
RAW_PROGRAM(sys_exit, 7)
RAW_PROGRAM(task_newtask, 8)
RAW_PROGRAM(task_rename, 9)
RAW_PROGRAM(signal_generate, 10)
RAW_PROGRAM(signal_deliver, 11)
RAW_PROGRAM(sched_process_free, 12)
RAW_PROGRAM(sched_process_wait, 13)
RAW_PROGRAM(sched_migrate_task, 14)
RAW_PROGRAM(sched_stat_runtime, 15)
RAW_PROGRAM(inet_sock_set_state, 16)
RAW_PROGRAM(tcp_retransmit_skb, 17)
RAW_PROGRAM(tcp_destroy_sock, 18)
RAW_PROGRAM(sock_exceed_buf_limit, 19)
RAW_PROGRAM(net_dev_queue, 20)
RAW_PROGRAM(netif_receive_skb, 21)
RAW_PROGRAM(kfree_skb, 22)
RAW_PROGRAM(consume_skb, 23)
RAW_PROGRAM(mm_page_alloc, 24)
RAW_PROGRAM(mm_page_free, 25)
RAW_PROGRAM(kmem_cache_alloc, 26)
RAW_PROGRAM(kmem_cache_free, 27)
RAW_PROGRAM(block_rq_issue, 28)
RAW_PROGRAM(block_rq_complete, 29)
RAW_PROGRAM(writeback_dirty_inode, 30)
RAW_PROGRAM(cgroup_mkdir, 31)

char LICENSE[] SEC("license") = "GPL";
