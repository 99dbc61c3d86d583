// The libbpf reference of events-vs-libbpf.sh: loads bpf/events.bpf.o with the ring (ringbuf mode: the `ring` map's
// max_entries; perf mode: each CPU's perf buffer) set to RING bytes, attaches emit_ringbuf or emit_perf to
// syscalls:sys_enter_getppid, and per rate of RATES (comma-separated events/s, each for STEP_MS milliseconds; 0 = a
// burst of BURST events as fast as the producer can) starts the producer (PRODUCER COUNT RATE) as a child, points the program's filter at it, and consumes with
// ring_buffer__poll or perf_buffer__poll and a counting callback until the producer has exited and every record it
// produced was received or counted lost. Paced rates after the first one that lost records are skipped; bursts (rate
// 0) always run. A negative rate is a warm-up step, paced at its absolute value: it runs, is printed, and never ends the
// ladder. As in Kernel/EventsLoss.cs, the polling runs on a thread of its own, started once; the main thread
// waits for the producer and then checks the counts every millisecond, so the consumer does nothing but poll and count.
// Build: gcc -O2 -o events_consume events_consume.c -lbpf
// Usage: events_consume OBJECT ringbuf|perf RING SIZE RATES STEP_MS BURST PRODUCER     (needs root)
// Prints per rate: "libbpf MODE RING SIZE RATE produced received lost cpu_ns wall_ns producer_ns".
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct config {
	__u32 tgid;
	__u32 size;
};

struct stats {
	__u64 produced;
	__u64 lost;
};

static long long received;
static long long perf_lost;
static int stop_consuming;
static struct ring_buffer *rb;
static struct perf_buffer *pb;

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

// Only the consumer thread writes the counts; the main thread reads them.
static void count(long long *counter, long long n)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	count(&received, 1);
	return 0;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	count(&received, 1);
}

static void on_perf_lost(void *ctx, int cpu, __u64 lost)
{
	count(&perf_lost, lost);
}

static void *consume(void *arg)
{
	while (!__atomic_load_n(&stop_consuming, __ATOMIC_ACQUIRE)) {
		if (pb)
			perf_buffer__poll(pb, 50);
		else
			ring_buffer__poll(rb, 50);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 9) {
		fprintf(stderr, "usage: %s OBJECT ringbuf|perf RING SIZE RATES STEP_MS BURST PRODUCER\n", argv[0]);
		return 2;
	}
	int perf_mode = strcmp(argv[2], "perf") == 0;
	long ring_bytes = atol(argv[3]);
	__u32 size = atoi(argv[4]);
	char *rates = strdup(argv[5]);
	double step_ms = atof(argv[6]);
	long burst = atol(argv[7]);
	const char *producer = argv[8];
	signal(SIGPIPE, SIG_IGN);

	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror("bpf_object__open_file");
		return 1;
	}
	if (!perf_mode)
		bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "ring"), ring_bytes);
	const char *name = perf_mode ? "emit_perf" : "emit_ringbuf";
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, strcmp(bpf_program__name(prog), name) == 0);
	if (bpf_object__load(obj)) {
		perror("bpf_object__load");
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, name);
	struct bpf_link *link = bpf_program__attach(prog);
	if (!link) {
		perror("bpf_program__attach");
		return 1;
	}
	int config_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "config"));
	int stats_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "stats"));
	if (perf_mode) {
		pb = perf_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "perf")), ring_bytes / sysconf(_SC_PAGESIZE),
				      on_perf, on_perf_lost, NULL, NULL);
	} else {
		rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "ring")), on_ringbuf, NULL, NULL);
	}
	if (!rb && !pb) {
		perror("ring_buffer__new/perf_buffer__new");
		return 1;
	}
	pthread_t consumer;
	if (pthread_create(&consumer, NULL, consume, NULL)) {
		perror("pthread_create");
		return 1;
	}

	int lost_paced = 0;
	for (char *rate = strtok(rates, ","); rate; rate = strtok(NULL, ",")) {
		double pace = fabs(atof(rate));
		int warmup = atof(rate) < 0;
		if (pace > 0 && !warmup && lost_paced)
			continue;
		__u32 zero = 0;
		struct stats st = { 0 };
		bpf_map_update_elem(stats_fd, &zero, &st, BPF_ANY);
		__atomic_store_n(&received, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&perf_lost, 0, __ATOMIC_RELAXED);

		char events[32];
		long count = pace > 0 ? (long)(pace * step_ms / 1000) : burst;
		char pace_arg[32];
		snprintf(pace_arg, sizeof(pace_arg), "%.0f", pace);
		snprintf(events, sizeof(events), "%ld", count);
		int go[2];
		if (pipe(go))
			return 1;
		pid_t child = fork();
		if (child == 0) {
			dup2(go[0], 0);
			close(go[1]);
			execl(producer, producer, events, pace_arg, (char *)NULL);
			_exit(127);
		}
		close(go[0]);
		struct config cfg = { .tgid = child, .size = size };
		bpf_map_update_elem(config_fd, &zero, &cfg, BPF_ANY);

		long long cpu_start = cpu_ns(), start = now_ns();
		if (write(go[1], "g", 1) != 1)
			return 1;
		close(go[1]);
		int status;
		waitpid(child, &status, 0);
		long long producer_end = now_ns(), drained_by = producer_end + 2000000000LL;
		while (1) {
			bpf_map_lookup_elem(stats_fd, &zero, &st);
			if (__atomic_load_n(&received, __ATOMIC_RELAXED) + (long long)st.lost >= (long long)st.produced || now_ns() > drained_by)
				break;
			usleep(1000);
		}
		long long wall = now_ns() - start, cpu = cpu_ns() - cpu_start;
		bpf_map_lookup_elem(stats_fd, &zero, &st);
		cfg.tgid = 0;
		bpf_map_update_elem(config_fd, &zero, &cfg, BPF_ANY);
		long long lost = (long long)st.lost;
		if (pace > 0 && !warmup && lost > 0)
			lost_paced = 1;
		printf("libbpf %s %ld %u %s %llu %lld %lld %lld %lld %lld\n", argv[2], ring_bytes, size, rate,
		       (unsigned long long)st.produced, __atomic_load_n(&received, __ATOMIC_RELAXED), lost, cpu, wall, producer_end - start);
		fflush(stdout);
	}
	__atomic_store_n(&stop_consuming, 1, __ATOMIC_RELEASE);
	pthread_join(consumer, NULL);
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
