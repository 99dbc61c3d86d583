// The records of the event producers (perf_output.bpf.c, ringbuf.bpf.c): `size` bytes of a payload user space
// fills with a pattern, the first 8 replaced by the next sequence number.
#ifndef SEQUENCED_PAYLOAD_H
#define SEQUENCED_PAYLOAD_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_RECORD 4096

// The bytes an output copies; user space fills it with a pattern.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[MAX_RECORD]);
} payload SEC(".maps");

// The next sequence number.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sequence SEC(".maps");

// The payload with the next sequence number in its first 8 bytes; 0 when a map lookup failed or `size` is
// outside 8..MAX_RECORD.
static __always_inline __u8 *sequenced_payload(__u32 size)
{
	__u32 zero = 0;
	__u8 *buf = bpf_map_lookup_elem(&payload, &zero);
	__u64 *seq = bpf_map_lookup_elem(&sequence, &zero);

	if (!buf || !seq)
		return 0;
	if (size < 8 || size > MAX_RECORD)
		return 0;
	*(__u64 *)buf = (*seq)++; // not an atomic fetch-and-add: that needs Linux 5.12, and test runs come one at a time
	return buf;
}

#endif
