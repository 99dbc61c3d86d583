// Callbacks (function pointers via ld_imm64 of a function) and a ring buffer.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 pid;
	__u32 n;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

static long sum_elem(void *map, __u32 *key, __u64 *val, __u64 *acc)
{
	*acc += *val;
	return 0;
}

static long loop_step(__u32 index, __u64 *acc)
{
	*acc += index;
	return index > 8;
}

SEC("raw_tracepoint/sys_enter")
int walk(void *ctx)
{
	__u64 acc = 0;
	bpf_for_each_map_elem(&values, sum_elem, &acc, 0);
	bpf_loop(16, loop_step, &acc, 0);
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->n = (__u32)acc;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
