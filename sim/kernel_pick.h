/*
 * kernel_pick.h: which built kernel (and module) clustersim boots when no
 * --kernel is given. Pure logic; the caller says what is built.
 */
#ifndef CS_KERNEL_PICK_H
#define CS_KERNEL_PICK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Flavors tried, in this order, NULL-terminated: the cluster kernel
 * ("default", what `make run` builds), then the other flavor with the
 * clusterproc hooks ("debug", what `make check` builds). "cpn" and
 * "vanilla" have no clusterproc and are never picked.
 */
extern const char *const cs_kernel_flavors[];

/* Is <bindir>/../uml/FLAVOR/linux there and executable? */
typedef bool (*cs_kernel_built_fn)(const char *flavor, void *arg);

/* The first flavor @built says yes to, or NULL if none is built. */
const char *cs_kernel_pick(cs_kernel_built_fn built, void *arg);

/*
 * Path of a flavor's file relative to the launcher's directory:
 * "../uml/FLAVOR/linux" (what "kernel") or "../module/FLAVOR/clusterproc.ko"
 * (what "module"). 0, or -1 if it does not fit in @len.
 */
int cs_flavor_path(const char *flavor, const char *what, char *out,
		   size_t len);

#endif
