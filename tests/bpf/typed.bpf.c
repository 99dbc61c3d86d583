// The typed objects test's program (Ebpf.Generators and CSharpStructWriter): a hash map whose key and value are
// structs with nested structs, arrays, unions, anonymous members, bitfields and enums, a per-CPU hash, global variables in
// .rodata/.data/.bss, and a ring buffer event type named in the Types metadata.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum color : __u8 { COLOR_RED = 1, COLOR_GREEN = 2, COLOR_BLUE = 200 };

enum mood { MOOD_SAD = -5, MOOD_HAPPY = 9 };

struct point {
	__s32 x;
	__s32 y;
};

struct typed_key {
	__u32 id;
	enum color color;
	char tag[3];
};

struct typed_value {
	struct point origin;
	struct point corners[2];
	__u64 grid[2][3];
	union {
		__u32 as_u32;
		__u8 as_bytes[4];
	} raw;
	struct {
		__u16 low;
		__u16 high;
	};
	unsigned int flag : 1;
	unsigned int level : 3;
	int delta : 5;
	unsigned int wide : 23;
	enum mood mood;
	void *pointer;
	_Bool ok;
};

struct typed_event {
	__u32 pid;
	char comm[16];
	struct point where;
};

// Keeps struct typed_event in the BTF: clang writes types only for globals, maps and function signatures.
struct typed_event *unused_typed_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct typed_key);
	__type(value, struct typed_value);
} values SEC(".maps");

// A per-CPU hash with a 4-byte value: generated as a PerCpuMap<TypedKey, uint> (the kernel pads each CPU's slot to 8).
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, struct typed_key);
	__type(value, __u32);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

const volatile __u32 limit = 7;
const volatile struct point home = { 1, 2 };
__u64 seen = 3;

// Bitfields initialized by clang: the generated getters must read back these values.
struct flags {
	unsigned int a : 3;
	int b : 5;
	unsigned int c : 20;
	unsigned short d : 4;
	unsigned char e;
};
struct flags initial_flags = { 5, -3, 12345, 9, 200 };
__s16 last_delta;

SEC("raw_tp/sys_enter")
int record_typed(void *ctx)
{
	struct typed_key key = { .id = limit, .color = COLOR_GREEN };
	struct typed_value *value = bpf_map_lookup_elem(&values, &key);
	if (value) {
		value->origin.x += home.x;
		last_delta = value->delta;
	}
	struct typed_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event)
		return 0;
	event->pid = bpf_get_current_pid_tgid() >> 32;
	event->where.x = home.y;
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	bpf_ringbuf_submit(event, 0);
	__sync_fetch_and_add(&seen, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
