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
/* The same for QEMU nodes: "qemu" (make bench), then "qemu-debug" (make
 * check), kernels ../qemu/FLAVOR/vmlinux. */
extern const char *const cs_qemu_flavors[];

/* Is <bindir>/../uml/FLAVOR/linux there and executable? */
typedef bool (*cs_kernel_built_fn)(const char *flavor, void *arg);

/* The first flavor @built says yes to, or NULL if none is built. */
const char *cs_kernel_pick(cs_kernel_built_fn built, void *arg);
const char *cs_flavor_pick(const char *const *flavors, cs_kernel_built_fn built,
			   void *arg);

/*
 * Path of a flavor's file relative to the launcher's directory:
 * "../uml/FLAVOR/linux" (what "kernel"; "../qemu/FLAVOR/vmlinux" for a
 * flavor named qemu*) or "../module/FLAVOR/clusterproc.ko"
 * (what "module"). 0, or -1 if it does not fit in @len.
 */
int cs_flavor_path(const char *flavor, const char *what, char *out,
		   size_t len);

#endif
