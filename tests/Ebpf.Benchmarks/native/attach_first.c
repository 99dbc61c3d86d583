// The libbpf twin of tests/Ebpf.Benchmarks.Startup: opens and loads an object, attaches one program to a tracepoint,
// prints "attached" and exits (closing the link and the object), for "process start to first attached link".
// Build: gcc -O2 -o attach_first attach_first.c -lbpf
// Usage: attach_first FILE PROGRAM CATEGORY NAME
#include <bpf/libbpf.h>
#include <stdio.h>

static int silent(enum libbpf_print_level level, const char *format, va_list args)
{
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s FILE PROGRAM CATEGORY NAME\n", argv[0]);
		return 2;
	}
	libbpf_set_print(silent);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "%s: cannot open or load\n", argv[1]);
		return 1;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, argv[2]);
	struct bpf_link *link = prog ? bpf_program__attach_tracepoint(prog, argv[3], argv[4]) : NULL;
	if (!link) {
		fprintf(stderr, "%s: cannot attach\n", argv[2]);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
