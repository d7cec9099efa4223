/*
 * demo_steps.h: the demo's script (tests/scenarios/demo.steps): what is
 * said, what is typed on which node, and what it must print. Format:
 *
 *   # comment                 not shown
 *   say TEXT                  shown as "# TEXT"
 *   nodeN$ COMMAND            typed into node N's shell, shown as is
 *   > REGEX                   the next line it prints matches REGEX
 *   = VAR REGEX               same, and VAR is set to group 1 (or all)
 *   ? STATUS                  its $? (default 0)
 *
 * REGEX is a POSIX extended regular expression matched against the whole
 * line. {VAR} in a command or a REGEX is replaced by VAR's value. A
 * command must print exactly as many lines as it has '>'/'=' lines.
 */
#ifndef DEMO_STEPS_H
#define DEMO_STEPS_H

#include <stddef.h>

struct demo_expect {
	char *var;		/* NULL: nothing captured */
	char *regex;
};

struct demo_step {
	int line;		/* in the file */
	int node;		/* 0: a 'say' */
	char *text;		/* the words said, or the command */
	struct demo_expect *exp;
	size_t nexp;
	int status;		/* expected $? */
};

struct demo_script {
	struct demo_step *steps;
	size_t n;
	int max_node;		/* highest node a command runs on */
};

/* 0, or -1 with "LINE: why" in err. */
int demo_script_parse(const char *text, struct demo_script *s, char *err,
		      size_t errlen);
void demo_script_free(struct demo_script *s);

#endif
