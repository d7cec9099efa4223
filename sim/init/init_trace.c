/*
 * init_trace.c: `clustersim --trace` in the node: the module's trace ring
 * (hooks/clusterproc/trace.c) recorded during the job and copied into the
 * results directory, where the launcher merges every node's
 * (sim/trace/README.md).
 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define CI_TRACE_DIR "/sys/kernel/debug/clusterproc/"

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	if (close(fd) || n != (ssize_t)strlen(s))
		return -1;
	return 0;
}

int ci_trace_start(const struct ci *ci)
{
	/* what the module did while loading and joining is not the job's */
	if (write_str(CI_TRACE_DIR "trace_on", "clear") ||
	    write_str(CI_TRACE_DIR "trace_on", "1")) {
		ci_say(ci, "error", "trace: %strace_on: %s", CI_TRACE_DIR,
		       strerror(errno));
		return -1;
	}
	ci_say(ci, "trace", "recording");
	return 0;
}

int ci_trace_save(const struct ci *ci)
{
	int in, out = -1, rc = -1;
	char buf[16384];
	ssize_t n;
	long total = 0;

	/* off first: the copy reads a ring nothing writes to any more */
	if (write_str(CI_TRACE_DIR "trace_on", "0"))
		ci_say(ci, "warning", "trace: switching off: %s", strerror(errno));
	in = open(CI_TRACE_DIR "trace", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		goto out;
	out = open(CI_RESULTS "/trace.txt", O_WRONLY | O_CREAT | O_TRUNC |
		   O_CLOEXEC, 0644);
	if (out < 0)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0) {
				if (errno == EINTR)
					continue;
				goto out;
			}
			off += w;
		}
		total += n;
	}
	if (n < 0 || fsync(out))
		goto out;
	rc = 0;
out:
	if (rc)
		ci_say(ci, "error", "trace: copying the ring to %s/trace.txt: %s",
		       CI_RESULTS, strerror(errno));
	else
		ci_say(ci, "trace", "%ld bytes in trace.txt", total);
	if (in >= 0 && close(in))
		ci_say(ci, "warning", "trace: closing the ring: %s", strerror(errno));
	if (out >= 0 && close(out) && !rc) {
		ci_say(ci, "error", "trace: closing trace.txt: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}
