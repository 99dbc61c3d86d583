// Kernel-probe, trampoline and BPF LSM programs whose sections name their targets, for program.Attach() where the
// kernel has kprobes, BTF trampolines and the BPF LSM (the VMs): each counts in its own slot of `counts`, the probes
// and trampolines when getpid(2) runs (getpid -> task_tgid_vnr -> __task_pid_nr_ns), on_file_open when the process
// `target_tgid` opens a file.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

// The process whose opens on_file_open counts; set before load.
const volatile __u32 target_tgid = 0;

static __always_inline void count(__u32 slot)
{
	__u64 *value = bpf_map_lookup_elem(&counts, &slot);
	if (value)
		__sync_fetch_and_add(value, 1);
}

SEC("kprobe/__task_pid_nr_ns")
int on_kprobe(void *ctx)
{
	count(0);
	return 0;
}

SEC("kretprobe/__task_pid_nr_ns")
int on_kretprobe(void *ctx)
{
	count(1);
	return 0;
}

SEC("kprobe.multi/__task_pid_nr_n?")
int on_kprobe_multi(void *ctx)
{
	count(2);
	return 0;
}

SEC("fentry/__task_pid_nr_ns")
int on_fentry(void *ctx)
{
	count(3);
	return 0;
}

SEC("fexit/__task_pid_nr_ns")
int on_fexit(void *ctx)
{
	count(4);
	return 0;
}

SEC("lsm/file_open")
int on_file_open(void *ctx)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid)
		count(5);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
