/*
 * init_stats.c: save clusterproc's counters (debugfs `stats`: every
 * CP_STAT of cp_stats.h and point.<name>.hits of cp_points.h) into the
 * node's results directory, before the join and after the end barrier
 * (every node's job is within), so that
 * the launcher (`expect zero` in a scenario) and the path table
 * (sim/paths/) see what rose during the job without the tests doing
 * anything.
 */
#include "counters.h"
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CI_CP_STATS "/sys/kernel/debug/clusterproc/stats"

void ci_save_stats(const struct ci *ci, const char *name)
{
	char path[256], buf[8192];
	ssize_t n;
	int in, out;

	if (!ci->module || !*ci->module)
		return;
	in = open(CI_CP_STATS, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		/* a test may have unloaded it (`allow module`) */
		ci_say(ci, "note", "%s not saved: %s: %s", name, CI_CP_STATS,
		       strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", CI_RESULTS, name);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ci_say(ci, "error", "%s: %s", path, strerror(errno));
		close(in);
		return;
	}
	/* seq_file: one read may return part of the text */
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			ci_say(ci, "error", "writing %s: %s", path,
			       strerror(errno));
			break;
		}
	}
	if (n < 0)
		ci_say(ci, "error", "reading %s: %s", CI_CP_STATS,
		       strerror(errno));
	if (fsync(out) || close(out))
		ci_say(ci, "error", "%s: %s", path, strerror(errno));
	close(in);
}
