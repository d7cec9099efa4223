/* init_wait.c: as PID 1, wait for one child with a deadline; reap orphans. */
#include "init.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

void ci_reap_orphans(void)
{
	int st;

	while (waitpid(-1, &st, WNOHANG) > 0)
		;
}

/*
 * SIGCHLD is blocked in init (see init_main.c), so sigtimedwait() sleeps
 * until some child changes state. Orphans reparented to init are reaped on
 * the way. Returns 0 with *status, or -1 with errno ETIMEDOUT.
 */
int ci_wait_child(int pid, int timeout_ms, int *status)
{
	struct timespec end, now;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		struct timespec left;
		int st;
		pid_t p;

		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			if (p == pid) {
				*status = st;
				return 0;
			}
		if (p < 0 && errno == ECHILD) {
			errno = ECHILD;
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (sigtimedwait(&chld, NULL, &left) < 0 && errno != EAGAIN &&
		    errno != EINTR)
			return -1;
	}
}
