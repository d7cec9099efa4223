/* node.c: start one node (UML or QEMU) as a child in its own process group. */
#include "argbuf.h"
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

/* What every node's cluster-init is told on the kernel command line. */
int cs_node_guest_args(const struct cs_cluster *c, const struct cs_node *nd,
		       struct cs_argbuf *a)
{
	const struct cs_kimage *k = &c->img[nd->backend];
	int rc = 0, tol, join, dj, ds;

	rc |= cs_arg(a, "init=%s", c->init);
	/* splat detection keys on printk timestamps: never without them */
	rc |= cs_arg(a, "printk.time=1");
	rc |= cs_arg(a, "CS_NODE=%d", nd->num);
	rc |= cs_arg(a, "CS_BACKEND=%s",
		     nd->backend == CS_BACKEND_QEMU ? "qemu" : "uml");
	rc |= cs_arg(a, "CS_NODES=%d", c->n);
	rc |= cs_arg(a, "CS_JOB=%s", nd->job);
	rc |= cs_arg(a, "CS_RESULTS=%s", nd->results);
	rc |= cs_arg(a, "CS_TIMEOUT=%d", c->timeout ? c->timeout : 86400);
	/*
	 * TIPC link tolerances (ms). The N nodes share the host's CPUs and
	 * a node starved for longer than the tolerance loses its links; with
	 * many nodes a short join tolerance makes links flap for ever (32
	 * nodes with 200 ms never joined here). So the defaults grow with
	 * N, and with the wire delay (a link must outlast a few delayed
	 * round trips); --tipc-*tolerance set them outright. A QEMU node
	 * without KVM (TCG, a KASAN kernel, -smp vCPU threads on the same
	 * cores) stalls longer: a 3-node qemu-debug run with two busy-loop
	 * hogs on this 2-core machine kind lost a node's links at 1500 ms,
	 * so with TCG nodes the steady tolerance is at least 3000 ms (still
	 * below the 5 s link cut of test_linkloss).
	 */
	dj = 25 * c->n < 200 ? 200 : 25 * c->n > 1500 ? 1500 : 25 * c->n;
	ds = 50 * c->n < 1500 ? 1500 : 50 * c->n;
	if (c->qemu_accel && !strcmp(c->qemu_accel, "tcg") && ds < 3000)
		ds = 3000;
	if (c->wire_delay) {
		int d = 8 * atoi(c->wire_delay);

		dj = d > dj ? d : dj;
		ds = d > ds ? d : ds;
	}
	join = c->o->tipc_join_tolerance ? c->o->tipc_join_tolerance :
	       dj > 30000 ? 30000 : dj;
	tol = c->o->tipc_tolerance ? c->o->tipc_tolerance :
	      ds > 30000 ? 30000 : ds;
	rc |= cs_arg(a, "CS_TIPC_TOLERANCE=%d", tol);
	rc |= cs_arg(a, "CS_TIPC_JOIN_TOLERANCE=%d", join);
	if (k->module[0])
		rc |= cs_arg(a, "CS_MODULE=%s", k->module);
	if (c->tree[0])
		rc |= cs_arg(a, "CS_TREE=%s", c->tree);
	rc |= cs_arg_words(a, c->o->kernel_args);
	return rc;
}

int cs_node_start(struct cs_cluster *c, struct cs_node *nd)
{
	struct cs_argbuf a = { .argc = 0, .used = 0 };
	bool shell = c->shell_node == nd->num;
	bool uml = nd->backend == CS_BACKEND_UML;
	int confd, nullfd, klog[2] = { -1, -1 };
	pid_t pid;

	if (c->img[nd->backend].module[0] && cs_node_write_key(c, nd))
		return -1;
	if (uml ? cs_uml_argv(c, nd, &a) || cs_node_guest_args(c, nd, &a) :
		  cs_qemu_argv(c, nd, &a)) {
		fprintf(stderr, "clustersim: node %d: command line too long\n",
			nd->num);
		return -1;
	}
	/* booted again (faults.c): the crashed boot's console stays */
	confd = open(nd->console, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		     (nd->restarted ? 0 : O_TRUNC), 0644);
	if (confd < 0) {
		fprintf(stderr, "clustersim: %s: %s\n", nd->console,
			strerror(errno));
		return -1;
	}
	if (nd->restarted)
		dprintf(confd, "clustersim: node%d booted again at %.1fs (restart %d)\n",
			nd->num, cs_elapsed(c), nd->restarted);
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nullfd < 0 || (shell && pipe2(klog, O_CLOEXEC))) {
		fprintf(stderr, "clustersim: node %d: %s\n", nd->num,
			strerror(errno));
		goto err;
	}
	/* QEMU reopens it (/dev/fd/3): the node user must own it */
	if (shell && c->confined &&
	    fchown(klog[1], c->node_uid, c->node_gid)) {
		fprintf(stderr, "clustersim: node %d: chown of the kernel log pipe to user %s: %s\n",
			nd->num, c->node_user, strerror(errno));
		goto err;
	}
	/* a restart reads on where the crashed boot's console ended */
	if (nd->con_fd < 0)
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

		if (setpgid(0, 0) || setrlimit(RLIMIT_CORE, &core))
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
		/* as the node user (root: nodeuser.c); a change of
		 * credentials clears the parent-death signal: set after */
		if (cs_node_user_enter(c) || prctl(PR_SET_PDEATHSIG, SIGKILL))
			_exit(127);
		/*
		 * Without ASLR the heap starts right after the binary: UML
		 * adds a randomized brk gap (up to 1 GiB) to "physical"
		 * memory, which costs boot time and struct-page memory.
		 */
		if (uml && personality(ADDR_NO_RANDOMIZE) < 0)
			_exit(127);
		if (uml && access("/dev/shm", W_OK) == 0)
			setenv("TMPDIR", "/dev/shm", 1);
		execv(a.argv[0], a.argv);
		fprintf(stderr, "exec %s: %s\n", a.argv[0], strerror(errno));
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
