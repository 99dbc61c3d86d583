// Histogram maps as libbpf-tools keep them: a hash of `struct hist` (u32 slots plus a comm, as runqlat's
// per-process histograms), a per-CPU array of u64 slots, and a program that counts into them.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_SLOTS 27
#define TASK_COMM_LEN 16

struct hist {
	__u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[8]);
} wide_hist SEC(".maps");

SEC("socket")
int count_length(struct __sk_buff *skb)
{
	__u32 key = 0, slot = skb->len > 1023 ? 10 : skb->len >> 7;
	struct hist *h = bpf_map_lookup_elem(&hists, &key);
	__u64 *wide = bpf_map_lookup_elem(&wide_hist, &key);

	if (h && slot < MAX_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], 1);
	if (wide && slot < 8)
		wide[slot] += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
