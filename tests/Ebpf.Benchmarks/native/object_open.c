// Reference timings for opening a BPF object with libbpf, to compare CollectionSpec.Load against.
// Build: gcc -O2 -o object_open object_open.c -lbpf
// Usage: object_open FILE [iterations]
// Prints, per operation, the median wall time in microseconds over the iterations:
//   mem    bpf_object__open_mem on the file's bytes (read once) + bpf_object__close
//   file   bpf_object__open_file + bpf_object__close
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "median_timing.h"

static int silent(enum libbpf_print_level level, const char *format, va_list args)
{
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [iterations]\n", argv[0]);
		return 2;
	}
	int iters = argc > 2 ? atoi(argv[2]) : 20;
	libbpf_set_print(silent);
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *bytes = malloc(size);
	if (fread(bytes, 1, size, f) != (size_t)size) {
		perror("read");
		return 1;
	}
	fclose(f);

	double *mem = calloc(iters, sizeof(double)), *file = calloc(iters, sizeof(double));
	for (int i = 0; i < iters; i++) {
		double t0 = now_us();
		struct bpf_object *obj = bpf_object__open_mem(bytes, size, NULL);
		if (!obj) {
			fprintf(stderr, "bpf_object__open_mem failed\n");
			return 1;
		}
		bpf_object__close(obj);
		double t1 = now_us();
		obj = bpf_object__open_file(argv[1], NULL);
		if (!obj) {
			fprintf(stderr, "bpf_object__open_file failed\n");
			return 1;
		}
		bpf_object__close(obj);
		double t2 = now_us();
		mem[i] = t1 - t0;
		file[i] = t2 - t1;
	}
	double mem_median = median(mem, iters);
	printf("mem %.1f\nfile %.1f\n", mem_median, median(file, iters));
	return 0;
}
