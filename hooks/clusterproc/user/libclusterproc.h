/*
 * libclusterproc: user-space access to the clusterproc module's process
 * model (/proc/clusterproc).
 *
 * A process started on another node with cp_rexecve() keeps its pid, its
 * parent (on the calling node) waits for it with wait(2)/waitpid(2)/
 * waitid(2) as for any child, and kill(2) from any node reaches it.
 * Its fds 0-2 that are a terminal, a pipe or a socket keep working
 * where they pointed (relayed by the module); other ones are /dev/null
 * (stdin) and the console of the node it runs on (stdout/stderr); see
 * hooks/clusterproc/README.md, "stdio of a remote process".
 */
#ifndef LIBCLUSTERPROC_H
#define LIBCLUSTERPROC_H

#include <sys/types.h>

#define CP_PROC_DIR "/proc/clusterproc"

/* This node's number (1..64), or -1 with errno set. */
int cp_self_node(void);

/*
 * The node thread group @pid runs on, or -1 with errno set (ESRCH: no
 * node has it).
 */
int cp_where(pid_t pid);

/*
 * Ask that the calling process's next execve(2) run on @node (0: here).
 * Returns 0 or -1 with errno set (EHOSTUNREACH: node not up; EBUSY: this
 * process runs here for a parent on another node and cannot move again).
 */
int cp_set_exec_node(int node);

/*
 * execve(2) on node @node: on success does not return (the process now
 * runs there, same pid). On failure returns -1 with errno set and the
 * exec target is cleared.
 */
int cp_rexecve(int node, const char *path, char *const argv[],
	       char *const envp[]);

/*
 * As cp_rexecve(), with @file looked up in PATH here (every node sees the
 * same file system) when it has no '/'.
 */
int cp_rexecvp(int node, const char *file, char *const argv[]);

#endif
