/* switch.c: host helpers (vde_switch, wirefilter), each in its own group. */
#include "cluster.h"
#include "vde_port.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int cs_helper_spawn(struct cs_cluster *c, const char *name, char *const argv[],
		    const char *log)
{
	struct cs_helper *h;
	int pfd[2], logfd;
	pid_t pid;

	if (c->nhelpers >= (int)(sizeof(c->helper) / sizeof(c->helper[0])))
		return -1;
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		fprintf(stderr, "clustersim: %s: %s\n", log, strerror(errno));
		return -1;
	}
	/* stdin is a pipe we never write: the helper exits when we are gone */
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
		if (setpgid(0, 0) || dup2(pfd[0], 0) < 0 ||
		    dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(127);
		cs_child_reset_signals();
		/* as the node user (root: nodeuser.c), then the parent-death
		 * signal, which a change of credentials clears */
		if (cs_node_user_enter(c) || prctl(PR_SET_PDEATHSIG, SIGKILL))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also in the parent: no race with killpg */
	cs_guard_add(c, pid);
	close(pfd[0]);
	close(logfd);
	h = &c->helper[c->nhelpers];
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->pid = pid;
	h->exited = false;
	h->in_fd = pfd[1];
	return c->nhelpers++;
}

int cs_switch_start(struct cs_cluster *c, const char *dir, const char *name)
{
	char log[PATH_MAX + 16], ports[16], ctl[PATH_MAX + 8], d[PATH_MAX];
	char mgmt[PATH_MAX + 8];
	/* -M: the management console, asked about a node that does not join */
	char *argv[] = { "vde_switch", "-s", d, "-n", ports, "-m", "0700",
			 "-M", mgmt, NULL };
	int idx;

	snprintf(d, sizeof(d), "%s", dir);
	snprintf(log, sizeof(log), "%s.log", dir);
	/* in its own directory: the only place of the run it may write */
	snprintf(mgmt, sizeof(mgmt), "%s/mgmt", dir);
	if (cs_node_user_dir(c, d, 0700))
		return -1;
	snprintf(ports, sizeof(ports), "%d", c->n + 8);
	idx = cs_helper_spawn(c, name, argv, log);
	if (idx < 0)
		return -1;
	/* wait (bounded) for the control socket */
	snprintf(ctl, sizeof(ctl), "%s/ctl", dir);
	for (int i = 0; i < 500; i++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		struct stat st;

		if (stat(ctl, &st) == 0 && S_ISSOCK(st.st_mode))
			return idx;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "clustersim: %s did not create %s in 2.5 s (see %s)\n",
		name, ctl, log);
	return -1;
}

int cs_read_until(int fd, char *buf, size_t len, size_t *used,
		  const char *end)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;
		long ms;

		buf[*used] = '\0';
		if (strstr(buf, end))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = 1000 - ((now.tv_sec - t0.tv_sec) * 1000 +
			     (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (ms <= 0 || *used + 1 >= len)
			return -1;
		if (poll(&p, 1, (int)ms) <= 0)
			continue;
		r = read(fd, buf + *used, len - 1 - *used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		*used += (size_t)r;
	}
}

int cs_switch_port(const char *dir, int port, struct cs_vde_port *vp)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[8192], cmd[32];
	size_t used = 0;
	int fd, n, rc = -1;

	if ((size_t)snprintf(a.sun_path, sizeof(a.sun_path), "%s/mgmt", dir) >=
	    sizeof(a.sun_path))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	n = snprintf(cmd, sizeof(cmd), "port/print %d\n", port);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    cs_read_until(fd, buf, sizeof(buf), &used, "vde$ ") == 0 &&
	    write(fd, cmd, (size_t)n) == n) {
		used = 0;
		if (cs_read_until(fd, buf, sizeof(buf), &used, "\n1000 ") == 0)
			rc = cs_vde_port_parse(buf, port, vp);
	}
	close(fd);
	return rc;
}

int cs_switch_ports(const char *dir, int port)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *end;
		long p;

		/* "%03d.%d": port number, '.', the switch's fd */
		if (!(e->d_name[0] >= '0' && e->d_name[0] <= '9'))
			continue;
		p = strtol(e->d_name, &end, 10);
		if (end - e->d_name < 3 || *end != '.' || !end[1])
			continue;
		if (port <= 0 || p == port)
			n++;
	}
	closedir(d);
	return n;
}

/* Has child @pid exited? (not reaped: the monitor or teardown does) */
static bool child_gone(pid_t pid)
{
	siginfo_t si = { .si_pid = 0 };

	return pid > 0 && waitid(P_PID, (id_t)pid, &si,
				 WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == pid;
}

int cs_switch_wait_ports(const char *dir, int port, int count, pid_t pid,
			 int bound_ms)
{
	struct timespec t0, now, tick = { 0, 500 * 1000 };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int n = cs_switch_ports(dir, port);

		if (n >= count)
			return 0;
		if (child_gone(pid))
			return -2;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000 >= bound_ms)
			return -1;
		nanosleep(&tick, NULL);
	}
}
