// libbpf's feature .kconfig externs, which the loader sets from feature probes of the running kernel.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern _Bool LINUX_HAS_BPF_COOKIE __kconfig;
extern int LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern int CONFIG_HZ __kconfig __weak;

__u64 has_cookie = 7;
__u64 has_wrapper = 7;

SEC("xdp")
int read_features(struct xdp_md *ctx)
{
	has_cookie = LINUX_HAS_BPF_COOKIE;
	has_wrapper = LINUX_HAS_SYSCALL_WRAPPER + CONFIG_HZ * 0;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
