// struct_ops maps: a TCP congestion control declared with a minimal tcp_congestion_ops (members are matched by
// name against the kernel's type at load time; the kernel requires ssthresh, cong_avoid and undo_cwnd). Two programs share a section, the second at a non-zero offset.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sock;

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
	__u32 flags;
	char name[16];
};

SEC("struct_ops/dotnet_ssthresh")
__u32 dotnet_ssthresh(unsigned long long *ctx)
{
	return 2;
}

SEC("struct_ops/dotnet_cwnd")
void dotnet_cong_avoid(unsigned long long *ctx)
{
}

SEC("struct_ops/dotnet_cwnd")
__u32 dotnet_undo_cwnd(unsigned long long *ctx)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops dotnet_cc = {
	.ssthresh = (void *)dotnet_ssthresh,
	.cong_avoid = (void *)dotnet_cong_avoid,
	.undo_cwnd = (void *)dotnet_undo_cwnd,
	.flags = 1,
	.name = "dotnet_cc",
};

SEC(".struct_ops")
struct tcp_congestion_ops dotnet_cc2 = {
	.ssthresh = (void *)dotnet_ssthresh,
	.cong_avoid = (void *)dotnet_cong_avoid,
	.undo_cwnd = (void *)dotnet_undo_cwnd,
	.name = "dotnet_cc2",
};

char LICENSE[] SEC("license") = "GPL";
