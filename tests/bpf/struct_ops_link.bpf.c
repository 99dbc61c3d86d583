// A struct_ops map in .struct_ops.link: attached through a BPF link (BPF_F_LINK).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sock;

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	char name[16];
};

SEC("struct_ops/link_ssthresh")
__u32 link_ssthresh(unsigned long long *ctx)
{
	return 2;
}

SEC("struct_ops/link_undo_cwnd")
__u32 link_undo_cwnd(unsigned long long *ctx)
{
	return 10;
}

SEC("struct_ops/link_cong_avoid")
void link_cong_avoid(unsigned long long *ctx)
{
}

SEC(".struct_ops.link")
struct tcp_congestion_ops dotnet_link_cc = {
	.ssthresh = (void *)link_ssthresh,
	.undo_cwnd = (void *)link_undo_cwnd,
	.cong_avoid = (void *)link_cong_avoid,
	.name = "dotnet_link_cc",
};

char LICENSE[] SEC("license") = "GPL";
