/* init_module.c: load clusterproc.ko with finit_module(2). */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int ci_load_module(const struct ci *ci)
{
	int fd, rc;

	if (!ci->module || !*ci->module)
		return 0;
	fd = open(ci->module, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ci_say(ci, "error", "open %s: %s", ci->module, strerror(errno));
		return -1;
	}
	rc = (int)syscall(SYS_finit_module, fd, "", 0);
	if (rc) {
		ci_say(ci, "error", "finit_module %s: %s", ci->module,
		       strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	ci_say(ci, "module", "%s", ci->module);
	return 0;
}
