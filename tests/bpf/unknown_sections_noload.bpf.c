// Programs in sections libbpf 1.x does not recognize: it opens the object (the programs get no type) and refuses to
// load them ("missing BPF prog type, check ELF section name"). The reader must read them the same way; loading
// must fail before any system call (UnknownSectionTests). Not loadable on purpose, hence _noload.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket1")
int unknown_socket(struct __sk_buff *skb)
{
	return 0;
}

SEC("classifier/x")
int unknown_classifier(struct __sk_buff *skb)
{
	return 0;
}

SEC("xdp/lo")
int unknown_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("perf_event/type=1")
int unknown_perf_event(void *ctx)
{
	return 0;
}

SEC("?socket2")
int unknown_not_autoloaded(struct __sk_buff *skb)
{
	return 0;
}

SEC("socket")
int known_socket(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
