// Programs whose sections name their targets, for program.Attach() and collection.AttachAll(): each counts in its
// own slot of `counts`. The uprobe's binary is a placeholder the tests replace with the binary they build.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

// Counted by not_autoloaded only, so that a map only an unloaded program uses still loads.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unused_counts SEC(".maps");

static __always_inline void count(void *map, __u32 slot)
{
	__u64 *value = bpf_map_lookup_elem(map, &slot);
	if (value)
		__sync_fetch_and_add(value, 1);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_tracepoint(void *ctx)
{
	count(&counts, 0);
	return 0;
}

SEC("raw_tp/sys_enter")
int on_raw_tp(void *ctx)
{
	count(&counts, 1);
	return 0;
}

SEC("tp_btf/sys_enter")
int on_tp_btf(void *ctx)
{
	count(&counts, 2);
	return 0;
}

SEC("iter/task")
int on_iter_task(void *ctx)
{
	count(&counts, 3);
	return 0;
}

SEC("uprobe/placeholder:ebpf_probe_target")
int on_uprobe(void *ctx)
{
	count(&counts, 4);
	return 0;
}

SEC("xdp")
int needs_interface(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("?tracepoint/syscalls/sys_enter_getppid")
int not_autoloaded(void *ctx)
{
	count(&unused_counts, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
