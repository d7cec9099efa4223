// SPDX-License-Identifier: GPL-2.0
/*
 * setpgid: setpgid() on self back and forth between two groups, and the
 * pid queries getpgid(), getsid(), getppid().  Exercises the H1 hook and
 * the non-local lookup hooks on their success paths.
 */
#include <sys/types.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iterations(argc, argv, 20000);
	pid_t self = getpid();
	pid_t old = getpgid(0);
	double t0;

	if (old < 0)
		bench_die("getpgid");
	if (getsid(0) == self) {
		fprintf(stderr, "bench: session leader cannot setpgid\n");
		return 1;
	}
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		if (setpgid(0, 0) != 0)
			bench_die("setpgid own group");
		if (setpgid(0, old) != 0)
			bench_die("setpgid back");
	}
	bench_report("setpgid-pair", n, t0, bench_now_ns());
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		if (getpgid(self) < 0 || getsid(self) < 0 || getppid() < 0)
			bench_die("get*id");
	}
	bench_report("getpgid-getsid-getppid", n, t0, bench_now_ns());
	return 0;
}
