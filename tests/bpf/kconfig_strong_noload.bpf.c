// A strong __kconfig extern no kernel config has, beside a weak one: libbpf refuses to load the object
// ("extern (kcfg) 'CONFIG_EBPF_DOTNET_NO_SUCH_OPTION': value not found"); the weak one alone would be zero.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int CONFIG_EBPF_DOTNET_NO_SUCH_OPTION __kconfig;
extern int CONFIG_EBPF_DOTNET_NO_SUCH_WEAK_OPTION __kconfig __weak;

__u64 seen = 7;

SEC("xdp")
int read_options(struct xdp_md *ctx)
{
	seen = CONFIG_EBPF_DOTNET_NO_SUCH_OPTION + CONFIG_EBPF_DOTNET_NO_SUCH_WEAK_OPTION;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
