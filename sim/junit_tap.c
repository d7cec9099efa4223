/* junit_tap.c: one JUnit test case per TAP test line (see junit.h). */
#include "junit.h"
#include "tap_merge.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The directive after '#' ("SKIP why"), or NULL. */
static const char *directive(const char *desc, const char *d)
{
	const char *h = strchr(desc, '#');
	size_t dl = strlen(d);

	if (!h)
		return NULL;
	h++;
	while (*h == ' ')
		h++;
	if (strncasecmp(h, d, dl) != 0)
		return NULL;
	h += dl;
	while (*h == ' ')
		h++;
	return h;
}

/*
 * Check's description "FILE:TCASE:TEST: MESSAGE" into its parts (in
 * place); false if it is not one.
 */
static bool check_parts(char *desc, char **tcase, char **test, char **msg)
{
	char *c1 = strchr(desc, ':'), *c2, *c3;

	if (!c1)
		return false;
	c2 = strchr(c1 + 1, ':');
	if (!c2)
		return false;
	c3 = strchr(c2 + 1, ':');
	if (!c3 || c3 == c2 + 1 || c2 == c1 + 1)
		return false;
	*c1 = *c2 = *c3 = '\0';
	*tcase = c1 + 1;
	*test = c2 + 1;
	*msg = c3 + 1 + (c3[1] == ' ');
	return true;
}

static int add_line(struct cs_junit_suite *s, const char *classname,
		    const char *line, bool ok, int num)
{
	const char *p = line + (ok ? 2 : 6), *skip, *todo;
	char *desc, *tcase, *test, *msg, cls[256], numname[32];
	enum cs_junit_kind kind;
	int rc;

	while (*p == ' ' || (*p >= '0' && *p <= '9'))
		p++;
	if (*p == '-')
		p++;
	while (*p == ' ')
		p++;
	desc = strdup(p);
	if (!desc)
		return -1;
	skip = directive(desc, "SKIP");
	todo = directive(desc, "TODO");
	kind = ok ? (skip ? CS_JUNIT_SKIP : CS_JUNIT_PASS) :
		    (todo ? CS_JUNIT_PASS : CS_JUNIT_FAIL);
	if (skip || todo) {	/* the name without the directive */
		char *h = strchr(desc, '#');

		*h = '\0';
		while (h > desc && h[-1] == ' ')
			*--h = '\0';
	}
	if (check_parts(desc, &tcase, &test, &msg)) {
		snprintf(cls, sizeof(cls), "%s.%s", classname, tcase);
	} else {
		snprintf(cls, sizeof(cls), "%s", classname);
		snprintf(numname, sizeof(numname), "test %d", num);
		test = *desc ? desc : numname;
		msg = desc;
	}
	rc = cs_junit_case_add(s, kind, cls, test,
			       kind == CS_JUNIT_SKIP ? (skip && *skip ? skip : "skipped") :
			       kind == CS_JUNIT_FAIL ? msg : NULL,
			       kind == CS_JUNIT_FAIL ? line : NULL);
	free(desc);
	return rc;
}

int cs_junit_add_tap(struct cs_junit_suite *s, const char *classname,
		     const char *text)
{
	struct cs_tap t;
	const char *p = text;
	char why[96];
	int num = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line = strndup(p, len);
		bool ok = len >= 2 && strncmp(p, "ok", 2) == 0 &&
			  (len == 2 || p[2] == ' ');
		bool nok = len >= 6 && strncmp(p, "not ok", 6) == 0 &&
			   (len == 6 || p[6] == ' ');

		if (!line)
			return -1;
		if (line[0] && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if ((ok || nok) && add_line(s, classname, line, ok, ++num)) {
			free(line);
			return -1;
		}
		free(line);
		p += len + (eol ? 1 : 0);
	}
	cs_tap_parse(text, &t);
	if (cs_tap_complete(&t))
		return 0;
	if (t.bailed)
		snprintf(why, sizeof(why), "bailed out");
	else if (t.planned < 0)
		snprintf(why, sizeof(why), "no plan (the program did not finish)");
	else
		snprintf(why, sizeof(why), "plan of %d tests, %d ran",
			 t.planned, t.passed + t.failed);
	return cs_junit_case_add(s, CS_JUNIT_ERROR, classname, "TAP stream",
				 why, NULL);
}
