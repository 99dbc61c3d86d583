// Counts Python function calls by function name through the function__entry USDT probe of Debian's python3.11
// (arguments: file name, function name, line number), read with libbpf's usdt.bpf.h.
// usdt.bpf.h reads struct pt_regs through bpf_tracing.h, which needs the target architecture.
#ifndef __TARGET_ARCH_x86
#define __TARGET_ARCH_x86
#endif
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#define FUNCTION_LEN 64

struct call_key {
	char function[FUNCTION_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct call_key);
	__type(value, __u64);
} calls SEC(".maps");

// 0: every process; otherwise only this process id (set before load).
const volatile __u32 target_tgid = 0;

SEC("usdt//usr/bin/python3.11:python:function__entry")
int BPF_USDT(count_call, const char *file, const char *function, int line)
{
	struct call_key key = {};
	__u64 one = 1, *count;

	if (target_tgid && (bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	bpf_probe_read_user_str(key.function, sizeof(key.function), function);
	count = bpf_map_lookup_elem(&calls, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&calls, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
