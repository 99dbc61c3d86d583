// The producer of events-vs-libbpf.sh: calls getppid() COUNT times, which fires the emit_ringbuf or emit_perf
// program of bpf/events.bpf.c (filtered on this process), at RATE calls per second (evenly spaced, busy-waiting
// between calls) or as fast as it can when RATE is 0. Starts when a byte arrives on stdin, so that the consumer can
// set the program's filter to this process first.
// Build: gcc -O2 -o events_produce events_produce.c     Usage: events_produce COUNT RATE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s COUNT RATE\n", argv[0]);
		return 2;
	}
	long count = atol(argv[1]);
	double rate = atof(argv[2]);
	char go;
	if (read(0, &go, 1) != 1)
		return 1;
	if (rate <= 0) {
		for (long i = 0; i < count; i++)
			syscall(SYS_getppid);
		return 0;
	}
	double period = 1e9 / rate;
	long long start = now_ns();
	for (long i = 0; i < count; i++) {
		long long due = start + (long long)(i * period);
		while (now_ns() < due)
			;
		syscall(SYS_getppid);
	}
	return 0;
}
