/*
 * cs-fail: ask the launcher, from inside a node, for a failure now.
 *
 *   cs-fail NODE [crash]
 *   cs-fail NODE partition SECONDS
 *   cs-fail NODE hang SECONDS
 *
 * crash (the default) kills node NODE's UML or QEMU, as a pulled plug
 * (not this node: the answer could not come back); partition cuts it
 * off from every other node (its wirefilter drops every frame both ways)
 * for SECONDS, then heals it, and needs wirefilters (a scenario 'wire'
 * line); hang stops its processes for SECONDS (at most 10). It returns
 * once the launcher has acted: 0, or 1 with the launcher's reason; bad
 * usage: 2. The request and
 * the answer are files in this node's results directory
 * ($CS_RESULTS_DIR, sim/launcher/faults.c).
 */
#include "fault_req.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ACK_WAIT_MS 5000
#define USAGE "usage: cs-fail NODE [crash | partition SECONDS | hang SECONDS]\n"

static int usage(const char *why)
{
	fprintf(stderr, "cs-fail: %s\n" USAGE, why);
	return 2;
}

static int write_request(const char *dir, const char *line)
{
	char tmp[4096], req[4096];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.fail.req", dir) >=
		    sizeof(tmp) ||
	    (size_t)snprintf(req, sizeof(req), "%s/fail.req", dir) >=
		    sizeof(req))
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		close(fd);
		return -1;
	}
	if (close(fd) || rename(tmp, req))
		return -1;
	return 0;
}

/* The launcher's answer: 0 "ok", 1 an error (printed), -1 none came. */
static int read_answer(const char *dir)
{
	char ack[4096], buf[256];
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	if ((size_t)snprintf(ack, sizeof(ack), "%s/fail.ack", dir) >=
	    sizeof(ack))
		return -1;
	for (int ms = 0; ms < ACK_WAIT_MS; ms += 10) {
		int fd = open(ack, O_RDONLY | O_CLOEXEC);
		ssize_t r;

		if (fd < 0) {
			if (errno != ENOENT)
				return -1;
			nanosleep(&ts, NULL);
			continue;
		}
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (unlink(ack))
			perror("cs-fail: unlink fail.ack");
		if (r < 0)
			return -1;
		buf[r] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (!strcmp(buf, "ok"))
			return 0;
		fprintf(stderr, "cs-fail: launcher: %s\n", buf);
		return 1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = getenv("CS_RESULTS_DIR");
	struct cs_fault_req req;
	char line[160], why[128];
	int o, rc;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if (o == 'h') {
			printf(USAGE);
			return 0;
		} else {
			return usage("bad option");
		}
	/* the launcher parses it again, with the run's node count */
	if (argc - optind == 1)
		snprintf(line, sizeof(line), "crash %.40s\n", argv[optind]);
	else if (argc - optind == 2)
		snprintf(line, sizeof(line), "%.40s %.40s\n", argv[optind + 1],
			 argv[optind]);
	else if (argc - optind == 3)
		snprintf(line, sizeof(line), "%.40s %.40s %.40s\n",
			 argv[optind + 1], argv[optind], argv[optind + 2]);
	else
		return usage("want one to three arguments");
	if (cs_fault_parse(line, 64, &req, why, sizeof(why)))
		return usage(why);
	if (!dir || !*dir)
		return usage("CS_RESULTS_DIR is not set (run inside a clustersim node)");
	if (write_request(dir, line)) {
		fprintf(stderr, "cs-fail: request in %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	rc = read_answer(dir);
	if (rc < 0) {
		fprintf(stderr, "cs-fail: no answer from the launcher in %d ms\n",
			ACK_WAIT_MS);
		return 1;
	}
	return rc;
}
