// CO-RE relocations against real kernel layouts, for the relocation engine's end-to-end tests: the types
// are partial definitions of kernel types (some flavored, some with fields the kernel lacks or sizes it
// does not have), and the results are compared with what libbpf computes for the same object.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	unsigned int in_iowait: 1;
	char comm[16];
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

/* a flavor: resolves to the kernel's task_struct */
struct task_struct___flv {
	int tgid;
} __attribute__((preserve_access_index));

/* flags is an unsigned int in the kernel: an 8-byte load of it is narrowed to 4 bytes */
struct task_struct___wide {
	unsigned long flags;
} __attribute__((preserve_access_index));

/* pid is a signed int in the kernel: an 8-byte load of it cannot be narrowed and is poisoned */
struct task_struct___narrow {
	long pid;
} __attribute__((preserve_access_index));

/* state was renamed __state in 5.14 */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

/* next sits in anonymous structs and unions in the kernel; pkt_type is a bitfield */
struct sk_buff {
	struct sk_buff *next;
	unsigned int len;
	unsigned char pkt_type: 3;
} __attribute__((preserve_access_index));

/* member names match exactly: no flavor suffix and no prefix match for fields */
struct task_struct___names {
	int pid___x;
	int pi;
} __attribute__((preserve_access_index));

struct no_such_kernel_type___x {
	int a;
} __attribute__((preserve_access_index));

enum bpf_map_type___x {
	BPF_MAP_TYPE_ARRAY___x = 7,
	BPF_MAP_TYPE_NO_SUCH___x = 99,
};

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sched_switch")
int kinds_loads(unsigned long long *ctx)
{
	struct task_struct *next = (struct task_struct *)ctx[2];
	long r;

	r = next->pid;
	r += next->real_parent->tgid;
	r += next->comm[2];
	r += ((struct task_struct___flv *)next)->tgid;
	r += ((struct task_struct___wide *)next)->flags;
	if (bpf_core_field_size(((struct task_struct___narrow *)next)->pid) == 8)
		r += ((struct task_struct___narrow *)next)->pid;
	return r;
}

SEC("raw_tracepoint/sys_enter")
int kinds_probed(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct___old *old = (struct task_struct___old *)t;
	struct sk_buff *skb = (struct sk_buff *)ctx;
	long r = 0;

	r += BPF_CORE_READ(t, real_parent, tgid);
	/* the bitfield relocations one by one (BPF_CORE_READ_BITFIELD_PROBED differs between byte orders) */
	r += __builtin_preserve_field_info(t->in_iowait, BPF_FIELD_BYTE_OFFSET);
	r += __builtin_preserve_field_info(t->in_iowait, BPF_FIELD_BYTE_SIZE);
	r += __builtin_preserve_field_info(t->in_iowait, BPF_FIELD_LSHIFT_U64);
	r += __builtin_preserve_field_info(t->in_iowait, BPF_FIELD_RSHIFT_U64);
	r += __builtin_preserve_field_info(skb->pkt_type, BPF_FIELD_BYTE_OFFSET);
	r += __builtin_preserve_field_info(skb->pkt_type, BPF_FIELD_SIGNED);
	r += __builtin_preserve_field_info(skb->pkt_type, BPF_FIELD_LSHIFT_U64);
	r += __builtin_preserve_field_info(skb->pkt_type, BPF_FIELD_RSHIFT_U64);
	r += bpf_core_field_offset(skb->next);
	r += bpf_core_field_offset(skb->len);
	r += bpf_core_field_size(t->comm);
	r += bpf_core_field_offset(t->comm[3]);
	r += bpf_core_field_exists(((struct task_struct___names *)t)->pid___x);
	r += bpf_core_field_exists(((struct task_struct___names *)t)->pi);
	if (bpf_core_field_exists(old->state))
		r += BPF_CORE_READ(old, state);
	return r;
}

SEC("raw_tracepoint/sys_enter")
int kinds_types(void *ctx)
{
	long r = 0;

	r += bpf_core_type_exists(struct no_such_kernel_type___x);
	r += bpf_core_type_size(struct no_such_kernel_type___x);
	r += bpf_core_type_size(struct sk_buff);
	r += bpf_core_type_id_kernel(struct sk_buff);
	r += bpf_core_type_id_kernel(struct no_such_kernel_type___x);
	r += bpf_core_enum_value(enum bpf_map_type___x, BPF_MAP_TYPE_ARRAY___x);
	r += bpf_core_enum_value_exists(enum bpf_map_type___x, BPF_MAP_TYPE_NO_SUCH___x);
	if (bpf_core_enum_value_exists(enum bpf_map_type___x, BPF_MAP_TYPE_NO_SUCH___x))
		r += bpf_core_enum_value(enum bpf_map_type___x, BPF_MAP_TYPE_NO_SUCH___x);
	return r;
}
