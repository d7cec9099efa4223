/* kernel_pick.c: the kernel flavor booted when no --kernel is given. */
#include "kernel_pick.h"

#include <stdio.h>
#include <string.h>

const char *const cs_kernel_flavors[] = { "default", "debug", NULL };

const char *cs_kernel_pick(cs_kernel_built_fn built, void *arg)
{
	for (size_t i = 0; cs_kernel_flavors[i]; i++)
		if (built(cs_kernel_flavors[i], arg))
			return cs_kernel_flavors[i];
	return NULL;
}

int cs_flavor_path(const char *flavor, const char *what, char *out,
		   size_t len)
{
	int n;

	if (strcmp(what, "kernel") == 0)
		n = snprintf(out, len, "../uml/%s/linux", flavor);
	else if (strcmp(what, "module") == 0)
		n = snprintf(out, len, "../module/%s/clusterproc.ko", flavor);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
