/* rundir.c: create runs/<id>/ and its layout; runs/latest points at it. */
#include "cluster.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool path_chars_ok(const char *p)
{
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("/._+-", *p)))
			return false;
	return true;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

static int fmt(char *out, size_t len, const char *f, const char *a, int n)
{
	if ((size_t)snprintf(out, len, f, a, n) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* "YYYYmmdd-HHMMSS-PID": PIDs up to 7 digits */
#define CS_RUN_ID_LEN 23

int cs_rundir_create(struct cs_cluster *c, const char *runs)
{
	char abs[PATH_MAX], link[PATH_MAX];
	time_t now = time(NULL);
	struct tm tm;

	/* too long for the sockets below, checked again once resolved:
	 * refused before anything is made */
	if (strlen(runs) + (runs[0] == '/' ? 0 :
			    strlen(getcwd(abs, sizeof(abs)) ? abs : "") + 1) +
	    2 * CS_RUN_ID_LEN + strlen("//uml/") + 24 > 107) {
		fprintf(stderr,
			"clustersim: runs dir %s is too long for unix socket paths; use --runs with a shorter path\n",
			runs);
		c->bad_runs = true;
		return -1;
	}
	if (mkdir_p(runs) || !realpath(runs, abs)) {
		fprintf(stderr, "clustersim: runs dir %s: %s\n", runs,
			strerror(errno));
		return -1;
	}
	if (!path_chars_ok(abs)) {
		fprintf(stderr,
			"clustersim: runs dir %s: only [A-Za-z0-9/._+-] allowed (it goes on the kernel command line)\n",
			abs);
		c->bad_runs = true;
		return -1;
	}
	if (!localtime_r(&now, &tm) ||
	    !strftime(c->id, sizeof(c->id), "%Y%m%d-%H%M%S", &tm))
		return -1;
	snprintf(c->id + strlen(c->id), sizeof(c->id) - strlen(c->id), "-%d",
		 (int)getpid());
	if ((size_t)snprintf(c->run_dir, sizeof(c->run_dir), "%s/%s", abs, c->id)
	    >= sizeof(c->run_dir))
		return -1;
	/* unix socket paths must fit sun_path (108): bad usage, nothing
	 * created or started (exit 2) */
	if (strlen(c->run_dir) + strlen("/uml/") + strlen(c->id) + 24 > 107) {
		fprintf(stderr,
			"clustersim: runs dir %s is too long for unix socket paths; use --runs with a shorter path\n",
			abs);
		c->run_dir[0] = '\0';
		c->bad_runs = true;
		return -1;
	}
	if (mkdir(c->run_dir, 0755)) {
		fprintf(stderr, "clustersim: mkdir %s: %s\n", c->run_dir,
			strerror(errno));
		return -1;
	}
	if (fmt(c->switch_dir, sizeof(c->switch_dir), "%s/switch", c->run_dir, 0) ||
	    fmt(c->uml_dir, sizeof(c->uml_dir), "%s/uml", c->run_dir, 0))
		return -1;
	{
		char jobs[PATH_MAX];

		if (fmt(jobs, sizeof(jobs), "%s/jobs", c->run_dir, 0) ||
		    mkdir(jobs, 0755))
			goto err;
	}
	/* the nodes' own: UML's umid directories (nodeuser.c) */
	if (cs_node_user_dir(c, c->uml_dir, 0755))
		return -1;
	for (int i = 0; i < c->n; i++) {
		struct cs_node *nd = &c->node[i];

		nd->num = i + 1;
		nd->con_fd = -1;
		nd->klog_rd = -1;
		nd->klog_file = -1;
		if (fmt(nd->results, sizeof(nd->results), "%s/node%d",
			c->run_dir, nd->num) ||
		    fmt(nd->console, sizeof(nd->console), "%s/node%d.console",
			c->run_dir, nd->num) ||
		    fmt(nd->job, sizeof(nd->job), "%s/jobs/node%d.job",
			c->run_dir, nd->num))
			goto err;
		/* the node's only host-writable directory */
		if (cs_node_user_dir(c, nd->results, 0755))
			return -1;
	}
	/* runs/latest -> <id>, replaced atomically; best effort */
	if (fmt(link, sizeof(link), "%s/.latest.%d", abs, (int)getpid()) == 0) {
		char dst[PATH_MAX];

		unlink(link);
		if (symlink(c->id, link) == 0 &&
		    fmt(dst, sizeof(dst), "%s/latest", abs, 0) == 0 &&
		    rename(link, dst) != 0)
			unlink(link);
	}
	return 0;
err:
	fprintf(stderr, "clustersim: creating %s: %s\n", c->run_dir,
		strerror(errno));
	return -1;
}
