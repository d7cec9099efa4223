// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace: attach to a child, wait for the stop, PEEKDATA one word, detach.
 * Exercises ptrace_attach (F5), ptrace_check_attach (F4), ptrace_access_vm,
 * ptrace_detach/__ptrace_unlink (F1/F2 hook).
 */
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static long word = 0x5eed;

int main(int argc, char **argv)
{
	long n = bench_iterations(argc, argv, 1000);
	pid_t pid = fork();
	double t0;
	int status;

	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		for (;;)
			pause();
	}
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		long v;

		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0)
			bench_die("PTRACE_ATTACH");
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			bench_die("waitpid attach stop");
		errno = 0;
		v = ptrace(PTRACE_PEEKDATA, pid, &word, NULL);
		if (errno != 0 || v != 0x5eed)
			bench_die("PTRACE_PEEKDATA");
		if (ptrace(PTRACE_DETACH, pid, NULL, NULL) != 0)
			bench_die("PTRACE_DETACH");
	}
	bench_report("ptrace-attach-peek-detach", n, t0, bench_now_ns());
	if (kill(pid, SIGKILL) != 0 || waitpid(pid, &status, 0) != pid)
		bench_die("reap child");
	return 0;
}
