// Every BTF kind clang-14 emits: bitfields, unions, anonymous members, enums (signed and unsigned),
// forward declarations, typedef/const/volatile/restrict chains, floats, arrays, function pointers,
// decl tags, type tags, static and global functions and variables in several data sections.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ttag(x) __attribute__((btf_type_tag(x)))

enum color { RED, GREEN = 5, BLUE = 0x7fffffff };
enum delta { DOWN = -3, STILL = 0, UP = 3 };

struct opaque;
union opaque_union;

typedef unsigned long long u64_t;
typedef const volatile u64_t cv_u64;

struct flags {
	unsigned int a : 1;
	unsigned int b : 3;
	int c : 5;
	unsigned long long d : 40;
	unsigned char e;
} __attribute__((packed));

struct shape {
	enum color color;
	enum delta delta;
	union {
		struct {
			short x, y;
		} point;
		float radius;
		double area;
	};
	struct flags flags;
	char name[4][8];
	struct opaque *hidden;
	union opaque_union *hidden_union;
	int (*callback)(struct shape *s, int n);
	int __ttag("user") *user_ptr;
	cv_u64 counter;
	struct shape *restrict next;
	int tagged __tag("member_tag");
} __tag("struct_tag");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct shape);
} shapes SEC(".maps");

struct shape global_shape __tag("var_tag") = { .color = GREEN, .delta = DOWN };
static volatile int static_counter;
const volatile long rodata_limit = 100;
char bss_buffer[64];
int custom_section_value SEC(".data.custom") = 7;

static __noinline int area_of(struct shape *s __tag("param_tag"), int scale)
{
	return s->point.x * s->point.y * scale + s->flags.c;
}

__noinline int global_helper(int v) __tag("func_tag")
{
	return v * 2 + static_counter;
}

SEC("socket")
int kinds(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct shape *s = bpf_map_lookup_elem(&shapes, &key);
	if (!s)
		return 0;
	static_counter++;
	bss_buffer[skb->len & 63] = (char)custom_section_value;
	if (s->flags.a && rodata_limit > 10)
		return area_of(s, 3) + global_shape.flags.b;
	return global_helper(s->flags.d & 0xff);
}

char LICENSE[] SEC("license") = "GPL";
