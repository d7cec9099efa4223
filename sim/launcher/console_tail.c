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

#define TAIL_BYTES 16384
#define MAX_LINES 512

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

/* a guest's progress line while it waits for the cluster (init's linkwait) */
static bool progress_line(const char *s, size_t len)
{
	static const char tag[] = " linkwait ";

	return len >= sizeof(tag) - 1 && memmem(s, len, tag, sizeof(tag) - 1);
}

/*
 * The console's last TAIL_BYTES, cut into lines: a run of progress lines
 * counts as its last one (they said "still waiting" every few seconds and
 * hid what came before them). Returns how many lines, -1 if none.
 */
static int tail_lines(const struct cs_node *nd, char *buf, const char **at,
		      size_t *len)
{
	struct stat st;
	off_t from;
	ssize_t got;
	size_t start = 0;
	int fd, n = 0;

	if (!nd->console[0])
		return -1;
	fd = open(nd->console, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		fprintf(stderr, "clustersim: %s: %s\n", nd->console,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	from = st.st_size > TAIL_BYTES ? st.st_size - TAIL_BYTES : 0;
	got = pread(fd, buf, TAIL_BYTES, from);
	close(fd);
	if (got <= 0)
		return -1;
	buf[got] = '\0';
	if (from > 0) {		/* skip a cut first line */
		char *nl = memchr(buf, '\n', (size_t)got);

		start = nl ? (size_t)(nl - buf) + 1 : (size_t)got;
	}
	while (start < (size_t)got) {
		char *nl = memchr(buf + start, '\n', (size_t)got - start);
		size_t end = nl ? (size_t)(nl - buf) : (size_t)got;
		size_t l = end - start;

		while (l && (buf[start + l - 1] == '\r'))
			l--;
		if (l) {
			if (n && progress_line(buf + start, l) &&
			    progress_line(at[n - 1], len[n - 1]))
				n--;	/* the newer one stands for both */
			if (n == MAX_LINES) {
				memmove(at, at + 1, (MAX_LINES - 1) * sizeof(*at));
				memmove(len, len + 1, (MAX_LINES - 1) * sizeof(*len));
				n--;
			}
			at[n] = buf + start;
			len[n++] = l;
		}
		start = end + 1;
	}
	return n;
}

void cs_console_tail(const struct cs_node *nd, int lines)
{
	static char buf[TAIL_BYTES + 1];
	static const char *at[MAX_LINES];
	static size_t len[MAX_LINES];
	int n = tail_lines(nd, buf, at, len);

	if (n < 0)
		return;
	fprintf(stderr, "clustersim: node%d: last lines of %s:\n", nd->num,
		nd->console);
	for (int i = n > lines ? n - lines : 0; i < n; i++)
		put_line(nd->num, at[i], len[i]);
}

void cs_console_last(const struct cs_node *nd, char *out, size_t outlen)
{
	static char buf[TAIL_BYTES + 1];
	static const char *at[MAX_LINES];
	static size_t len[MAX_LINES];
	int n = tail_lines(nd, buf, at, len);
	size_t k = 0;

	if (outlen)
		out[0] = '\0';
	while (n > 0 && progress_line(at[n - 1], len[n - 1]))
		n--;
	if (n <= 0 || !outlen)
		return;
	for (size_t i = 0; i < len[n - 1] && k + 1 < outlen; i++) {
		char ch = at[n - 1][i];

		out[k++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	out[k] = '\0';
}
