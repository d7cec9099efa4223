/* init_env.c: the node's name and the PATH its commands see. */
#include "init.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CI_STD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int ci_set_hostname(const struct ci *ci)
{
	char name[16];
	int n = snprintf(name, sizeof(name), "node%d", ci->node);

	return sethostname(name, (size_t)n);
}

/*
 * cluster-init lives in $(BUILD)/bin next to the module's tools (onnode,
 * where, cps); the guest sees that directory at the same path through the
 * read-only host root, so it goes first on PATH.
 */
int ci_set_path(const struct ci *ci)
{
	char dir[PATH_MAX], path[PATH_MAX + sizeof(CI_STD_PATH) + 1];
	const char *slash;

	setenv("PATH", CI_STD_PATH, 1);
	if (!ci->self || ci->self[0] != '/') {
		errno = ENOENT;
		return -1;
	}
	slash = strrchr(ci->self, '/');
	if ((size_t)(slash - ci->self) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, ci->self, (size_t)(slash - ci->self));
	dir[slash - ci->self] = '\0';
	if (!dir[0])
		snprintf(dir, sizeof(dir), "/");
	snprintf(path, sizeof(path), "%s:%s", dir, CI_STD_PATH);
	return setenv("PATH", path, 1);
}
