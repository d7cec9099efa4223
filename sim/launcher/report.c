/* report.c: the end of a run: merged TAP summary, exec output, verdict. */
#include "cluster.h"
#include "junit_run.h"
#include "tap_merge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool infra_ok(const struct cs_cluster *c, bool need_all_done)
{
	bool ok = !c->interrupted && !c->timed_out && !c->failed_early &&
		  !c->total_splats;

	for (int i = 0; i < c->n && need_all_done; i++)
		if ((!c->node[i].done && !c->node[i].crashed) ||
		    c->node[i].fatal) {
			fprintf(stderr, "clustersim: node%d did not finish its part (last phase: %s)\n",
				c->node[i].num, c->node[i].phase);
			cs_console_tail(&c->node[i], CS_TAIL_LINES);
			ok = false;
		}
	if (c->total_splats)
		fprintf(stderr, "clustersim: %d kernel splat line%s in the consoles\n",
			c->total_splats, c->total_splats == 1 ? "" : "s");
	return ok;
}

/* `expect zero`: each failure is one line and one failure */
static int check_expect_zero(const struct cs_cluster *c,
			     const struct cs_scenario *sc,
			     const struct cs_node *nd)
{
	char *text, *line, *save = NULL;
	int nfail = cs_expect_zero_node(c, sc, nd, &text);

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		printf("  %s: 1 failure\n", line);
	free(text);
	return nfail;
}

int cs_report_run(struct cs_cluster *c, const struct cs_scenario *sc)
{
	struct cs_tap_total tot = { 0, 0, 0, 0 };
	int infra = 0;
	bool ok;

	printf("summary (%s):\n", c->run_dir);
	for (int i = 0; i < c->n; i++) {
		struct cs_node *nd = &c->node[i];
		struct cs_tap_total nt = { 0, 0, 0, 0 };
		int seq = 0;

		printf("node%d:\n", nd->num);
		for (size_t k = 0; k < sc->ncmds; k++) {
			char name[128], path[PATH_MAX + 200];

			if (sc->cmds[k].node && sc->cmds[k].node != nd->num)
				continue;
			cs_run_name(&sc->cmds[k], ++seq, name, sizeof(name));
			snprintf(path, sizeof(path), "%s/%s.tap", nd->results,
				 name);
			cs_tap_add_file(&nt, path, name, stdout);
		}
		/* a splat or an unfinished node is one more failure */
		if (nd->splats) {
			printf("  kernel splat in node%d.console: 1 failure\n",
			       nd->num);
			nt.failed++;
			infra++;
		}
		nt.failed += check_expect_zero(c, sc, nd);
		if (nd->crashed && !nd->done && !nd->fatal) {
			/* killed on request (cs-fail): its death is expected */
			printf("  node%d crashed on request at %.1fs (last phase: %s)\n",
			       nd->num, nd->t_crash, nd->phase);
		} else if (!nd->done || nd->fatal) {
			char last[160];

			cs_console_last(nd, last, sizeof(last));
			printf("  node%d did not finish (last phase: %s%s%s; console's last line: '%s'): 1 failure\n",
			       nd->num, nd->phase, nd->where[0] ? "; " : "",
			       nd->where, last);
			nt.failed++;
			infra++;
		}
		printf("  node%d total: %d passed, %d failed\n", nd->num,
		       nt.passed, nt.failed);
		tot.passed += nt.passed;
		tot.failed += nt.failed;
		tot.files += nt.files;
		tot.bad_files += nt.bad_files;
	}
	ok = infra_ok(c, true);
	if (!ok && !infra) {
		printf("cluster: %s: 1 failure\n", c->timed_out ? "timeout" :
		       c->interrupted ? "interrupted" : "failed");
		tot.failed++;
	}
	if (tot.bad_files)
		fprintf(stderr, "clustersim: %d TAP file%s missing or incomplete (each counted as 1 failure)\n",
			tot.bad_files, tot.bad_files == 1 ? "" : "s");
	if (!ok || tot.failed)
		printf("FAILED: consoles and logs kept in %s (node<N>.console, node<N>/*.tap, *.log)\n",
		       c->run_dir);
	else
		printf("logs in %s (node<N>.console, node<N>/*.tap, *.log)\n",
		       c->run_dir);
	if (cs_junit_write_run(c, sc, -1) == 0)
		printf("JUnit XML: %s/junit.xml\n", c->run_dir);
	cs_tap_print_total(&tot, stdout);
	fflush(stdout);
	return ok && !tot.failed && tot.files ? 0 : 1;
}

static int copy_file(const char *path, int outfd)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t r;

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(outfd, buf + off, (size_t)(r - off));

			if (w < 0) {
				if (errno == EINTR)
					continue;
				close(fd);
				return -1;
			}
			off += w;
		}
	}
	close(fd);
	return r < 0 ? -1 : 0;
}

static int read_status(const struct cs_node *nd)
{
	char path[PATH_MAX + 32];
	FILE *f;
	int status = -1;

	snprintf(path, sizeof(path), "%s/exec.status", nd->results);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &status) != 1)
			status = -1;
		fclose(f);
	}
	return status;
}

int cs_report_exec(struct cs_cluster *c, int node)
{
	struct cs_node *nd = &c->node[node - 1];
	char path[PATH_MAX + 32];
	int status;

	fflush(stdout);
	snprintf(path, sizeof(path), "%s/exec.out", nd->results);
	copy_file(path, 1);
	snprintf(path, sizeof(path), "%s/exec.err", nd->results);
	copy_file(path, 2);
	status = read_status(nd);
	cs_junit_write_run(c, NULL, status);
	if (!infra_ok(c, true) || status < 0) {
		if (status < 0)
			fprintf(stderr, "clustersim: no exit status from node%d\n",
				node);
		fprintf(stderr, "clustersim: FAILED: logs kept in %s\n",
			c->run_dir);
		return 125;
	}
	return status;
}

int cs_report_shell(struct cs_cluster *c, int node)
{
	int status = read_status(&c->node[node - 1]);

	cs_junit_write_run(c, NULL, -1);
	if (!infra_ok(c, false) || status < 0) {
		fprintf(stderr, "clustersim: FAILED: logs kept in %s\n",
			c->run_dir);
		return status > 0 ? status : 125;
	}
	fprintf(stderr, "clustersim: logs in %s\n", c->run_dir);
	return status;
}
