// SPDX-License-Identifier: GPL-2.0
/*
 * setpgid: setpgid() on self back and forth between two groups, and the
 * pid queries getpgid(), getsid(), getppid().  Exercises the H1 hook and
 * the non-local lookup hooks on their success paths.  Runs in a child,
 * since the caller may be a session leader.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static int run(long n)
{
	pid_t self = getpid();
	pid_t old = getpgid(0);
	double t0;

	if (old < 0)
		bench_die("getpgid");
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

/* In a child: the caller may be a session leader, which cannot setpgid. */
int main(int argc, char **argv)
{
	long n = bench_iterations(argc, argv, 20000);
	int status;
	pid_t pid;

	if (fflush(stdout) != 0)
		bench_die("fflush");
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0)
		exit(run(n));
	if (waitpid(pid, &status, 0) != pid)
		bench_die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
