// CO-RE relocations of every kind, for the .BTF.ext tests.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct core_inner {
	int a;
	unsigned int flags : 3;
	int b : 5;
};

struct core_outer {
	long x;
	struct core_inner in;
	int arr[4];
} __attribute__((preserve_access_index));

enum core_state {
	CORE_IDLE = 0,
	CORE_BUSY = 7,
};

typedef unsigned long long core_u64;

char LICENSE[] SEC("license") = "GPL";

SEC("socket")
int core_fields(struct __sk_buff *skb)
{
	struct core_outer *o = (struct core_outer *)(long)skb->data;
	long r = 0;

	r += o->in.a;
	r += o->arr[2];
	r += bpf_core_field_exists(o->x);
	r += bpf_core_field_size(o->arr);
	r += bpf_core_field_offset(o->in.b);
	r += __builtin_preserve_field_info(o->in.b, BPF_FIELD_SIGNED);
	r += __builtin_preserve_field_info(o->in.flags, BPF_FIELD_LSHIFT_U64);
	r += __builtin_preserve_field_info(o->in.flags, BPF_FIELD_RSHIFT_U64);
	return r;
}

SEC("socket")
int core_types(struct __sk_buff *skb)
{
	long r = 0;

	r += bpf_core_type_exists(struct core_outer);
	r += bpf_core_type_size(core_u64);
	r += bpf_core_type_id_local(struct core_inner);
	r += bpf_core_type_id_kernel(struct core_outer);
	r += bpf_core_enum_value_exists(enum core_state, CORE_BUSY);
	r += bpf_core_enum_value(enum core_state, CORE_BUSY);
	return r;
}
