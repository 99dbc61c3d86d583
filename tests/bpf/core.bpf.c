// CO-RE relocations of every kind clang 14 emits, for the .BTF.ext tests. The types are partial
// definitions of kernel types, so that libbpf can resolve every relocation against vmlinux and the
// programs load (bpftool prog loadall).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	unsigned int flags;
} __attribute__((preserve_access_index));

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tracepoint/sys_enter")
int core_fields(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	int tgid = 0;
	long r;

	bpf_probe_read_kernel(&tgid, sizeof(tgid), __builtin_preserve_access_index(&t->tgid));
	r = tgid;
	r += bpf_core_field_exists(t->pid);
	r += bpf_core_field_size(t->flags);
	r += bpf_core_field_offset(t->flags);
	r += __builtin_preserve_field_info(t->pid, BPF_FIELD_SIGNED);
	r += __builtin_preserve_field_info(t->flags, BPF_FIELD_LSHIFT_U64);
	r += __builtin_preserve_field_info(t->flags, BPF_FIELD_RSHIFT_U64);
	return r;
}

SEC("raw_tracepoint/sys_enter")
int core_types(void *ctx)
{
	long r = 0;

	r += bpf_core_type_exists(struct task_struct);
	r += bpf_core_type_size(__u64);
	r += bpf_core_type_id_local(struct task_struct);
	r += bpf_core_type_id_kernel(struct task_struct);
	r += bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_HASH);
	r += bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_HASH);
	return r;
}
