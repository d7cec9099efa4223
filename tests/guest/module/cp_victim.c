/*
 * cp_victim NAME UID SIG [TIMEOUT_S]: a target for the cross-node signal
 * tests. Names itself NAME (found by the sender in the module's
 * cluster-wide ps), leads its own process group, runs as UID, and waits
 * for SIG. On receipt it checks what the kernel delivered (si_code
 * SI_USER, si_uid = the sender's uid given by $CPV_SENDER_UID, or any
 * uid if unset) and answers the sender with kill(si_pid, CPV_ANSWER): the
 * sender checks that answer's siginfo in turn, so si_pid is verified
 * in both directions.
 *
 * With CPV_PAIR=1 it first forks a second victim in the same process
 * group (for kill(-pgrp)); both answer. With CPV_KEEP_PGRP=1 it stays in
 * the process group it was started in (a group spread over nodes).
 *
 * Exit status (checked by its parent): 0 all right, 10 wrong si_code,
 * 11 wrong si_uid, 12 wrong si_signo, 13 the answer kill() failed,
 * 14 timeout (no signal), 15 set-up failed, 16 the pair member failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* queued (RT): answers of several victims to one sender do not merge */
#define CPV_ANSWER	(SIGRTMIN + 1)

static int wait_for(int sig, int timeout_s)
{
	const char *su = getenv("CPV_SENDER_UID");
	struct timespec ts = { timeout_s, 0 };
	siginfo_t si;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	memset(&si, 0, sizeof(si));
	if (sigtimedwait(&set, &si, &ts) < 0)
		return 14;
	if (si.si_signo != sig)
		return 12;
	if (si.si_code != SI_USER)
		return 10;
	if (su && *su && si.si_uid != (uid_t)atoi(su))
		return 11;
	if (kill(si.si_pid, CPV_ANSWER) != 0) {
		fprintf(stderr, "cp_victim: answer kill(%d): %s\n", si.si_pid,
			strerror(errno));
		return 13;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int sig, timeout_s, rc, st;
	const char *pair = getenv("CPV_PAIR"), *keep = getenv("CPV_KEEP_PGRP");
	sigset_t set;
	pid_t child = 0;
	uid_t uid;

	if (argc < 4 || strlen(argv[1]) > 15) {
		fprintf(stderr, "usage: cp_victim NAME UID SIG [TIMEOUT_S]\n");
		return 15;
	}
	uid = (uid_t)atoi(argv[2]);
	sig = atoi(argv[3]);
	timeout_s = argc > 4 ? atoi(argv[4]) : 60;
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    prctl(PR_SET_NAME, argv[1], 0, 0, 0) != 0 ||
	    (!(keep && !strcmp(keep, "1")) && setpgid(0, 0) != 0)) {
		perror("cp_victim: set-up");
		return 15;
	}
	if (uid && (setresgid(uid, uid, uid) != 0 ||
		    setresuid(uid, uid, uid) != 0)) {
		perror("cp_victim: setresuid");
		return 15;
	}
	if (pair && !strcmp(pair, "1")) {
		child = fork();
		if (child < 0) {
			perror("cp_victim: fork");
			return 15;
		}
		if (child == 0)
			_exit(wait_for(sig, timeout_s));
	}
	rc = wait_for(sig, timeout_s);
	if (child > 0) {
		if (waitpid(child, &st, 0) != child)
			return 16;
		if (!rc && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
			rc = 16;
	}
	return rc;
}
