// The timing the reference harnesses share: a monotonic wall clock and the median of the samples.
#ifndef MEDIAN_TIMING_H
#define MEDIAN_TIMING_H

#include <stdlib.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

// Sorts the `count` samples in place and returns the middle one.
static inline double median(double *samples, int count)
{
	qsort(samples, count, sizeof(double), compare_doubles);
	return samples[count / 2];
}

#endif
