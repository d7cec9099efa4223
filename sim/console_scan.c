/* console_scan.c: splat and progress-line detection on console text. */
#include "console_scan.h"

#include <stdio.h>
#include <string.h>

/* Report headers a kernel message starts with. */
static const char *const splat_prefix[] = {
	"BUG:", "[ BUG:", "WARNING:", "Oops", "Kernel panic", "kernel BUG at",
	"general protection fault", "KASAN:", "UBSAN:", "INFO: task ",
	"INFO: rcu_", "rcu: INFO:", "watchdog: BUG:", "Unable to handle kernel",
	"list_add corruption", "list_del corruption", "kernel stack overflow",
	"Modules linked in:", NULL,
};

/* Report titles that may follow another prefix. */
static const char *const splat_infix[] = {
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "suspicious RCU usage",
	"sleeping function called from invalid context",
	"blocked for more than", "possible irq lock inversion",
	"lock held when returning to user space", "bad unlock balance",
	"held lock freed", "Invalid wait context", NULL,
};

/* If p points at "[ digits.digits]" return the text after "] ", else NULL. */
static const char *after_timestamp(const char *p)
{
	int digits = 0, frac = 0;

	if (*p++ != '[')
		return NULL;
	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9') {
		p++;
		digits++;
	}
	if (!digits || *p++ != '.')
		return NULL;
	while (*p >= '0' && *p <= '9') {
		p++;
		frac++;
	}
	if (frac != 6 || *p++ != ']')
		return NULL;
	if (*p == ' ')
		p++;
	return p;
}

static bool is_splat_msg(const char *m)
{
	for (int i = 0; splat_prefix[i]; i++)
		if (strncmp(m, splat_prefix[i], strlen(splat_prefix[i])) == 0)
			return true;
	for (int i = 0; splat_infix[i]; i++)
		if (strstr(m, splat_infix[i]))
			return true;
	return false;
}

const char *cs_splat_match(const char *line)
{
	for (const char *p = strchr(line, '['); p; p = strchr(p + 1, '[')) {
		const char *m = after_timestamp(p);

		if (m && is_splat_msg(m))
			return m;
	}
	return NULL;
}

int cs_progress_parse(const char *line, struct cs_progress *p)
{
	const char *s = strstr(line, "clustersim: node ");
	int used = 0;

	if (!s)
		return -1;
	memset(p, 0, sizeof(*p));
	if (sscanf(s, "clustersim: node %d %23s %lfs%n", &p->node, p->phase,
		   &p->secs, &used) != 3 || used == 0 || p->node < 1)
		return -1;
	s += used;
	if (*s == ' ')
		s++;
	snprintf(p->detail, sizeof(p->detail), "%s", s);
	return 0;
}

void cs_linebuf_feed(struct cs_linebuf *lb, const char *data, size_t n,
		     void (*fn)(const char *line, void *arg), void *arg)
{
	for (size_t i = 0; i < n; i++) {
		char c = data[i];

		if (c == '\n') {
			lb->buf[lb->len] = '\0';
			fn(lb->buf, arg);
			lb->len = 0;
			continue;
		}
		if (c == '\r' || c == '\0')
			continue;
		if (lb->len < sizeof(lb->buf) - 1)
			lb->buf[lb->len++] = c;
	}
}

void cs_linebuf_flush(struct cs_linebuf *lb,
		      void (*fn)(const char *line, void *arg), void *arg)
{
	if (!lb->len)
		return;
	lb->buf[lb->len] = '\0';
	fn(lb->buf, arg);
	lb->len = 0;
}
