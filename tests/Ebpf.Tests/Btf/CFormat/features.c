/* C declarations that exercise BtfCWriter: compiled with clang-14 -g -target bpf by BtfCWriterTests, whose
 * .BTF is then written back as C and compared with bpftool's output. Not a BPF program. */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

struct opaque;                       /* never defined: a forward declaration */
struct later;                        /* used through a pointer before its definition */

struct bits {                        /* bitfields, including one crossing a byte and a zero-width one */
	u32 a: 3;
	u32 b: 7;
	int c: 12;
	u32: 0;
	u8 d: 1;
	u64 e: 40;
	u16 f;
	u8 g: 4;
};

union bit_union {
	u32 whole;
	struct {
		u32 lo: 16;
		u32 hi: 16;
	};
	u8 bytes[4];
};

struct __attribute__((packed)) packed_hdr {   /* misaligned members: needs the packed attribute */
	u8 kind;
	u32 len;
	u16 flags;
};

struct __attribute__((packed)) packed_tail {  /* aligned members but odd size */
	u32 a;
	u8 b;
};

struct aligned_members {             /* explicit alignment: padding the compiler would not add by itself */
	char c;
	long l __attribute__((aligned(16)));
	int i;
} __attribute__((aligned(64)));

struct gap_before_bitfield {
	u8 a;
	u64 b: 3;
	u64 : 20;
	u64 c: 5;
	u32 d;
};

enum __attribute__((packed)) small_enum { SMALL_A = 1, SMALL_B = 200 };
enum color { RED, GREEN = 5, BLUE = -1 };
enum big_values { BIG_A = 1, BIG_B = 0x7fffffff };

typedef struct { int x, y; } point_t;          /* typedef of an anonymous struct */
typedef enum { MODE_OFF, MODE_ON } mode_t2;    /* typedef of an anonymous enum */
typedef int (*handler_t)(void *ctx, int code); /* typedef of a function pointer */
typedef void callback_fn(long);                /* typedef of a function type */
typedef int matrix_t[3][4];                    /* typedef of a 2-D array */
typedef handler_t handler_table_t[8];

struct node {                        /* self-reference through a pointer */
	struct node *next;
	struct node **prevp;
	struct later *later;
	struct opaque *opaque;
};

struct later {
	struct node head;
	point_t where;
};

struct cycle_b;
struct cycle_a { struct cycle_b *b; int x; };
struct cycle_b { struct cycle_a a; struct cycle_b *self; };

struct declarators {
	int (*handlers[4])(void *, int);            /* array of function pointers */
	int (*row)[10];                             /* pointer to an array */
	void (*(*factory)(int))(long);              /* function returning a function pointer */
	char grid[2][3][4];                         /* multi-dimensional array */
	const volatile int *const cv;               /* qualifiers on both sides of a pointer */
	char *restrict r;
	const char *names[3];
	callback_fn *cb;
	handler_table_t table;
	matrix_t *m;
	int (*varargs)(const char *fmt, ...);
	int (*noargs)(void);
	struct { int inner; } (*anon_ret)(void);    /* function returning an anonymous struct */
	int __attribute__((btf_type_tag("user"))) *user_ptr;
	int __attribute__((btf_type_tag("rcu"))) __attribute__((btf_type_tag("percpu"))) *tagged;
	int tagged_member __attribute__((btf_decl_tag("member_tag")));
};

struct nested {
	int before;
	struct {                            /* anonymous struct member */
		int a;
		union {                         /* anonymous union inside it */
			long l;
			struct { u8 x, y; } pair;
		};
	};
	struct { int q; } named_anon;        /* named member of anonymous type */
	enum { NESTED_ONE = 1, NESTED_TWO } kind; /* anonymous enum member */
	struct bits bits;
	union bit_union u;
	char tail[];                         /* flexible array member */
};

struct scalars {
	_Bool flag;
	float f;
	double d;
	unsigned __int128 big;
	__int128 sbig;
	long double ld;
	signed char sc;
	unsigned long ul;
	enum small_enum small;
	enum color color;
	enum big_values big_values;
	mode_t2 mode;
};

struct empty {};

struct with_empty {
	struct empty e;
	int x;
	struct empty tail;
};

struct bits g_bits;
union bit_union g_union;
struct packed_hdr g_packed;
struct packed_tail g_packed_tail;
struct aligned_members g_aligned;
struct gap_before_bitfield g_gap;
struct node g_node;
struct cycle_a g_cycle;
struct cycle_b g_cycle_b;
struct later g_later;
struct declarators g_decl;
struct nested g_nested;
struct scalars g_scalars;
struct with_empty g_with_empty;
point_t g_point;
handler_t g_handler;
int g_attr __attribute__((btf_decl_tag("var_tag")));

int __attribute__((btf_decl_tag("func_tag"))) func(struct node *n, callback_fn *cb)
{
	return n != 0 && cb != 0;
}
