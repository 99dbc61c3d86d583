// Only a weak __kconfig extern no kernel config has: libbpf loads it as zero.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int CONFIG_EBPF_DOTNET_NO_SUCH_WEAK_OPTION __kconfig __weak;

__u64 seen = 7;

SEC("xdp")
int read_weak_option(struct xdp_md *ctx)
{
	seen = CONFIG_EBPF_DOTNET_NO_SUCH_WEAK_OPTION;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
