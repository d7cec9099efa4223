/* node_uml.c: the command line of a UML node (the kernel binary itself). */
#include "argbuf.h"
#include "cluster.h"

#define CS_UML_LPJ 5000000

int cs_uml_argv(const struct cs_cluster *c, const struct cs_node *nd,
		struct cs_argbuf *a)
{
	bool shell = c->shell_node == nd->num;
	int rc = 0;

	rc |= cs_arg(a, "%s", c->img[CS_BACKEND_UML].kernel);
	rc |= cs_arg(a, "umid=cs%s-n%d", c->id, nd->num);
	rc |= cs_arg(a, "uml_dir=%s", c->uml_dir);
	rc |= cs_arg(a, "mem=%uM", c->mem_mb);
	/* a known port of its switch, described "nodeN" (port/print) */
	rc |= cs_arg(a, "eth0=vde,%s,02:43:53:00:00:%02x,%d,,,node%d",
		     c->node_wire[nd->num - 1], nd->num,
		     c->node_port[nd->num - 1], nd->num);
	rc |= cs_arg(a, "root=/dev/root");
	rc |= cs_arg(a, "rootfstype=hostfs");
	rc |= cs_arg(a, "rootflags=/");
	rc |= cs_arg(a, "ro");
	rc |= cs_arg(a, "%s", shell ? "con0=fd:0,fd:1" : "con0=null,fd:1");
	rc |= cs_arg(a, "con=null");
	rc |= cs_arg(a, "ssl=null");
	if (shell) {
		/*
		 * con0 is the terminal; the kernel log also goes through
		 * the serial-line console to a pipe (fd 3; UML's epoll
		 * cannot take a regular file) that the launcher copies
		 * into the console file, so splats are seen. The last
		 * console= is /dev/console: the terminal.
		 */
		rc |= cs_arg(a, "ssl0=null,fd:3");
		rc |= cs_arg(a, "console=ttyS0");
		rc |= cs_arg(a, "console=tty0");
	}
	/* skip the ~0.1 s delay-loop calibration (UML only uses it for
	 * udelay busy-waits) */
	rc |= cs_arg(a, "lpj=%d", CS_UML_LPJ);
	return rc;
}
