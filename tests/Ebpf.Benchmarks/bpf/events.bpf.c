// The producer of events-vs-libbpf.sh: one program per event path, fired by the getppid() calls of one process (the
// benchmark's producer), each emitting a record of the configured size (the first 8 bytes its sequence number) and
// counting what it produced and what the kernel refused (ring full). The same object is loaded by libbpf
// (native/events_consume.c) and by the C# consumers, with the same ring size.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_RECORD 8192

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

struct record {
	__u8 bytes[MAX_RECORD];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct record);
} scratch SEC(".maps");

// Written by the consumer before the producer starts: whose calls count, and the record size.
struct config {
	__u32 tgid;
	__u32 size;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} config SEC(".maps");

// produced: records the program tried to emit; lost: those the kernel refused (ring full).
struct stats {
	__u64 produced;
	__u64 lost;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stats);
} stats SEC(".maps");

static __always_inline struct record *prepare(struct stats **st, __u32 *size)
{
	__u32 zero = 0;
	struct config *cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || (bpf_get_current_pid_tgid() >> 32) != cfg->tgid)
		return 0;
	*st = bpf_map_lookup_elem(&stats, &zero);
	struct record *buf = bpf_map_lookup_elem(&scratch, &zero);
	if (!*st || !buf)
		return 0;
	*size = cfg->size;
	*(__u64 *)buf->bytes = __sync_fetch_and_add(&(*st)->produced, 1);
	return buf;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int emit_ringbuf(void *ctx)
{
	struct stats *st;
	__u32 size;
	struct record *buf = prepare(&st, &size);
	if (!buf)
		return 0;
	if (size < 8 || size > MAX_RECORD)
		return 0;
	if (bpf_ringbuf_output(&ring, buf, size, 0))
		__sync_fetch_and_add(&st->lost, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int emit_perf(void *ctx)
{
	struct stats *st;
	__u32 size;
	struct record *buf = prepare(&st, &size);
	if (!buf)
		return 0;
	if (size < 8 || size > MAX_RECORD)
		return 0;
	if (bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, buf, size))
		__sync_fetch_and_add(&st->lost, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
