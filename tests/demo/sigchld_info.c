/*
 * sigchld-info PROG [ARGS...]: fork a child that execs PROG (say
 * `onnode 2 ...` to have it run on node 2), then print the SIGCHLD its
 * end sends (sigtimedwait: the siginfo the kernel queued) and what
 * waitid() reports when it reaps it. The same lines for a local or a
 * remote child: that is the point.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *code_name(int code)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_TRAPPED: return "CLD_TRAPPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	default: return "?";
	}
}

/* si_status: an exit status, or a signal for the other codes */
static void print_status(const siginfo_t *si)
{
	if (si->si_code == CLD_EXITED)
		printf(" si_status=%d", si->si_status);
	else
		printf(" si_status=SIG%s", sigabbrev_np(si->si_status) ?
		       sigabbrev_np(si->si_status) : "?");
}

int main(int argc, char **argv)
{
	struct timespec limit = { 30, 0 };
	siginfo_t si;
	sigset_t set;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: sigchld-info PROG [ARGS...]\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		perror("sigprocmask");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "sigchld-info: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	printf("child %d started\n", (int)pid);
	fflush(stdout);
	if (sigtimedwait(&set, &si, &limit) < 0) {
		perror("sigtimedwait");
		return 1;
	}
	printf("SIGCHLD siginfo: si_pid=%d si_uid=%d si_code=%s", (int)si.si_pid,
	       (int)si.si_uid, code_name(si.si_code));
	print_status(&si);
	printf("\n");
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED)) {
		perror("waitid");
		return 1;
	}
	printf("waitid():       si_pid=%d si_uid=%d si_code=%s", (int)si.si_pid,
	       (int)si.si_uid, code_name(si.si_code));
	print_status(&si);
	printf("\n");
	return 0;
}
