/* argbuf.c: an argv built word by word in one fixed buffer. */
#include "argbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cs_arg(struct cs_argbuf *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->argc >= CS_NARGS)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(a->store + a->used, sizeof(a->store) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->store) - a->used)
		return -1;
	a->argv[a->argc++] = a->store + a->used;
	a->argv[a->argc] = NULL;
	a->used += n + 1;
	return 0;
}

int cs_arg_words(struct cs_argbuf *a, const char *s)
{
	int rc = 0;

	while (s && *s) {
		size_t n;

		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		if (n)
			rc |= cs_arg(a, "%.*s", (int)n, s);
		s += n;
	}
	return rc;
}
