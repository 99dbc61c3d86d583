// USDT probes read with libbpf's usdt.bpf.h: every argument of every firing site is stored, with its bpf_usdt_arg
// result, in the `records` slot the attachment's USDT cookie (bpf_usdt_cookie) names; `python_calls` counts
// Python calls of the function named `ebpf_usdt_target` through python3.11's function__entry probe, attached from
// its section.
// usdt.bpf.h reads struct pt_regs through bpf_tracing.h, which needs the target architecture (the tests run on x86-64).
#ifndef __TARGET_ARCH_x86
#define __TARGET_ARCH_x86
#endif
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

struct usdt_record {
	__s64 hits;
	__s64 arg_count;
	__s64 values[BPF_USDT_MAX_ARG_CNT];
	__s64 errors[BPF_USDT_MAX_ARG_CNT];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct usdt_record);
} records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} python_calls SEC(".maps");

SEC("usdt")
int record_args(struct pt_regs *ctx)
{
	__u32 slot = (__u32)bpf_usdt_cookie(ctx);
	struct usdt_record *record = bpf_map_lookup_elem(&records, &slot);
	long value;

	if (!record)
		return 0;
	record->hits++;
	record->arg_count = bpf_usdt_arg_cnt(ctx);
#pragma unroll
	for (int i = 0; i < BPF_USDT_MAX_ARG_CNT; i++) {
		record->errors[i] = bpf_usdt_arg(ctx, i, &value);
		record->values[i] = value;
	}
	return 0;
}

SEC("usdt//usr/bin/python3.11:python:function__entry")
int BPF_USDT(count_python_calls, const char *file, const char *function, int line)
{
	static const char target[] = "ebpf_usdt_target";
	char name[sizeof(target)] = {};
	__u32 zero = 0;
	__u64 *calls;

	if (bpf_probe_read_user_str(name, sizeof(name), function) != sizeof(target))
		return 0;
	for (int i = 0; i < sizeof(target); i++)
		if (name[i] != target[i])
			return 0;
	calls = bpf_map_lookup_elem(&python_calls, &zero);
	if (calls)
		__sync_fetch_and_add(calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
