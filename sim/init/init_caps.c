/*
 * init_caps.c: after set-up, init gives up CAP_SYS_ADMIN and CAP_SYS_MODULE
 * (bounding, effective, permitted, inheritable, ambient). Every process
 * started later, root or not, can then neither mount (remount the host's /
 * read-write, mount other host paths through hostfs) nor load modules.
 * A scenario with 'allow module' keeps CAP_SYS_MODULE (tests that unload
 * and load the module); CAP_SYS_ADMIN always goes.
 *
 * This keeps honest programs from changing the node by mistake; it is no
 * wall against guest root: the kernel still runs its usermode helpers
 * (the modprobe named in /proc/sys/kernel/modprobe, a core_pattern pipe)
 * with every capability, and root may name them (tests/guest/isolation.c
 * does, and mounts host paths read-write). What guards the host is the
 * host user the node runs as when clustersim is root
 * (sim/launcher/nodeuser.c).
 */
#include "init.h"
#include "jobfile.h"

#include <linux/capability.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

bool ci_job_has_env(const struct ci *ci, const char *kv)
{
	struct cs_job job;
	char err[128];
	bool has = false;

	if (!ci->job_text || cs_job_parse(ci->job_text, &job, err, sizeof(err)))
		return false;
	for (size_t i = 0; i < job.nitems; i++)
		if (job.items[i].kind == CS_JOB_ENV &&
		    strcmp(job.items[i].words[0], kv) == 0)
			has = true;
	cs_job_free(&job);
	return has;
}

bool ci_job_allows_module(const struct ci *ci)
{
	return ci_job_has_env(ci, "CS_ALLOW_MODULE=1");
}

int ci_drop_caps(bool keep_module)
{
	static const int all[] = { CAP_SYS_ADMIN, CAP_SYS_MODULE };
	const size_t ndrop = keep_module ? 1 : 2;
	const int *drop = all;
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2];

	for (size_t i = 0; i < ndrop; i++)
		if (prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0))
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		return -1;
	if (syscall(SYS_capget, &hdr, data))
		return -1;
	for (size_t i = 0; i < ndrop; i++) {
		int w = drop[i] / 32;
		unsigned int bit = 1u << (drop[i] % 32);

		data[w].effective &= ~bit;
		data[w].permitted &= ~bit;
		data[w].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	/* verify: the bounding set really lost them */
	for (size_t i = 0; i < ndrop; i++)
		if (prctl(PR_CAPBSET_READ, drop[i], 0, 0, 0) != 0)
			return -1;
	return 0;
}
