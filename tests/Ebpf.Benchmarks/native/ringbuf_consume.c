// Reference timings for ring buffer consumption with libbpf, to compare RingBufferReader against.
// Build: gcc -O2 -o ringbuf_consume ringbuf_consume.c -lbpf
// Usage: ringbuf_consume OBJECT SIZE [iterations]   (OBJECT: ringbuf.bpfel.o from tests/bpf; needs root)
// Fills a 16 MiB ring once with 4096 records of SIZE bytes (ringbuf_output, BPF_PROG_TEST_RUN repeat), then per
// iteration rewinds the consumer position to 0 and times ring_buffer__consume over all of them.
// Prints "SIZE NS" : the median nanoseconds per record.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include "median_timing.h"
#include <unistd.h>

#define RECORDS 4096
#define RING_SIZE (16 << 20)

static volatile long sink;

static int on_record(void *ctx, void *data, size_t size)
{
	sink += ((unsigned char *)data)[0];
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s OBJECT SIZE [iterations]\n", argv[0]);
		return 2;
	}
	int size = atoi(argv[2]);
	int iters = argc > 3 ? atoi(argv[3]) : 200;

	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror("bpf_object__open_file");
		return 1;
	}
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "events");
	bpf_map__set_max_entries(events, RING_SIZE);
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, strcmp(bpf_program__name(prog), "ringbuf_output") == 0);
	if (bpf_object__load(obj)) {
		perror("bpf_object__load");
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "ringbuf_output");
	int map_fd = bpf_map__fd(events);

	unsigned char packet[64] = { 0 };
	memcpy(packet, &size, sizeof(size));
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = packet, .data_size_in = sizeof(packet), .repeat = RECORDS);
	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &run) || run.retval != 2) {
		fprintf(stderr, "producer failed: retval %u\n", run.retval);
		return 1;
	}

	struct ring_buffer *rb = ring_buffer__new(map_fd, on_record, NULL, NULL);
	long page = sysconf(_SC_PAGESIZE);
	unsigned long *consumer = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (!rb || consumer == MAP_FAILED) {
		perror("ring_buffer__new/mmap");
		return 1;
	}

	double *ns = calloc(iters, sizeof(double));
	for (int i = 0; i < iters; i++) {
		__atomic_store_n(consumer, 0, __ATOMIC_RELEASE);
		double start = now_ns();
		int n = ring_buffer__consume(rb);
		ns[i] = (now_ns() - start) / (n > 0 ? n : 1);
		if (n != RECORDS) {
			fprintf(stderr, "consumed %d records, expected %d\n", n, RECORDS);
			return 1;
		}
	}
	printf("%d %.2f\n", size, median(ns, iters));

	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
