// Kernel symbol externs that load on any kernel with BTF: a typeless ksym (an address from /proc/kallsyms), weak
// typeless and typed ksyms the kernel lacks (0) and a weak kfunc the kernel lacks, behind a check of its address.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const void _stext __ksym;
extern const void dotnet_absent_symbol __ksym __weak;
extern const int dotnet_absent_variable __ksym __weak;
extern void dotnet_absent_kfunc(void) __ksym __weak;

__u64 stext_address;
__u64 absent_typeless;
__u64 absent_typed;
__u64 kfunc_present = 7;

SEC("xdp")
int read_ksyms(struct xdp_md *ctx)
{
	stext_address = (__u64)&_stext;
	absent_typeless = (__u64)&dotnet_absent_symbol;
	absent_typed = (__u64)&dotnet_absent_variable;
	if (dotnet_absent_kfunc)
	{
		dotnet_absent_kfunc();
		kfunc_present = 1;
	}
	else
	{
		kfunc_present = 0;
	}

	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
