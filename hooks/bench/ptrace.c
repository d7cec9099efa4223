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
	pid_t pid = bench_pause_child();
	double t0;
	int status;

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
	bench_reap_child(pid);
	return 0;
}
