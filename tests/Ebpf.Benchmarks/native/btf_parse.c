// Reference timings for BTF parsing with libbpf, to compare Ebpf.Btf against.
// Build: gcc -O2 -o btf_parse btf_parse.c -lbpf
// Usage: btf_parse FILE [iterations]
// Prints, per operation, the median wall time in microseconds over the iterations:
//   full   btf__parse_raw + btf__type_by_id and name of every type
//   lazy   btf__parse_raw + 25 btf__find_by_name_kind lookups
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "median_timing.h"

static const char *names[25] = {
	"task_struct", "sk_buff", "file", "inode", "mm_struct", "net_device", "sock",
	"pt_regs", "cred", "dentry", "super_block", "bpf_map", "bpf_prog", "page",
	"vm_area_struct", "cgroup", "socket", "xdp_buff", "iphdr", "tcphdr", "path",
	"seq_file", "bio", "request", "bpf_func_id",
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [iterations]\n", argv[0]);
		return 2;
	}
	int iters = argc > 2 ? atoi(argv[2]) : 20;
	double *full = calloc(iters, sizeof(double)), *lazy = calloc(iters, sizeof(double));
	unsigned long sink = 0;
	for (int i = 0; i < iters; i++) {
		double t0 = now_us();
		struct btf *btf = btf__parse_raw(argv[1]);
		if (!btf) {
			perror("btf__parse_raw");
			return 1;
		}
		unsigned int n = btf__type_cnt(btf);
		for (unsigned int id = 1; id < n; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);
			sink += t->info + strlen(btf__name_by_offset(btf, t->name_off));
		}
		full[i] = now_us() - t0;
		btf__free(btf);

		t0 = now_us();
		btf = btf__parse_raw(argv[1]);
		for (int k = 0; k < 25; k++) {
			int kind = k == 24 ? BTF_KIND_ENUM : BTF_KIND_STRUCT;
			sink += btf__find_by_name_kind(btf, names[k], kind);
		}
		lazy[i] = now_us() - t0;
		btf__free(btf);
	}
	double full_median = median(full, iters);
	printf("full %.1f\nlazy %.1f\n", full_median, median(lazy, iters));
	return sink == 0;
}
