/* teardown.c: stop every node and the switch, reap every descendant. */
#include "cluster.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void note_exit(struct cs_cluster *c, pid_t pid, int st)
{
	for (int i = 0; i < c->n; i++)
		if (c->node[i].pid == pid && !c->node[i].exited) {
			c->node[i].exited = true;
			c->node[i].wstatus = st;
			c->node[i].t_exit = cs_elapsed(c);
		}
	for (int i = 0; i < c->nhelpers; i++)
		if (c->helper[i].pid == pid)
			c->helper[i].exited = true;	/* the group stays known */
}

/* Reap until no child is left or ms elapsed; returns true if none left. */
static bool reap_for(struct cs_cluster *c, int ms)
{
	for (int t = 0;; t += 10) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		int st;
		pid_t p;

		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			note_exit(c, p, st);
		if (p < 0 && errno == ECHILD)
			return true;
		if (t >= ms)
			return false;
		nanosleep(&ts, NULL);
	}
}

static bool nodes_running(const struct cs_cluster *c)
{
	for (int i = 0; i < c->n; i++)
		if (c->node[i].pid > 0 && !c->node[i].exited)
			return true;
	return false;
}

static void wait_nodes(struct cs_cluster *c, int ms)
{
	for (int t = 0; t < ms && nodes_running(c); t += 10) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		int st;
		pid_t p;

		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			note_exit(c, p, st);
		nanosleep(&ts, NULL);
	}
}

static void kill_groups(struct cs_cluster *c, int sig)
{
	for (int i = 0; i < c->n; i++)
		if (c->node[i].pid > 0 && killpg(c->node[i].pid, sig) &&
		    errno != ESRCH)
			fprintf(stderr, "clustersim: killpg node %d: %s\n",
				c->node[i].num, strerror(errno));
	for (int i = 0; i < c->nhelpers; i++)
		if (c->helper[i].pid > 0 && killpg(c->helper[i].pid, sig) &&
		    errno != ESRCH)
			fprintf(stderr, "clustersim: killpg %s: %s\n",
				c->helper[i].name, strerror(errno));
}

int cs_teardown(struct cs_cluster *c)
{
	int left = 0;

	/*
	 * 1. Nodes still up (timeout, interrupt, failure) and the switch:
	 * SIGKILL to every process group. Not SIGTERM: UML's SIGTERM path
	 * frees its IRQs twice and prints a free_irq WARNING, a splat that
	 * would only be ours. Nothing is lost: UML unlinks its memory file
	 * at start, its helpers are in the group, the console is a file.
	 */
	kill_groups(c, SIGKILL);
	wait_nodes(c, 2000);
	for (int i = 0; i < c->nhelpers; i++)
		if (c->helper[i].in_fd >= 0) {
			close(c->helper[i].in_fd);
			c->helper[i].in_fd = -1;
		}
	/* every group got SIGKILL: the guard need not act when we exit */
	cs_guard_disarm(c);
	/* 2. reap everything, including orphans handed to us as subreaper */
	if (!reap_for(c, 5000)) {
		kill_groups(c, SIGKILL);
		if (!reap_for(c, 5000))
			left = 1;
	}
	if (c->shell_node && isatty(0))
		tcsetpgrp(0, getpgrp());
	if (left)
		fprintf(stderr, "clustersim: some child processes could not be reaped\n");
	return left;
}
