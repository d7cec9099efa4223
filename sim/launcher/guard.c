/*
 * guard.c: clean-up even if clustersim itself is killed (SIGKILL, OOM).
 *
 * A small child in its own process group holds the read end of a pipe.
 * clustersim writes the process group of every node and of the switch
 * into it as it starts them. If clustersim dies without tearing down, the
 * guard reads end-of-file and SIGKILLs every group it was told about (a
 * UML node's helper processes do not die with the node's main process;
 * they are in its group). A normal tear-down writes 0 first: the guard
 * then exits without killing anything.
 */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* nodes + switch + per-node wire, and nodes booted again */
#define GUARD_MAX (3 * CS_MAX_NODES + 1 + CS_MAX_RESTARTS)

static void guard_main(int rfd)
{
	int32_t pg[GUARD_MAX], v;
	int n = 0;
	ssize_t r;
	sigset_t none;

	prctl(PR_SET_NAME, "clustersim-grd", 0, 0, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;) {
		r = read(rfd, &v, sizeof(v));
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)sizeof(v))
			break;		/* EOF: clustersim is gone */
		if (v == 0)
			_exit(0);	/* torn down properly */
		if (n < GUARD_MAX)
			pg[n++] = v;
	}
	for (int i = 0; i < n; i++)
		killpg(pg[i], SIGKILL);
	_exit(0);
}

int cs_guard_start(struct cs_cluster *c)
{
	int pfd[2];
	pid_t pid;

	c->guard_fd = -1;
	if (pipe2(pfd, O_CLOEXEC)) {
		fprintf(stderr, "clustersim: guard pipe: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "clustersim: fork: %s\n", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pfd[1]);
		if (setpgid(0, 0))
			_exit(127);
		guard_main(pfd[0]);
	}
	setpgid(pid, pid);
	close(pfd[0]);
	c->guard_pid = pid;
	c->guard_fd = pfd[1];
	return 0;
}

void cs_guard_add(struct cs_cluster *c, pid_t pgid)
{
	int32_t v = (int32_t)pgid;

	if (c->guard_fd >= 0 && pgid > 0 &&
	    write(c->guard_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		fprintf(stderr, "clustersim: guard: %s\n", strerror(errno));
}

void cs_guard_disarm(struct cs_cluster *c)
{
	int32_t zero = 0;

	if (c->guard_fd < 0)
		return;
	if (write(c->guard_fd, &zero, sizeof(zero)) != (ssize_t)sizeof(zero))
		fprintf(stderr, "clustersim: guard: %s\n", strerror(errno));
	close(c->guard_fd);
	c->guard_fd = -1;
}
