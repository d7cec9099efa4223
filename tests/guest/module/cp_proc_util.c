/* Helpers for the process-model tests: see cp_proc_util.h */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void cpp_prog_path(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	ck_assert_int_lt(snprintf(buf, len, "%s/%s", exe, name), (int)len);
}

pid_t cpp_spawn(int node, int own_pgrp, const char *const *args)
{
	char path[PATH_MAX];
	char *argv[16];
	int i;
	pid_t pid;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	argv[0] = path;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (own_pgrp && setpgid(0, 0))
			_exit(125);
		cp_rexecvp(node, path, argv);
		fprintf(stderr, "cpp_spawn: %s %s on node %d: %s\n", path,
			args[0], node, strerror(errno));
		_exit(126);
	}
	/* both sides, so that the group exists when either looks */
	if (own_pgrp && setpgid(pid, pid) && errno != EACCES && errno != ESRCH)
		ck_abort_msg("setpgid(%d): %s", pid, strerror(errno));
	return pid;
}

int cpp_wait_where(pid_t pid, int node, int ms)
{
	for (int t = 0; t <= ms; t += 5) {
		if (cp_where(pid) == node)
			return 0;
		cp_sleep_ms(5);
	}
	return -1;
}

long long cpp_stat(int node, const char *name)
{
	long long v = -1;
	int rc;

	if (node == cp_self_node())
		return cp_stat(name);
	rc = cp_peer_stat(node, name, &v);
	ck_assert_msg(rc == 0, "node %d stat %s: %s", node, name,
		      strerror(-rc));
	return v;
}

int cpp_set_delay(const char *point, unsigned int us)
{
	char path[256], val[16];

	snprintf(path, sizeof(path), CP_DEBUGFS "/delay_us/%s", point);
	snprintf(val, sizeof(val), "%u", us);
	return cp_write_file(path, val);
}
