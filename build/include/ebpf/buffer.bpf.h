/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Ring-or-perf event buffers for Ebpf for .NET (the idea of libbpf-tools' bpf_buffer): a buffer is a ring buffer where
 * the kernel has them (5.8+) and a perf event array otherwise, chosen before load by the C# side
 * (Ebpf.Kernel.EventBuffer.Prepare), read by Ebpf.Kernel.EventBufferReader.
 *
 *   #include <ebpf/buffer.bpf.h>
 *   struct event { __u32 pid; char comm[16]; };
 *   EBPF_BUFFER(events, 256 * 1024, struct event);
 *
 *   struct event *e = ebpf_buffer_reserve(events, sizeof(*e));
 *   if (!e)
 *           return 0;
 *   e->pid = ...;
 *   ebpf_buffer_submit(ctx, events, e, sizeof(*e));
 *
 * EBPF_BUFFER declares the map (a BPF_MAP_TYPE_RINGBUF of `size` bytes), its kind `const volatile __u32
 * ebpf_buffer__NAME` (0 ring buffer, 1 perf event array: set by EventBuffer.Prepare, which also turns the map into a
 * perf event array) and names `type` as its event type (the global pointer `ebpf_event__NAME`, which also keeps the type
 * in the BTF), so the generated class reads it typed. The kind is a frozen .rodata constant: the verifier follows only
 * the branch of the chosen kind (kernel 5.2+ for the perf fallback). In the perf case events are written in
 * ebpf_buffer_heap, a one-entry per-CPU array of EBPF_BUFFER_MAX_EVENT bytes (define it before the include to change
 * it), and copied out by bpf_perf_event_output, which needs the program's context.
 *
 * Every source file of an object may include this header, those linked into one object by libbpf's static linker
 * (`bpftool gen object`, the BpfLinkedProgram item) too: ebpf_buffer_heap is a weak definition, and the linker keeps one
 * of the identical definitions (they must agree on EBPF_BUFFER_MAX_EVENT: libbpf refuses a "map value_size mismatch").
 */
#ifndef __EBPF_BUFFER_BPF_H__
#define __EBPF_BUFFER_BPF_H__

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef EBPF_BUFFER_MAX_EVENT
#define EBPF_BUFFER_MAX_EVENT 8192
#endif

#define EBPF_BUFFER_RINGBUF 0
#define EBPF_BUFFER_PERF 1

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[EBPF_BUFFER_MAX_EVENT]); /* a BTF value type: without one the kernel refuses the BTF (EINVAL) */
} ebpf_buffer_heap SEC(".maps") __weak;

/* Names `type` (a struct, union or typedef) as the event type of the ring buffer or perf event array `map`. */
#define EBPF_EVENT_TYPE(map, type) type *const volatile ebpf_event__##map = 0

/* Declares the event buffer `name` of `size` bytes (a power of two, a multiple of the page size) whose events are `event_type`. */
#define EBPF_BUFFER(name, size, event_type)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_RINGBUF);				\
		__uint(max_entries, size);					\
	} name SEC(".maps");							\
	const volatile __u32 ebpf_buffer__##name = EBPF_BUFFER_RINGBUF;		\
	EBPF_EVENT_TYPE(name, event_type)

static __always_inline void *ebpf_buffer__reserve(void *map, __u32 kind, __u64 size)
{
	__u32 zero = 0;

	if (kind == EBPF_BUFFER_RINGBUF)
		return bpf_ringbuf_reserve(map, size, 0);
	if (size > EBPF_BUFFER_MAX_EVENT)
		return NULL;
	return bpf_map_lookup_elem(&ebpf_buffer_heap, &zero);
}

static __always_inline long ebpf_buffer__submit(void *ctx, void *map, __u32 kind, void *event, __u64 size)
{
	if (kind == EBPF_BUFFER_RINGBUF) {
		bpf_ringbuf_submit(event, 0);
		return 0;
	}
	return bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, event, size);
}

static __always_inline void ebpf_buffer__discard(__u32 kind, void *event)
{
	if (kind == EBPF_BUFFER_RINGBUF)
		bpf_ringbuf_discard(event, 0);
}

static __always_inline long ebpf_buffer__output(void *ctx, void *map, __u32 kind, void *data, __u64 size)
{
	if (kind == EBPF_BUFFER_RINGBUF)
		return bpf_ringbuf_output(map, data, size, 0);
	return bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, data, size);
}

/* Space for an event of `size` bytes (a constant) in buffer `name`, or NULL; submit or discard it on every path. */
#define ebpf_buffer_reserve(name, size) ebpf_buffer__reserve(&name, ebpf_buffer__##name, size)

/* Sends the reserved `event` of `size` bytes; returns 0 or a negative error (perf: no reader on this CPU, ring full). */
#define ebpf_buffer_submit(ctx, name, event, size) ebpf_buffer__submit(ctx, &name, ebpf_buffer__##name, event, size)

/* Drops the reserved `event`. */
#define ebpf_buffer_discard(name, event) ebpf_buffer__discard(ebpf_buffer__##name, event)

/* Copies `size` bytes at `data` into buffer `name` as one event; returns 0 or a negative error. */
#define ebpf_buffer_output(ctx, name, data, size) ebpf_buffer__output(ctx, &name, ebpf_buffer__##name, data, size)

#endif /* __EBPF_BUFFER_BPF_H__ */
