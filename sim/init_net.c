/* init_net.c: lo and eth0 up, TIPC address and bearer on eth0. */
#include "init.h"

#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

int ci_run_tool(const char *const argv[], int timeout_ms)
{
	sigset_t none;
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(argv[0], (char *const *)argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (ci_wait_child(pid, timeout_ms, &st)) {
		kill(pid, SIGKILL);
		ci_wait_child(pid, 1000, &st);
		return -1;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static const char *tipc_tool(void)
{
	static const char *const cand[] = { "/usr/sbin/tipc", "/sbin/tipc",
					    "/usr/bin/tipc", "/bin/tipc" };

	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (access(cand[i], X_OK) == 0)
			return cand[i];
	return NULL;
}

int ci_net_up(const struct ci *ci)
{
	const char *tipc = tipc_tool();
	char addr[32];
	const char *tol = getenv("CS_TIPC_TOLERANCE");

	if (link_up("lo"))
		ci_say(ci, "warning", "lo up: %s", strerror(errno));
	if (link_up("eth0")) {
		ci_say(ci, "error", "eth0 up: %s", strerror(errno));
		return -1;
	}
	if (!tipc) {
		ci_say(ci, "error", "no tipc tool (iproute2) on the host");
		return -1;
	}
	/* a fixed address skips TIPC's 1 s address trial period */
	snprintf(addr, sizeof(addr), "1.1.%d", ci->node);
	{
		const char *const a[] = { tipc, "node", "set", "address", addr,
					  NULL };

		if (ci_run_tool(a, 10000)) {
			ci_say(ci, "error", "tipc node set address %s failed", addr);
			return -1;
		}
	}
	if (tol && *tol) {
		const char *const a[] = { tipc, "media", "set", "tolerance",
					  tol, "media", "eth", NULL };

		if (ci_run_tool(a, 10000))
			ci_say(ci, "warning", "tipc media set tolerance %s failed",
			       tol);
	}
	{
		const char *const a[] = { tipc, "bearer", "enable", "media",
					  "eth", "device", "eth0", NULL };

		if (ci_run_tool(a, 10000)) {
			ci_say(ci, "error", "tipc bearer enable on eth0 failed");
			return -1;
		}
	}
	return 0;
}
