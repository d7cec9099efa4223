// SPDX-License-Identifier: GPL-2.0
/*
 * signal: kill() to self (caught), then kill() to a child that stops and is
 * continued (SIGSTOP/SIGCONT, observed with waitpid WUNTRACED/WCONTINUED).
 * Exercises kill_something_info (G1 hook) and do_notify_parent_cldstop (G3).
 */
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static void self_kill(long n)
{
	struct sigaction sa;
	double t0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL) != 0)
		bench_die("sigaction");
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (kill(getpid(), SIGUSR1) != 0)
			bench_die("kill self");
	bench_report("kill-self", n, t0, bench_now_ns());
	if (caught != n) {
		fprintf(stderr, "bench: caught %ld of %ld\n", (long)caught, n);
		exit(1);
	}
}

static void stop_cont_child(long n)
{
	pid_t pid = bench_pause_child();
	double t0;
	int status;

	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		if (kill(pid, SIGSTOP) != 0)
			bench_die("kill SIGSTOP");
		if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
			bench_die("waitpid stopped");
		if (kill(pid, SIGCONT) != 0)
			bench_die("kill SIGCONT");
		if (waitpid(pid, &status, WCONTINUED) != pid ||
		    !WIFCONTINUED(status))
			bench_die("waitpid continued");
	}
	bench_report("stop-cont-child", n, t0, bench_now_ns());
	bench_reap_child(pid);
}

int main(int argc, char **argv)
{
	long n = bench_iterations(argc, argv, 2000);

	self_kill(n * 10);
	stop_cont_child(n);
	return 0;
}
