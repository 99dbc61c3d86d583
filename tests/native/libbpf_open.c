/*
 * Opens a BPF object with libbpf (bpf_object__open, no kernel needed) and prints what libbpf made of it, one JSON
 * object a line: {"libbpf":"MAJOR.MINOR"}, {"map":...} for every map, then {"program":...} for every program. The tests compare these
 * with the managed reader. Build: gcc -Wall -o libbpf_open libbpf_open.c -lbpf
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, format, args);
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.o\n", argv[0]);
		return 2;
	}
	libbpf_set_print(quiet);
	printf("{\"libbpf\":\"%u.%u\"}\n", libbpf_major_version(), libbpf_minor_version());
	obj = bpf_object__open(argv[1]);
	if (!obj) {
		fprintf(stderr, "bpf_object__open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(map, obj) {
		struct bpf_map *inner = bpf_map__inner_map(map);
		const char *pin = bpf_map__pin_path(map);
		printf("{\"map\":\"%s\",\"type\":%u,\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,"
		       "\"map_flags\":%u,\"numa_node\":%u,\"map_extra\":%llu,\"pinned\":%s,\"internal\":%s",
		       bpf_map__name(map), (unsigned)bpf_map__type(map), bpf_map__key_size(map),
		       bpf_map__value_size(map), bpf_map__max_entries(map), bpf_map__map_flags(map),
		       bpf_map__numa_node(map), (unsigned long long)bpf_map__map_extra(map),
		       pin ? "true" : "false", bpf_map__is_internal(map) ? "true" : "false");
		if (inner)
			printf(",\"inner\":{\"type\":%u,\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"map_flags\":%u}",
			       (unsigned)bpf_map__type(inner), bpf_map__key_size(inner), bpf_map__value_size(inner),
			       bpf_map__max_entries(inner), bpf_map__map_flags(inner));
		printf("}\n");
	}
	bpf_object__for_each_program(prog, obj) {
		printf("{\"program\":\"%s\",\"section\":\"%s\",\"type\":%u,\"attach_type\":%u,\"insns\":%zu,\"autoload\":%s}\n",
		       bpf_program__name(prog), bpf_program__section_name(prog), (unsigned)bpf_program__type(prog),
		       (unsigned)bpf_program__expected_attach_type(prog), bpf_program__insn_cnt(prog),
		       bpf_program__autoload(prog) ? "true" : "false");
	}
	bpf_object__close(obj);
	return 0;
}
