// Kernel symbol externs and a program loaded only on request. Not loadable everywhere: typed ksym variables
// need CONFIG_KALLSYMS_ALL, so kernel tests skip *_noload objects.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const int bpf_prog_active __ksym;
extern const void init_task __ksym __weak;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern unsigned int LINUX_KERNEL_VERSION __kconfig;

__u64 seen[2];

SEC("?tp_btf/sys_enter")
int with_ksyms(void *ctx)
{
	bpf_rcu_read_lock();
	seen[0] = *(int *)bpf_this_cpu_ptr(&bpf_prog_active);
	seen[1] = (__u64)&init_task + LINUX_KERNEL_VERSION;
	bpf_rcu_read_unlock();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
