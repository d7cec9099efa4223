/* init_module.c: load clusterproc.ko with finit_module(2). */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int ci_open_module(struct ci *ci)
{
	ci->module_fd = -1;
	if (!ci->module || !*ci->module)
		return 0;
	ci->module_fd = open(ci->module, O_RDONLY | O_CLOEXEC);
	if (ci->module_fd < 0) {
		ci_say(ci, "error", "open %s: %s", ci->module, strerror(errno));
		return -1;
	}
	return 0;
}

int ci_load_module(const struct ci *ci)
{
	if (ci->module_fd < 0)
		return 0;
	char params[96] = "";

	if (ci->key[0])
		snprintf(params, sizeof(params), "cluster_key=%s", ci->key);
	if (syscall(SYS_finit_module, ci->module_fd, params, 0)) {
		ci_say(ci, "error", "finit_module %s: %s", ci->module,
		       strerror(errno));
		close(ci->module_fd);
		return -1;
	}
	close(ci->module_fd);
	ci_say(ci, "module", "%s", ci->module);
	return 0;
}
