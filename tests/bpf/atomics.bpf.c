// Atomics and 32-bit jumps: compiled with -mcpu=v3.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 add64, or64, and64 = ~0ULL, xor64, xchg64, cas64;
__u32 add32, or32, and32 = ~0U, xor32, xchg32, cas32;
__s64 last_old;

SEC("socket")
int atomics(struct __sk_buff *skb)
{
	__u64 v = skb->len;
	__sync_fetch_and_add(&add64, v);
	last_old = __sync_fetch_and_add(&add64, 1);
	last_old += __sync_fetch_and_or(&or64, v);
	last_old += __sync_fetch_and_and(&and64, v);
	last_old += __sync_fetch_and_xor(&xor64, v);
	last_old += __sync_lock_test_and_set(&xchg64, v);
	last_old += __sync_val_compare_and_swap(&cas64, 0, v);
	__sync_fetch_and_add(&add32, (__u32)v);
	__sync_fetch_and_or(&or32, (__u32)v);
	__sync_fetch_and_and(&and32, (__u32)v);
	__sync_fetch_and_xor(&xor32, (__u32)v);
	last_old += __sync_lock_test_and_set(&xchg32, (__u32)v);
	last_old += __sync_val_compare_and_swap(&cas32, 1, (__u32)v);
	__u32 len = skb->len;
	if (len > 100 && len < 1000)
		return len & 0xff;
	return (int)(last_old & 1);
}

char LICENSE[] SEC("license") = "GPL";
