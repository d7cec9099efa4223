/*
 * init_caps.c: after set-up, init gives up CAP_SYS_ADMIN and CAP_SYS_MODULE
 * (bounding, effective, permitted, inheritable, ambient). Every process
 * started later, root or not, can then neither mount (remount the host's /
 * read-write, mount other host paths through hostfs) nor load modules.
 */
#include "init.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int ci_drop_caps(void)
{
	static const int drop[] = { CAP_SYS_ADMIN, CAP_SYS_MODULE };
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2];

	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0))
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		return -1;
	if (syscall(SYS_capget, &hdr, data))
		return -1;
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		int w = drop[i] / 32;
		unsigned int bit = 1u << (drop[i] % 32);

		data[w].effective &= ~bit;
		data[w].permitted &= ~bit;
		data[w].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	/* verify: the bounding set really lost them */
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (prctl(PR_CAPBSET_READ, drop[i], 0, 0, 0) != 0)
			return -1;
	return 0;
}
