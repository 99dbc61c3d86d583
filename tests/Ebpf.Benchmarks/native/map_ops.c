// Reference timings for map operations through raw bpf(2) system calls, to compare Ebpf.Kernel's Map against.
// Build: gcc -O2 -o map_ops map_ops.c      (needs root: CAP_BPF)
// Usage: map_ops [iterations]
// As a library for MapBenchmarks' in-process C loops (NativeLookup, NativeUpdate):
//   gcc -O2 -shared -fPIC -DMAP_OPS_LIBRARY -o libmapops.so map_ops.c
// A hash map of 10000 entries (4-byte keys, 8-byte values), as MapBenchmarks creates. Prints, per operation,
// the median wall time in nanoseconds per operation over the iterations:
//   lookup   one BPF_MAP_LOOKUP_ELEM
//   update   one BPF_MAP_UPDATE_ELEM
//   batch    every entry through BPF_MAP_LOOKUP_BATCH with 1024-entry buffers
//   iterate  every entry with BPF_MAP_GET_NEXT_KEY + BPF_MAP_LOOKUP_ELEM
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include "median_timing.h"
#include <unistd.h>

#define ENTRIES 10000
#define SINGLE_OPS 10000
/* Entries per BPF_MAP_LOOKUP_BATCH call: 256 to 1024 are as fast as one call for all 10000 (the kernel allocates
 * buffers of this size per call), with a tenth of the memory. */
#define BATCH 1024

static uint32_t keys[ENTRIES];
static uint64_t values[ENTRIES];

/* As libbpf: only the bytes up to the last field the command uses are zeroed and passed (the kernel zero-fills
 * the rest), which is what Ebpf.Kernel does too. */
#define ATTR_SIZE(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))
#define ELEM_ATTR_SIZE ATTR_SIZE(flags)
#define BATCH_ATTR_SIZE ATTR_SIZE(batch)

static long bpf(int cmd, union bpf_attr *attr, size_t size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static int elem(int cmd, int fd, void *key, void *value)
{
	union bpf_attr attr;
	memset(&attr, 0, ELEM_ATTR_SIZE);
	attr.map_fd = fd;
	attr.key = (uintptr_t)key;
	attr.value = (uintptr_t)value;
	return bpf(cmd, &attr, ELEM_ATTR_SIZE) < 0 ? -errno : 0;
}

static uint64_t sink;
static uint32_t next_key;

static void lookup_n(int fd, int count)
{
	for (int i = 0; i < count; i++) {
		uint32_t key = next_key++ % ENTRIES;
		uint64_t value;
		if (elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value) == 0)
			sink += value;
	}
}

static void update_n(int fd, int count)
{
	for (int i = 0; i < count; i++) {
		uint32_t key = next_key++ % ENTRIES;
		uint64_t value = key;
		if (elem(BPF_MAP_UPDATE_ELEM, fd, &key, &value) != 0)
			abort();
	}
}

static void op_lookup(int fd)
{
	lookup_n(fd, SINGLE_OPS);
}

static void op_update(int fd)
{
	update_n(fd, SINGLE_OPS);
}

/* The library entry points: count lookups or updates of the keys 0..ENTRIES-1 in turn on the map fd; return the
 * sum of the values looked up, so the work cannot be optimised away. */
uint64_t map_ops_lookup(int fd, int count)
{
	lookup_n(fd, count);
	return sink;
}

uint64_t map_ops_update(int fd, int count)
{
	update_n(fd, count);
	return sink;
}

static void op_batch(int fd)
{
	uint32_t cursor = 0;
	int started = 0, total = 0;
	for (;;) {
		union bpf_attr attr;
		memset(&attr, 0, BATCH_ATTR_SIZE);
		attr.batch.map_fd = fd;
		attr.batch.in_batch = started ? (uintptr_t)&cursor : 0;
		attr.batch.out_batch = (uintptr_t)&cursor;
		attr.batch.keys = (uintptr_t)keys;
		attr.batch.values = (uintptr_t)values;
		attr.batch.count = BATCH;
		long r = bpf(BPF_MAP_LOOKUP_BATCH, &attr, BATCH_ATTR_SIZE);
		total += attr.batch.count;
		started = 1;
		if (r < 0) {
			if (errno == ENOENT)
				break;
			abort();
		}
	}
	sink += total;
}

static void op_iterate(int fd)
{
	uint32_t key, next;
	uint64_t value;
	union bpf_attr attr;
	memset(&attr, 0, ELEM_ATTR_SIZE);
	attr.map_fd = fd;
	attr.key = 0;
	attr.next_key = (uintptr_t)&key;
	if (bpf(BPF_MAP_GET_NEXT_KEY, &attr, ELEM_ATTR_SIZE) < 0)
		return;
	for (;;) {
		if (elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value) == 0)
			sink += value;
		attr.key = (uintptr_t)&key;
		attr.next_key = (uintptr_t)&next;
		if (bpf(BPF_MAP_GET_NEXT_KEY, &attr, ELEM_ATTR_SIZE) < 0)
			break;
		key = next;
	}
}

#ifndef MAP_OPS_LIBRARY
static double median_ns(void (*op)(int), int fd, int iterations, int per_call)
{
	double *t = calloc(iterations, sizeof(double));
	op(fd); /* warm up */
	for (int i = 0; i < iterations; i++) {
		double start = now_ns();
		op(fd);
		t[i] = (now_ns() - start) / per_call;
	}
	double m = median(t, iterations);
	free(t);
	return m;
}

int main(int argc, char **argv)
{
	int iterations = argc > 1 ? atoi(argv[1]) : 50;
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = ENTRIES;
	int fd = bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0) {
		perror("BPF_MAP_CREATE");
		return 1;
	}
	for (uint32_t i = 0; i < ENTRIES; i++) {
		uint64_t v = i * 2ull;
		if (elem(BPF_MAP_UPDATE_ELEM, fd, &i, &v) != 0) {
			perror("BPF_MAP_UPDATE_ELEM");
			return 1;
		}
	}
	printf("lookup %.1f\n", median_ns(op_lookup, fd, iterations, SINGLE_OPS));
	printf("update %.1f\n", median_ns(op_update, fd, iterations, SINGLE_OPS));
	printf("batch %.1f\n", median_ns(op_batch, fd, iterations, 1));
	printf("iterate %.1f\n", median_ns(op_iterate, fd, iterations, 1));
	fprintf(stderr, "sink %llu\n", (unsigned long long)sink);
	close(fd);
	return 0;
}
#endif
