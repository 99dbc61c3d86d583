// USDT probes of every x86-64 argument form libbpf reads, for tests/Ebpf.Tests/Links/Probes/UsdtLinkTests.cs.
// Built with gcc -O1: `readelf -n` then shows (for n in a register %edi, the record in %rsi):
//   forms:   -4@%edi -4@$5 -4@-4(%rsp) -8@-16(%rsp) -4@$-1 -4@40(%rsi) -8@(%rsi)  register, constants, stack, dereference
//   widths:  -1@%cl 2@%r8w -4@%edi 8@%rax                                            1-, 2-, 4- and 8-byte, signed and not
//   indexed: -8@8(%rsi,%rdx,8) -8@%rdx                                               base + index * scale + offset
//   guarded: -4@%edi, with a semaphore in .probes: fires only while the kernel raises it
// `usdt_target N` fires each probe N times with n = 1..N and prints the semaphore at the end; `usdt_target N wait`
// first prints "ready" and waits for a line on stdin (so a test can attach to the running process).
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

struct record { long first; long values[4]; int second; };

__attribute__((noinline)) void fire(int n, struct record *r)
{
	volatile int local = n * 3;
	volatile long stack = -7L * n;
	long idx = n & 3;
	STAP_PROBE7(ebpf_test, forms, n, 5, local, stack, -1, r->second, r->first);
	STAP_PROBE4(ebpf_test, widths, (signed char)-n, (unsigned short)(60000 + n), -100000 * n, 0x123456789abcUL * n);
	STAP_PROBE2(ebpf_test, indexed, r->values[idx], idx);
}

// Only the next probe has a semaphore: sys/sdt.h records one for every probe after _SDT_HAS_SEMAPHORES.
#undef _SDT_SEMAPHORE
#define _SDT_SEMAPHORE(p, n) _SDT_ASM_1(_SDT_ASM_ADDR p##_##n##_semaphore)
unsigned short ebpf_test_guarded_semaphore __attribute__((unused)) __attribute__((section(".probes")));

__attribute__((noinline)) void fire_guarded(int n)
{
	if (ebpf_test_guarded_semaphore)
		STAP_PROBE1(ebpf_test, guarded, n);
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 1;
	struct record r = { 1, { 11, 22, 33, 44 }, 2 };
	if (argc > 2) {
		char line[8];
		printf("ready\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	for (int i = 1; i <= count; i++) {
		r.first = -i;
		r.second = i * 10;
		fire(i, &r);
		fire_guarded(i);
	}
	printf("%d\n", ebpf_test_guarded_semaphore);
	return 0;
}
