// Linking and externs: several programs per section, subprograms shared by programs of different
// sections, a global (non-static) subprogram, callbacks, custom data sections, __kconfig externs (ksyms: externs_noload.bpf.c).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_LSM __kconfig __weak;
extern char CONFIG_LOCALVERSION[16] __kconfig __weak;
extern unsigned long long CONFIG_NR_CPUS __kconfig __weak;


struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

__u64 custom_counter SEC(".data.custom") = 7;
__u32 custom_pair[2] SEC(".data.custom") = {1, 2};
const volatile char greeting[6] = "hello";
static volatile __u64 hidden_static = 3;
__u64 zeroed[4];

static __noinline __u64 twice(__u64 x)
{
	return x * 2 + hidden_static;
}

static __noinline __u64 add_twice(__u64 a, __u64 b)
{
	return twice(a) + b;
}

__noinline int global_helper(int x)
{
	return x + 1;
}

static long visit(__u32 index, void *ctx)
{
	custom_counter += twice(index);
	return 0;
}

static void store(__u32 key, __u64 value)
{
	bpf_map_update_elem(&results, &key, &value, BPF_ANY);
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	store(0, add_twice(LINUX_KERNEL_VERSION, CONFIG_HZ) + CONFIG_BPF_SYSCALL + CONFIG_BPF_LSM);
	return XDP_PASS;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	store(1, twice(custom_pair[1]) + greeting[1] + CONFIG_LOCALVERSION[0] + CONFIG_NR_CPUS);
	return global_helper(XDP_DROP);
}

SEC("tp_btf/sys_enter")
int on_sys_enter(void *ctx)
{
	bpf_loop(4, visit, 0, 0);
	zeroed[3] = add_twice(1, 2);
	return 0;
}

SEC("xdp.frags")
int xdp_frags_prog(struct xdp_md *ctx)
{
	return global_helper(0);
}

SEC("uprobe.s//proc/self/exe:main")
int sleepy(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
__u32 _version SEC("version") = 0x050a00;
