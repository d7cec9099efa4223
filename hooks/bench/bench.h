/* SPDX-License-Identifier: GPL-2.0 */
/* bench.h: timing and reporting shared by the hook micro-benchmarks. */
#ifndef HOOKS_BENCH_H
#define HOOKS_BENCH_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline double bench_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("clock_gettime");
		exit(2);
	}
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Iteration count from argv[1] (default @dflt); exits 2 on a bad value. */
static inline long bench_iterations(int argc, char **argv, long dflt)
{
	char *end;
	long n;

	if (argc < 2)
		return dflt;
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0) {
		fprintf(stderr, "usage: %s [iterations]\n", argv[0]);
		exit(2);
	}
	return n;
}

/* One TAP-friendly line: "# bench <name> iterations=<n> ns_per_op=<x>" */
static inline void bench_report(const char *name, long n, double t0, double t1)
{
	printf("# bench %s iterations=%ld ns_per_op=%.1f\n", name, n,
	       (t1 - t0) / (double)n);
}

static inline void bench_die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Fork a child that pauses until killed; exits 1 if fork fails. */
static inline pid_t bench_pause_child(void)
{
	pid_t pid = fork();

	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* SIGKILL and reap a bench_pause_child(); exits 1 on failure. */
static inline void bench_reap_child(pid_t pid)
{
	int status;

	if (kill(pid, SIGKILL) != 0 || waitpid(pid, &status, 0) != pid)
		bench_die("reap child");
}

#endif
