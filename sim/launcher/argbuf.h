/* argbuf.h: an argv built word by word in one fixed buffer. */
#ifndef CS_ARGBUF_H
#define CS_ARGBUF_H

#include <stddef.h>

#define CS_NARGS 64

struct cs_argbuf {
	char *argv[CS_NARGS + 1];	/* NULL-terminated */
	int argc;
	char store[12288];
	size_t used;
};

/* Append one formatted word; -1 if it does not fit (nothing appended). */
int cs_arg(struct cs_argbuf *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append the blank-separated words of @s (may be NULL), one each. */
int cs_arg_words(struct cs_argbuf *a, const char *s);

#endif
