/* switch.c: start the run's vde_switch as a child in its own process group. */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cs_switch_start(struct cs_cluster *c)
{
	char log[PATH_MAX + 16], ports[16], ctl[PATH_MAX + 8];
	int pfd[2], logfd;
	pid_t pid;

	snprintf(log, sizeof(log), "%s/switch.log", c->run_dir);
	snprintf(ports, sizeof(ports), "%d", c->n + 8);
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		fprintf(stderr, "clustersim: %s: %s\n", log, strerror(errno));
		return -1;
	}
	/* stdin is a pipe we never write: the switch exits when we are gone */
	if (pipe2(pfd, O_CLOEXEC)) {
		fprintf(stderr, "clustersim: pipe: %s\n", strerror(errno));
		close(logfd);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "clustersim: fork: %s\n", strerror(errno));
		close(logfd);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		if (setpgid(0, 0) || prctl(PR_SET_PDEATHSIG, SIGKILL) ||
		    dup2(pfd[0], 0) < 0 || dup2(logfd, 1) < 0 ||
		    dup2(logfd, 2) < 0)
			_exit(127);
		cs_child_reset_signals();
		execlp("vde_switch", "vde_switch", "-s", c->switch_dir,
		       "-n", ports, "-m", "0700", (char *)NULL);
		fprintf(stderr, "exec vde_switch: %s\n", strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also in the parent: no race with killpg */
	cs_guard_add(c, pid);
	close(pfd[0]);
	close(logfd);
	c->switch_pid = pid;
	c->switch_in = pfd[1];
	/* wait (bounded) for the control socket */
	snprintf(ctl, sizeof(ctl), "%s/ctl", c->switch_dir);
	for (int i = 0; i < 500; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		struct stat st;

		if (stat(ctl, &st) == 0 && S_ISSOCK(st.st_mode))
			return 0;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "clustersim: vde_switch did not create %s in 5 s (see %s)\n",
		ctl, log);
	return -1;
}
