// SPDX-License-Identifier: GPL-2.0
/*
 * fork-exit-wait: fork a child that exits at once, reap it with waitpid().
 * Exercises copy_process (fork hook, D1/D2 init), exit_notify (prepare/
 * flush, reparent_remote, orphan checks, do_notify_parent) and do_wait
 * (wait_task, rescan test).
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_iterations(argc, argv, 2000);
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			bench_die("fork");
		if (pid == 0)
			_exit(7);
		if (waitpid(pid, &status, 0) != pid)
			bench_die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 7) {
			fprintf(stderr, "bench: bad status %#x\n", status);
			return 1;
		}
	}
	bench_report("fork-exit-wait", n, t0, bench_now_ns());
	return 0;
}
