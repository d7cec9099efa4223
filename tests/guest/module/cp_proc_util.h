/* Helpers for the process-model tests (remote exec, wait, races). */
#ifndef CP_PROC_UTIL_H
#define CP_PROC_UTIL_H

#include <sys/types.h>

#define CP_PID_NODE(pid) ((unsigned int)(pid) >> 16)

/* Absolute path of a guest test program next to this one. */
void cpp_prog_path(const char *name, char *buf, size_t len);
/*
 * Fork a child that runs cp_rchild ARGS... on node (cp_rexecvp); with
 * own_pgrp the child first makes its own process group. Returns its pid
 * (the test fails on fork error). The child exits 126 if the exec failed.
 */
pid_t cpp_spawn(int node, int own_pgrp, const char *const *args);
/* Wait (up to ms) until cp_where(pid) == node: 0, or -1. */
int cpp_wait_where(pid_t pid, int node, int ms);
/* Counter of node (this node directly, others through peer_stats). */
long long cpp_stat(int node, const char *name);
/* Set debugfs delay_us/<point> (0: off). 0 or -errno. */
int cpp_set_delay(const char *point, unsigned int us);

#endif
