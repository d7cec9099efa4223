/*
 * demo_match.h: what a demo step printed against what the script says it
 * prints, and the values it captures ({VAR}).
 */
#ifndef DEMO_MATCH_H
#define DEMO_MATCH_H

#include "demo_steps.h"

#include <stddef.h>

#define DEMO_MAX_VARS 16

struct demo_vars {
	int n;
	char name[DEMO_MAX_VARS][32];
	char value[DEMO_MAX_VARS][128];
};

/*
 * in with every {VAR} (VAR starting with an upper-case letter) replaced
 * by its value: a malloc'd string, or NULL with the reason in why (an
 * unknown VAR, no memory).
 */
char *demo_subst(const struct demo_vars *v, const char *in, char *why,
		 size_t whylen);

/*
 * Does output (and the status) match the step? 0, with the captured
 * values stored in v; -1 with what differs in why.
 */
int demo_check(const struct demo_step *st, struct demo_vars *v,
	       const char *output, int status, char *why, size_t whylen);

#endif
