/*
 * clustersim-trace: merge the clusterproc trace rings of a run's nodes
 * into one timeline and draw it as a message sequence chart.
 *
 *   clustersim-trace --run runs/<id>        node<N>/trace.txt -> trace.txt,
 *                                           trace.msc, trace.svg (mscgen)
 *   clustersim-trace [-o TXT] [--msc MSC] [--svg SVG] FILE...
 *
 * Exit status: 0 done, 1 a write or mscgen failed, 2 bad usage or input
 * (one line on stderr).
 */
#include "trace_merge.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char usage[] =
"usage: clustersim-trace [options] FILE...\n"
"       clustersim-trace [options] --run RUNDIR\n"
"Merge clusterproc trace rings (debugfs trace, one per node) into one\n"
"causal timeline and draw it as a message sequence chart (mscgen).\n"
"  -r, --run DIR       read DIR/node<N>/trace.txt; write DIR/trace.txt,\n"
"                      DIR/trace.msc and DIR/trace.svg\n"
"  -o, --out FILE      the merged timeline (default with FILE...: stdout)\n"
"      --msc FILE      the chart, mscgen source\n"
"      --svg FILE      the chart rendered by mscgen (needs --msc)\n"
"      --since MARK    the chart starts at the first mark MARK\n"
"      --until MARK    and ends at the next mark MARK\n"
"      --all-points    also the transport's release points\n"
"      --last N        only the last N rows of the chart's window\n"
"      --title TEXT    a comment at the top of the chart\n"
"  -h, --help          this text\n";

static int die2(const char *fmt, const char *a, const char *b)
{
	fputs("clustersim-trace: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 2;
}

/* DIR/node<N>/trace.txt for every node directory: how many read */
static int read_run(struct cs_trace *t, const char *dir, char *err,
		    size_t errlen)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int found = 0;

	if (!dp) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	errno = 0;
	while ((d = readdir(dp))) {
		char path[PATH_MAX];
		unsigned int n;
		char end;

		if (sscanf(d->d_name, "node%u%c", &n, &end) != 1)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/trace.txt", dir,
			     d->d_name) >= (int)sizeof(path))
			continue;
		if (access(path, F_OK))
			continue;
		if (cs_trace_read(t, path, err, errlen)) {
			closedir(dp);
			return -1;
		}
		found++;
	}
	if (errno) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		closedir(dp);
		return -1;
	}
	if (closedir(dp)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!found) {
		snprintf(err, errlen, "%s: no node<N>/trace.txt (was the run made with --trace?)",
			 dir);
		return -1;
	}
	return found;
}

static int mscgen(const char *msc, const char *svg)
{
	char *argv[] = { "mscgen", "-T", "svg", "-o", (char *)svg,
			 (char *)msc, NULL };
	pid_t pid;
	int st, rc;

	rc = posix_spawnp(&pid, "mscgen", NULL, NULL, argv, environ);
	if (rc) {
		fprintf(stderr, "clustersim-trace: mscgen: %s (make setup installs it)\n",
			strerror(rc));
		return 1;
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			perror("clustersim-trace: waitpid");
			return 1;
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "clustersim-trace: mscgen failed on %s\n", msc);
		return 1;
	}
	return 0;
}

static int write_file(const char *path, const struct cs_trace *t,
		      const struct cs_msc_opts *mo, bool chart)
{
	char err[256];
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	int rc;

	if (!f) {
		fprintf(stderr, "clustersim-trace: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (chart) {
		rc = cs_trace_msc(t, mo, f, err, sizeof(err));
		if (rc < 0) {
			if (f != stdout)
				fclose(f);
			fprintf(stderr, "clustersim-trace: %s\n", err);
			return 2;
		}
		rc = 0;
	} else {
		rc = cs_trace_write(t, f);
	}
	if (f == stdout ? fflush(f) : fclose(f))
		rc = -1;
	if (rc) {
		fprintf(stderr, "clustersim-trace: writing %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_MSC = 256, O_SVG, O_SINCE, O_UNTIL, O_ALL, O_TITLE, O_LAST };
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "msc", required_argument, NULL, O_MSC },
		{ "svg", required_argument, NULL, O_SVG },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "all-points", no_argument, NULL, O_ALL },
		{ "title", required_argument, NULL, O_TITLE },
		{ "last", required_argument, NULL, O_LAST },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_msc_opts mo = { 0 };
	const char *run = NULL, *out = NULL, *msc = NULL, *svg = NULL;
	char err[512], rbuf[3][PATH_MAX];
	struct cs_trace t = { 0 };
	int c, rc;

	while ((c = getopt_long(argc, argv, "r:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': run = optarg; break;
		case 'o': out = optarg; break;
		case O_MSC: msc = optarg; break;
		case O_SVG: svg = optarg; break;
		case O_SINCE: mo.since = optarg; break;
		case O_UNTIL: mo.until = optarg; break;
		case O_ALL: mo.all_points = true; break;
		case O_TITLE: mo.title = optarg; break;
		case O_LAST: {
			char *end;

			errno = 0;
			mo.last = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' ||
			    !mo.last)
				return die2("--last '%s': want a number of rows > 0%s",
					    optarg, "");
			break;
		}
		case 'h': fputs(usage, stdout); return 0;
		default:
			fputs("clustersim-trace: bad usage (--help)\n", stderr);
			return 2;
		}
	}
	if (run && optind < argc)
		return die2("--run %s and files (%s...): one or the other", run,
			    argv[optind]);
	if (!run && optind == argc)
		return die2("no trace file%s%s (--help)", "", "");
	if (svg && !msc && !run)
		return die2("--svg %s needs --msc%s", svg, "");
	if (run) {
		if (snprintf(rbuf[0], PATH_MAX, "%s/trace.txt", run) >= PATH_MAX ||
		    snprintf(rbuf[1], PATH_MAX, "%s/trace.msc", run) >= PATH_MAX ||
		    snprintf(rbuf[2], PATH_MAX, "%s/trace.svg", run) >= PATH_MAX)
			return die2("%s: path too long%s", run, "");
		out = out ? out : rbuf[0];
		msc = msc ? msc : rbuf[1];
		svg = svg ? svg : rbuf[2];
		if (read_run(&t, run, err, sizeof(err)) < 0)
			return die2("%s%s", err, "");
	} else {
		for (int i = optind; i < argc; i++)
			if (cs_trace_read(&t, argv[i], err, sizeof(err))) {
				cs_trace_free(&t);
				return die2("%s%s", err, "");
			}
		if (!out && !msc)
			out = "-";
	}
	if (cs_trace_merge(&t, err, sizeof(err))) {
		cs_trace_free(&t);
		return die2("%s%s", err, "");
	}
	rc = out ? write_file(out, &t, &mo, false) : 0;
	if (!rc && msc)
		rc = write_file(msc, &t, &mo, true);
	if (!rc && svg)
		rc = mscgen(msc, svg);
	cs_trace_free(&t);
	return rc;
}
