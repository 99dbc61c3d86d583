// A Reno-like TCP congestion control implemented by struct_ops programs: slow start doubles the congestion window
// every round trip, congestion avoidance adds one segment per window's worth of ACKs, a loss halves it. Each
// callback counts its calls, and the last window seen is kept, in a one-entry array the program reads.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

// Partial kernel types: CO-RE (preserve_access_index) matches the members by name against the running kernel's
// BTF at load time, so no vmlinux.h is needed. The kernel hands a congestion control's callbacks a struct sock
// that is a struct tcp_sock, and lets them write snd_cwnd, snd_cwnd_cnt and snd_ssthresh.
struct sock;

struct tcp_sock {
	__u32 snd_cwnd;
	__u32 snd_cwnd_cnt;
	__u32 snd_cwnd_clamp;
	__u32 snd_ssthresh;
	__u32 prior_cwnd;
	__u32 max_packets_out;
} __attribute__((preserve_access_index));

// The members the struct_ops map sets, matched by name against the kernel's struct tcp_congestion_ops (the kernel
// requires ssthresh, undo_cwnd and cong_avoid or cong_control).
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	void (*set_state)(struct sock *sk, __u8 new_state);
	void (*cwnd_event)(struct sock *sk, int ev);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
	char name[16];
};

// Calls per callback and the window after the last one, the value of the stats map's only entry.
struct cc_stats {
	__u64 init;
	__u64 ssthresh;
	__u64 cong_avoid;
	__u64 undo_cwnd;
	__u64 cwnd_event;
	__u64 set_state;
	__u32 cwnd;
	__u32 ssthresh_value;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cc_stats);
} stats SEC(".maps");

static __always_inline struct cc_stats *get_stats(void)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&stats, &key);
}

static __always_inline void remember(struct cc_stats *s, struct tcp_sock *tp)
{
	s->cwnd = tp->snd_cwnd;
	s->ssthresh_value = tp->snd_ssthresh;
}

SEC("struct_ops/reno_init")
void BPF_PROG(reno_init, struct sock *sk)
{
	struct cc_stats *s = get_stats();
	if (s) {
		__sync_fetch_and_add(&s->init, 1);
		remember(s, (struct tcp_sock *)sk);
	}
}

// After a loss: the new slow start threshold, half the window (at least 2 segments).
SEC("struct_ops/reno_ssthresh")
__u32 BPF_PROG(reno_ssthresh, struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	struct cc_stats *s = get_stats();
	__u32 half = tp->snd_cwnd >> 1;

	if (s)
		__sync_fetch_and_add(&s->ssthresh, 1);
	return half < 2 ? 2 : half;
}

// Per ACK of new data: grows the window by the acked segments in slow start, by one segment per window in
// congestion avoidance. A window already twice the most segments in flight is not limiting: it stays.
SEC("struct_ops/reno_cong_avoid")
void BPF_PROG(reno_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	struct cc_stats *s = get_stats();
	__u32 cwnd = tp->snd_cwnd;
	__u32 ssthresh = tp->snd_ssthresh;
	__u32 clamp = tp->snd_cwnd_clamp;

	if (s)
		__sync_fetch_and_add(&s->cong_avoid, 1);
	if (cwnd >= 2 * tp->max_packets_out)
		goto out;

	if (cwnd < ssthresh) {
		// slow start, up to the threshold; what is left of acked goes to congestion avoidance
		__u32 grown = cwnd + acked;
		if (grown > ssthresh)
			grown = ssthresh;
		acked -= grown - cwnd;
		cwnd = grown;
	}
	if (acked > 0 && cwnd >= ssthresh) {
		__u32 count = tp->snd_cwnd_cnt + acked;
		if (count >= cwnd && cwnd > 0) {
			cwnd += count / cwnd;
			count %= cwnd;
		}
		tp->snd_cwnd_cnt = count;
	}
	tp->snd_cwnd = cwnd < clamp ? cwnd : clamp;
out:
	if (s)
		remember(s, tp);
}

// A loss turned out spurious: back to the window before it.
SEC("struct_ops/reno_undo_cwnd")
__u32 BPF_PROG(reno_undo_cwnd, struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	struct cc_stats *s = get_stats();

	if (s)
		__sync_fetch_and_add(&s->undo_cwnd, 1);
	return tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd;
}

// Events such as CA_EVENT_TX_START (sending after idle); this algorithm only counts them.
SEC("struct_ops/reno_cwnd_event")
void BPF_PROG(reno_cwnd_event, struct sock *sk, int ev)
{
	struct cc_stats *s = get_stats();
	if (s)
		__sync_fetch_and_add(&s->cwnd_event, 1);
}

// Changes of the congestion state (open, disorder, CWR, recovery, loss); counted.
SEC("struct_ops/reno_set_state")
void BPF_PROG(reno_set_state, struct sock *sk, __u8 new_state)
{
	struct cc_stats *s = get_stats();
	if (s)
		__sync_fetch_and_add(&s->set_state, 1);
}

// The congestion control: registering this map makes "dotnet_reno" available to setsockopt(TCP_CONGESTION).
// .struct_ops.link (BPF_F_LINK, Linux 6.4): it registers through a link, so if the process dies the link closes
// and the kernel unregisters it; a plain .struct_ops map would stay registered until someone deletes its value.
SEC(".struct_ops.link")
struct tcp_congestion_ops dotnet_reno = {
	.init = (void *)reno_init,
	.ssthresh = (void *)reno_ssthresh,
	.cong_avoid = (void *)reno_cong_avoid,
	.undo_cwnd = (void *)reno_undo_cwnd,
	.cwnd_event = (void *)reno_cwnd_event,
	.set_state = (void *)reno_set_state,
	.name = "dotnet_reno",
};

char LICENSE[] SEC("license") = "GPL";
