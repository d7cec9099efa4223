/*
 * demo_shell.h: one long-lived /bin/sh per node that the demo types
 * commands into (its stdin a pipe, stdout and stderr one pipe), so that
 * background jobs, $! and `wait` carry over from one command to the next
 * as in a terminal.
 */
#ifndef DEMO_SHELL_H
#define DEMO_SHELL_H

#include <stddef.h>
#include <sys/types.h>

struct demo_shell {
	pid_t pid;
	int in;			/* its stdin */
	int out;		/* its stdout + stderr */
	unsigned int seq;	/* commands run, part of the end marker */
};

/* Start sh; PATH gets path_first in front (NULL: unchanged). 0 or -1. */
int demo_shell_start(struct demo_shell *sh, const char *path_first);

/*
 * Type cmd (one line, or several) and collect what the shell prints until
 * the command is done: NUL-terminated malloc'd text in *out, $? in
 * *status. -1 with errno ETIMEDOUT after timeout_ms, or another errno
 * (the shell died, ...); *out may then hold what came so far.
 */
int demo_shell_run(struct demo_shell *sh, const char *cmd, int timeout_ms,
		   char **out, int *status);

/* exit, or SIGKILL to the shell after 2 s; reaps it. */
void demo_shell_stop(struct demo_shell *sh);

#endif
