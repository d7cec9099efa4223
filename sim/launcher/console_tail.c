/*
 * console_tail.c: the last lines of a node's console on stderr, for a node
 * that did not finish. A CI log keeps what the launcher printed, not the
 * run directory: a node stuck while booting must say where, there.
 */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL_BYTES 4096

/* one console line on stderr, control characters shown as '?' */
static void put_line(int num, const char *s, size_t len)
{
	char out[512];
	size_t n = 0;

	while (len && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	for (size_t i = 0; i < len && n + 1 < sizeof(out); i++)
		out[n++] = (s[i] >= 0x20 && s[i] < 0x7f) || s[i] == '\t' ?
			   s[i] : '?';
	out[n] = '\0';
	fprintf(stderr, "  node%d.console| %s\n", num, out);
}

void cs_console_tail(const struct cs_node *nd, int lines)
{
	char buf[TAIL_BYTES + 1];
	struct stat st;
	off_t from;
	ssize_t got;
	size_t start;
	int fd, seen = 0;

	if (!nd->console[0])
		return;
	fd = open(nd->console, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		fprintf(stderr, "clustersim: %s: %s\n", nd->console,
			strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	from = st.st_size > TAIL_BYTES ? st.st_size - TAIL_BYTES : 0;
	got = pread(fd, buf, TAIL_BYTES, from);
	close(fd);
	if (got <= 0)
		return;
	buf[got] = '\0';
	/* back from the end over @lines line ends (a last partial line
	 * counts as one) */
	start = (size_t)got;
	while (start > 0) {
		if (buf[start - 1] == '\n' && start < (size_t)got &&
		    ++seen == lines)
			break;
		start--;
	}
	if (start == 0 && from > 0) {	/* skip a cut first line */
		char *nl = memchr(buf, '\n', (size_t)got);

		start = nl ? (size_t)(nl - buf) + 1 : (size_t)got;
	}
	fprintf(stderr, "clustersim: node%d: last lines of %s:\n", nd->num,
		nd->console);
	while (start < (size_t)got) {
		char *nl = memchr(buf + start, '\n', (size_t)got - start);
		size_t end = nl ? (size_t)(nl - buf) : (size_t)got;

		put_line(nd->num, buf + start, end - start);
		start = end + 1;
	}
}
