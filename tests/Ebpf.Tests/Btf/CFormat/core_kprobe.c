/* A CO-RE kprobe built against the vmlinux.h BtfCWriter writes for the running kernel, with libbpf's headers. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(do_unlinkat, int dfd, struct filename *name)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	pid_t ppid = BPF_CORE_READ(task, real_parent, tgid);
	const char *file = BPF_CORE_READ(name, name);
	bpf_printk("unlink %s by child of %d", file, ppid);
	return 0;
}
