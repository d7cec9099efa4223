/*
 * init_stats.c: save clusterproc's counters (debugfs `stats`: every
 * CP_STAT of cp_stats.h and point.<name>.hits of cp_points.h) into the
 * node's results directory, before the join and after the end barrier
 * (every node's job is within), so that
 * the launcher (`expect zero` in a scenario) and the path table
 * (sim/paths/) see what rose during the job without the tests doing
 * anything. ci_wait_idle() lets the live-object gauges drain first.
 */
#include "counters.h"
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CI_CP_STATS "/sys/kernel/debug/clusterproc/stats"

/* The stats text into @buf (NUL terminated): 0, or -1 (errno set). */
static int read_stats(char *buf, size_t room)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd = open(CI_CP_STATS, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len + 1 < room && (n = read(fd, buf + len, room - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	if (n < 0 || len + 1 >= room) {
		if (n >= 0)
			errno = EFBIG;
		close(fd);
		return -1;
	}
	return close(fd);
}

struct busy_text {
	char *buf;
	size_t room, len;
};

static void note_busy(void *arg, const char *name, long long value)
{
	struct busy_text *b = arg;

	if (b->len < b->room)
		b->len += (size_t)snprintf(b->buf + b->len, b->room - b->len,
					   " %s=%lld", name, value);
}

void ci_wait_idle(const struct ci *ci)
{
	static char text[32768];
	char err[256], busy[512];
	struct busy_text b = { busy, sizeof(busy), 0 };
	struct cs_counters c;

	if (!ci->module || !*ci->module)
		return;
	for (int t = 0; t <= CI_IDLE_MS; t += 100) {
		if (read_stats(text, sizeof(text)))
			return;	/* unloaded (`allow module`): nothing live */
		if (cs_counters_parse(text, CI_CP_STATS, &c, err,
				      sizeof(err))) {
			ci_say(ci, "error", "%s", err);
			return;
		}
		b.len = 0;
		busy[0] = '\0';
		if (!cs_counters_check_idle(&c, note_busy, &b)) {
			cs_counters_free(&c);
			return;
		}
		cs_counters_free(&c);
		ci_reap_orphans();
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	ci_say(ci, "note", "live objects %d ms after the job:%s", CI_IDLE_MS,
	       busy);
}

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
