/* init_net.c: lo and eth0 up, then TIPC on eth0. */
#include "init.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int link_up(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

int ci_net_up(const struct ci *ci)
{

	if (link_up("lo"))
		ci_say(ci, "warning", "lo up: %s", strerror(errno));
	if (link_up("eth0")) {
		ci_say(ci, "error", "eth0 up: %s", strerror(errno));
		return -1;
	}
	return ci_tipc_setup(ci, ci->tipc_join_tolerance);
}
