/*
 * demo-node [SCRIPT]: the narrated demo `make run` shows
 * (tests/scenarios/demo.scn runs it on every node; SCRIPT defaults to
 * demo.steps next to this program, a copy of tests/scenarios/demo.steps).
 *
 * Every node keeps one /bin/sh open (demo_shell.c). Node 1 narrates: it
 * reads the script, types each command into the shell of the node the
 * script names (its own, or an agent's over TIPC, demo_link.c), prints
 * "nodeN$ COMMAND" and what the shell printed, and checks that output
 * against the script (demo_match.c). The other nodes are agents: they run
 * what node 1 sends and send back the output and $?.
 *
 * TAP (CK_TAP_LOG_FILE_NAME): on node 1 one test per command, on the
 * others one for the agent. A step whose output differs from the script
 * is "not ok" and ends the demo: clustersim then fails the run.
 */
#include "demo_link.h"
#include "demo_match.h"
#include "demo_shell.h"
#include "demo_steps.h"
#include "cs_tipc.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STEP_MS		30000	/* one command */
#define JOIN_MS		60000	/* every agent up */
#define IDLE_MS		300000	/* an agent waits for the next command */

static FILE *tap_open(void)
{
	const char *p = getenv("CK_TAP_LOG_FILE_NAME");
	FILE *f = p ? fopen(p, "w") : NULL;

	if (!f && p)
		fprintf(stderr, "demo: %s: %s\n", p, strerror(errno));
	return f;
}

static int slurp(const char *path, char **out)
{
	FILE *f = fopen(path, "r");
	size_t len = 0;
	FILE *m;
	char buf[4096];
	size_t n;
	int rc = 0;

	if (!f)
		return -1;
	m = open_memstream(out, &len);
	if (!m) {
		fclose(f);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, m) != n)
			rc = -1;
	if (ferror(f))
		rc = -1;
	fclose(f);
	if (fclose(m))
		rc = -1;
	return rc;
}

/* ---- agents (nodes 2..N) ---- */

static int serve(int node, const char *bindir)
{
	struct demo_shell sh;
	int lfd, fd, served = 0, rc = -1;
	const char *why = "";
	FILE *tap = tap_open();

	lfd = demo_link_listen(DEMO_SVC, (uint32_t)node);
	if (lfd < 0) {
		why = "cannot publish the agent";
		goto out;
	}
	if (demo_shell_start(&sh, bindir)) {
		why = "cannot start sh";
		goto out;
	}
	fd = demo_link_accept(lfd, JOIN_MS + 10000);
	if (fd < 0) {
		why = "node 1 never connected";
		demo_shell_stop(&sh);
		goto out;
	}
	for (;;) {
		int32_t st;
		char *cmd, *out;
		int status, r = demo_link_recv(fd, IDLE_MS, &st, &cmd);

		if (r || st == 1) {	/* 1: node 1 says the demo is over */
			if (r || st != 1)
				why = "lost node 1";
			else
				rc = 0;
			free(cmd);
			break;
		}
		printf("node%d$ %s\n", node, cmd);
		if (demo_shell_run(&sh, cmd, STEP_MS, &out, &status)) {
			printf("(%s)\n", strerror(errno));
			status = -1;
		}
		printf("%s[$? = %d]\n", out ? out : "", status);
		fflush(stdout);
		r = demo_link_send(fd, status, out ? out : "");
		free(cmd);
		free(out);
		served++;
		if (r || status == -1) {
			why = r ? "cannot answer node 1" : "a command did not finish";
			break;
		}
	}
	close(fd);
	demo_shell_stop(&sh);
out:
	if (lfd >= 0)
		close(lfd);
	if (tap) {
		fprintf(tap, "1..1\n%s 1 - demo-node:agent:node%d: %d command%s served%s%s\n",
			rc ? "not ok" : "ok", node, served, served == 1 ? "" : "s",
			rc ? ": " : "", why);
		fclose(tap);
	}
	return rc ? 1 : 0;
}

/* ---- narrator (node 1) ---- */

struct narrator {
	struct demo_shell sh;		/* node 1's own shell */
	int fd[65];			/* agents' connections, -1 */
	struct demo_vars vars;
};

static int run_on(struct narrator *n, int node, const char *cmd, char **out,
		  int *status)
{
	int32_t st;
	int r;

	if (node == 1)
		return demo_shell_run(&n->sh, cmd, STEP_MS, out, status);
	if (demo_link_send(n->fd[node], 0, cmd))
		return -1;
	r = demo_link_recv(n->fd[node], STEP_MS + 5000, &st, out);
	if (r) {
		if (r == 1)
			errno = EPIPE;
		return -1;
	}
	*status = st;
	if (st == -1) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

/* every other node's agent, so that none waits for nothing */
static int connect_agents(struct narrator *n, int nodes, int *lfd)
{
	struct cs_tipc_sub sub;

	if (nodes == 1)
		return 0;
	/* node 1's own instance: the barrier counts 1..nodes */
	*lfd = demo_link_listen(DEMO_SVC, 1);
	if (*lfd < 0 || cs_tipc_sub_open(&sub, DEMO_SVC, nodes))
		return -1;
	if (cs_tipc_sub_wait(&sub, JOIN_MS)) {
		cs_tipc_sub_close(&sub);
		return -1;
	}
	cs_tipc_sub_close(&sub);
	/* an agent is published at bind(), a moment before its listen() */
	for (int i = 2; i <= nodes; i++) {
		for (int try = 0; try < 50; try++) {
			n->fd[i] = demo_link_connect(DEMO_SVC, (uint32_t)i);
			if (n->fd[i] >= 0 || errno != ECONNREFUSED)
				break;
			usleep(100000);
		}
		if (n->fd[i] < 0)
			return -1;
	}
	return 0;
}

static void print_output(const char *out)
{
	size_t len = strlen(out);

	fputs(out, stdout);
	if (len && out[len - 1] != '\n')
		putchar('\n');
}

/* TAP as Check writes it, FILE:TCASE:TEST: MESSAGE; the test named after
 * the script's line (stable from run to run, unlike a pid) */
static void tap_step(FILE *tap, int num, const struct demo_step *st,
		     const char *why)
{
	char name[160];

	snprintf(name, sizeof(name), "line %d, node%d$ %s", st->line,
		 st->node, st->text);
	for (char *p = name; *p; p++)
		if (*p == ':' || *p == '#' || *p == '\n')
			*p = ' ';
	fprintf(tap, "%s %d - demo.steps:node%d:%s: %s\n", why ? "not ok" : "ok",
		num, st->node, name, why ? why : "Passed");
}

/* One command step: 0 if it printed what the script says. */
static int command(struct narrator *n, const struct demo_step *st,
		   char *why, size_t whylen)
{
	char *cmd = demo_subst(&n->vars, st->text, why, whylen), *out = NULL;
	int status = -1, rc;

	if (!cmd)
		return -1;
	printf("node%d$ %s\n", st->node, cmd);
	fflush(stdout);
	rc = run_on(n, st->node, cmd, &out, &status);
	if (out)
		print_output(out);
	if (rc)
		snprintf(why, whylen, "no answer from node%d's shell: %s",
			 st->node, strerror(errno));
	else
		rc = demo_check(st, &n->vars, out, status, why, whylen);
	free(out);
	free(cmd);
	return rc;
}

static int narrate(const char *script, int nodes, const char *bindir)
{
	struct narrator n;
	struct demo_script s;
	char *text = NULL, err[512], why[1024];
	FILE *tap = tap_open();
	int lfd = -1, ncmd = 0, failed = 0, said = 0;
	size_t k;

	memset(&n, 0, sizeof(n));
	for (int i = 0; i <= 64; i++)
		n.fd[i] = -1;
	if (slurp(script, &text)) {
		fprintf(stderr, "demo: %s: %s\n", script, strerror(errno));
		failed = 1;
		goto end;
	}
	if (demo_script_parse(text, &s, err, sizeof(err))) {
		fprintf(stderr, "demo: %s:%s\n", script, err);
		failed = 1;
		goto end;
	}
	if (s.max_node > nodes) {
		fprintf(stderr, "demo: %s wants %d nodes, the cluster has %d\n",
			script, s.max_node, nodes);
		failed = 1;
		goto free_script;
	}
	if (demo_shell_start(&n.sh, bindir) ||
	    connect_agents(&n, nodes, &lfd)) {
		fprintf(stderr, "demo: cannot reach the other nodes' shells: %s\n",
			strerror(errno));
		failed = 1;
		goto stop;
	}
	for (k = 0; k < s.n && !failed; k++) {
		const struct demo_step *st = &s.steps[k];

		if (!st->node) {
			if (!said && k)
				putchar('\n');
			printf("#%s%s\n", *st->text ? " " : "", st->text);
			said = 1;
			continue;
		}
		said = 0;
		ncmd++;
		if (command(&n, st, why, sizeof(why))) {
			printf("!! not what %s says (line %d): %s\n",
			       strrchr(script, '/') ? strrchr(script, '/') + 1 : script,
			       st->line, why);
			failed = 1;
		}
		fflush(stdout);
		if (tap)
			tap_step(tap, ncmd, st, failed ? why : NULL);
	}
	printf("\n%s\n", failed ?
	       "demo: FAILED: a command did not print what the script says (above)" :
	       "demo: every command printed what tests/scenarios/demo.steps says it prints");
stop:
	for (int i = 2; i <= 64; i++)
		if (n.fd[i] >= 0) {
			if (demo_link_send(n.fd[i], 1, ""))
				fprintf(stderr, "demo: cannot tell node%d the end: %s\n",
					i, strerror(errno));
			close(n.fd[i]);
		}
	demo_shell_stop(&n.sh);
	if (lfd >= 0)
		close(lfd);
free_script:
	demo_script_free(&s);
end:
	free(text);
	if (tap) {
		if (failed && !ncmd)
			fprintf(tap, "not ok 1 - demo.steps:narrator:setup: see the log\n");
		fprintf(tap, "1..%d\n", ncmd ? ncmd : 1);
		fclose(tap);
	}
	fflush(stdout);
	return failed;
}

int main(int argc, char **argv)
{
	const char *e = getenv("CS_NODE"), *ns = getenv("CS_NODES");
	char exe[PATH_MAX], script[PATH_MAX + 16];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int node = e ? atoi(e) : 0, nodes = ns ? atoi(ns) : 0;

	if (argc > 2 || node < 1 || nodes < 1 || len <= 0) {
		fprintf(stderr, "usage: demo-node [SCRIPT] (in a clustersim node: CS_NODE, CS_NODES)\n");
		return 2;
	}
	exe[len] = '\0';
	dirname(exe);
	snprintf(script, sizeof(script), "%s/demo.steps", exe);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* a shell that died is an error from write(), not the end of us */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 1;
	if (node > 1)
		return serve(node, exe);
	return narrate(argc == 2 ? argv[1] : script, nodes, exe);
}
