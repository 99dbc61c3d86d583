// The libbpf reference for loading a whole object: bpf_object__open_file + bpf_object__load + bpf_object__close,
// verifier included, as CollectionSpec.Load + Collection.Load + Dispose do it.
// Build: gcc -O2 -o object_load object_load.c -lbpf
// Usage: object_load FILE [iterations]   prints one line per iteration: the wall time of that load in milliseconds.
// Built with -DOBJECT_LOAD_LIBRARY -shared -fPIC it is the library the paired rounds of LoadComparison call instead:
// object_load_once(path) loads and closes the object once and returns the milliseconds, or a negative errno.
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "median_timing.h"

static int silent(enum libbpf_print_level level, const char *format, va_list args)
{
	return 0;
}

double object_load_once(const char *path)
{
	libbpf_set_print(silent);
	double t0 = now_us();
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return -errno;
	int err = bpf_object__load(obj);
	bpf_object__close(obj);
	if (err)
		return err < 0 ? err : -err;
	return (now_us() - t0) / 1000.0;
}

#ifndef OBJECT_LOAD_LIBRARY
int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [iterations]\n", argv[0]);
		return 2;
	}
	int iters = argc > 2 ? atoi(argv[2]) : 1;
	for (int i = 0; i < iters; i++) {
		double ms = object_load_once(argv[1]);
		if (ms < 0) {
			fprintf(stderr, "%s: load failed: %d\n", argv[1], (int)ms);
			return 1;
		}
		printf("%.3f\n", ms);
	}
	return 0;
}
#endif
