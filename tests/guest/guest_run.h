/* guest_run.h: how the guest Check programs run their suite. */
#ifndef GUEST_RUN_H
#define GUEST_RUN_H

#include <check.h>
#include <stdlib.h>

/*
 * Run every test of s (CK_NORMAL output), free it: the exit status.
 * cheap_fork 0: no fork per test, as a fork costs a UML node ~0.2 s
 * (CK_FORK=yes in the environment still forks); 1: Check's default.
 */
static inline int guest_run(Suite *s, int cheap_fork)
{
	SRunner *sr = srunner_create(s);
	int failed;

	if (!cheap_fork && !getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
