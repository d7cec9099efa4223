/* node.c: start one UML node as a child in its own process group. */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define NARGS 40
#define CS_UML_LPJ 5000000

struct argbuf {
	char *argv[NARGS + 1];
	int argc;
	char store[8192];
	size_t used;
};

static int add(struct argbuf *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add(struct argbuf *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->argc >= NARGS)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(a->store + a->used, sizeof(a->store) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->store) - a->used)
		return -1;
	a->argv[a->argc++] = a->store + a->used;
	a->argv[a->argc] = NULL;
	a->used += n + 1;
	return 0;
}

/* Blank-separated words of s, each one argument. */
static int add_words(struct argbuf *a, const char *s)
{
	int rc = 0;

	while (s && *s) {
		size_t n;

		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		if (n)
			rc |= add(a, "%.*s", (int)n, s);
		s += n;
	}
	return rc;
}

static int build_argv(const struct cs_cluster *c, const struct cs_node *nd,
		      struct argbuf *a)
{
	bool shell = c->shell_node == nd->num;
	int rc = 0, tol, join, dj, ds;

	rc |= add(a, "%s", c->kernel);
	rc |= add(a, "umid=cs%s-n%d", c->id, nd->num);
	rc |= add(a, "uml_dir=%s", c->uml_dir);
	rc |= add(a, "mem=%uM", c->mem_mb);
	/* a known port of its switch, described "nodeN" (port/print) */
	rc |= add(a, "eth0=vde,%s,02:43:53:00:00:%02x,%d,,,node%d",
		  c->node_wire[nd->num - 1], nd->num,
		  c->node_port[nd->num - 1], nd->num);
	rc |= add(a, "root=/dev/root");
	rc |= add(a, "rootfstype=hostfs");
	rc |= add(a, "rootflags=/");
	rc |= add(a, "ro");
	rc |= add(a, "init=%s", c->init);
	rc |= add(a, "%s", shell ? "con0=fd:0,fd:1" : "con0=null,fd:1");
	rc |= add(a, "con=null");
	rc |= add(a, "ssl=null");
	if (shell) {
		/*
		 * con0 is the terminal; the kernel log also goes through
		 * the serial-line console to a pipe (fd 3; UML's epoll
		 * cannot take a regular file) that the launcher copies
		 * into the console file, so splats are seen. The last
		 * console= is /dev/console: the terminal.
		 */
		rc |= add(a, "ssl0=null,fd:3");
		rc |= add(a, "console=ttyS0");
		rc |= add(a, "console=tty0");
	}
	/* splat detection keys on printk timestamps: never without them */
	rc |= add(a, "printk.time=1");
	/* skip the ~0.1 s delay-loop calibration (UML only uses it for
	 * udelay busy-waits) */
	rc |= add(a, "lpj=%d", CS_UML_LPJ);
	rc |= add(a, "CS_NODE=%d", nd->num);
	rc |= add(a, "CS_NODES=%d", c->n);
	rc |= add(a, "CS_JOB=%s", nd->job);
	rc |= add(a, "CS_RESULTS=%s", nd->results);
	rc |= add(a, "CS_TIMEOUT=%d", c->timeout ? c->timeout : 86400);
	/*
	 * TIPC link tolerances (ms). The N nodes share the host's CPUs and
	 * a node starved for longer than the tolerance loses its links; with
	 * many nodes a short join tolerance makes links flap for ever (32
	 * nodes with 200 ms never joined here). So the defaults grow with
	 * N, and with the wire delay (a link must outlast a few delayed
	 * round trips); --tipc-*tolerance set them outright.
	 */
	dj = 25 * c->n < 200 ? 200 : 25 * c->n > 1500 ? 1500 : 25 * c->n;
	ds = 50 * c->n < 1500 ? 1500 : 50 * c->n;
	if (c->wire_delay) {
		int d = 8 * atoi(c->wire_delay);

		dj = d > dj ? d : dj;
		ds = d > ds ? d : ds;
	}
	join = c->o->tipc_join_tolerance ? c->o->tipc_join_tolerance :
	       dj > 30000 ? 30000 : dj;
	tol = c->o->tipc_tolerance ? c->o->tipc_tolerance :
	      ds > 30000 ? 30000 : ds;
	rc |= add(a, "CS_TIPC_TOLERANCE=%d", tol);
	rc |= add(a, "CS_TIPC_JOIN_TOLERANCE=%d", join);
	if (c->module[0])
		rc |= add(a, "CS_MODULE=%s", c->module);
	if (c->tree[0])
		rc |= add(a, "CS_TREE=%s", c->tree);
	rc |= add_words(a, c->o->kernel_args);
	return rc;
}

int cs_node_start(struct cs_cluster *c, struct cs_node *nd)
{
	struct argbuf a = { .argc = 0, .used = 0 };
	bool shell = c->shell_node == nd->num;
	int confd, nullfd, klog[2] = { -1, -1 };
	pid_t pid;

	if (build_argv(c, nd, &a)) {
		fprintf(stderr, "clustersim: node %d: command line too long\n",
			nd->num);
		return -1;
	}
	confd = open(nd->console, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
		     O_CLOEXEC, 0644);
	if (confd < 0) {
		fprintf(stderr, "clustersim: %s: %s\n", nd->console,
			strerror(errno));
		return -1;
	}
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nullfd < 0 || (shell && pipe2(klog, O_CLOEXEC))) {
		fprintf(stderr, "clustersim: node %d: %s\n", nd->num,
			strerror(errno));
		goto err;
	}
	nd->con_fd = open(nd->console, O_RDONLY | O_CLOEXEC);
	if (nd->con_fd < 0) {
		fprintf(stderr, "clustersim: %s: %s\n", nd->console,
			strerror(errno));
		goto err;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "clustersim: fork: %s\n", strerror(errno));
		goto err;
	}
	if (pid == 0) {
		struct rlimit core = { 0, 0 };

		if (setpgid(0, 0) || prctl(PR_SET_PDEATHSIG, SIGKILL) ||
		    setrlimit(RLIMIT_CORE, &core))
			_exit(127);
		if (shell) {
			/* the terminal's foreground group becomes the node */
			if (tcsetpgrp(0, getpid()))
				_exit(127);
		} else if (dup2(nullfd, 0) < 0 || dup2(confd, 1) < 0) {
			_exit(127);
		}
		if (dup2(confd, 2) < 0)
			_exit(127);
		if (shell && (klog[1] == 3 ? fcntl(3, F_SETFD, 0) :
			      dup2(klog[1], 3)) < 0)
			_exit(127);
		cs_child_reset_signals();
		/*
		 * Without ASLR the heap starts right after the binary: UML
		 * adds a randomized brk gap (up to 1 GiB) to "physical"
		 * memory, which costs boot time and struct-page memory.
		 */
		if (personality(ADDR_NO_RANDOMIZE) < 0)
			_exit(127);
		if (access("/dev/shm", W_OK) == 0)
			setenv("TMPDIR", "/dev/shm", 1);
		execv(c->kernel, a.argv);
		fprintf(stderr, "exec %s: %s\n", c->kernel, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	cs_guard_add(c, pid);
	if (shell) {
		close(klog[1]);
		if (fcntl(klog[0], F_SETFL, O_NONBLOCK))
			fprintf(stderr, "clustersim: fcntl: %s\n", strerror(errno));
		nd->klog_rd = klog[0];
		nd->klog_file = confd;
	} else {
		close(confd);
	}
	close(nullfd);
	nd->pid = pid;
	snprintf(nd->phase, sizeof(nd->phase), "booting");
	nd->t_phase = cs_elapsed(c);
	return 0;
err:
	close(confd);
	if (nullfd >= 0)
		close(nullfd);
	if (klog[0] >= 0) {
		close(klog[0]);
		close(klog[1]);
	}
	return -1;
}
