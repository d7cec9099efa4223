/* junit_run.h: runs/<id>/junit.xml for a finished run (junit_run.c). */
#ifndef CS_JUNIT_RUN_H
#define CS_JUNIT_RUN_H

#include "cluster.h"

/*
 * Write c->run_dir/junit.xml. sc: the scenario of a run, else NULL;
 * exec_status: the command's status for exec (-1: none). 0, or -1 with
 * a message on stderr.
 */
int cs_junit_write_run(const struct cs_cluster *c,
		       const struct cs_scenario *sc, int exec_status);

#endif
