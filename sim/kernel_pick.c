/* kernel_pick.c: the kernel flavor booted when no --kernel is given. */
#include "kernel_pick.h"

#include <stdio.h>
#include <string.h>

const char *const cs_kernel_flavors[] = { "default", "debug", NULL };
const char *const cs_qemu_flavors[] = { "qemu", "qemu-debug", NULL };

const char *cs_flavor_pick(const char *const *flavors, cs_kernel_built_fn built,
			   void *arg)
{
	for (size_t i = 0; flavors[i]; i++)
		if (built(flavors[i], arg))
			return flavors[i];
	return NULL;
}

const char *cs_kernel_pick(cs_kernel_built_fn built, void *arg)
{
	return cs_flavor_pick(cs_kernel_flavors, built, arg);
}

int cs_flavor_path(const char *flavor, const char *what, char *out,
		   size_t len)
{
	int n;

	if (strcmp(what, "kernel") == 0 && strncmp(flavor, "qemu", 4) == 0)
		n = snprintf(out, len, "../qemu/%s/vmlinux", flavor);
	else if (strcmp(what, "kernel") == 0)
		n = snprintf(out, len, "../uml/%s/linux", flavor);
	else if (strcmp(what, "module") == 0)
		n = snprintf(out, len, "../module/%s/clusterproc.ko", flavor);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
