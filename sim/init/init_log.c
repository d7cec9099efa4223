/* init_log.c: progress lines and the way out (power off). */
#include "init.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

double ci_uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void vsay(const struct ci *ci, const char *phase, const char *fmt,
		 va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* one write per line so it is not torn by other console output */
	dprintf(1, "clustersim: node %d %s %.2fs%s%s\n", ci->node, phase,
		ci_uptime(), msg[0] ? " " : "", msg);
}

void ci_say(const struct ci *ci, const char *phase, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(ci, phase, fmt, ap);
	va_end(ap);
}

noreturn void ci_poweroff(void)
{
	sync();
	/*
	 * A QEMU node has no ACPI to power off with: a reset ends it
	 * (QEMU runs with -no-reboot). A UML node powers off.
	 */
	reboot(ci_is_qemu() ? RB_AUTOBOOT : RB_POWER_OFF);
	/* still here: nothing else to do but stop */
	for (;;)
		pause();
}

noreturn void ci_fatal(const struct ci *ci, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(ci, "fatal", fmt, ap);
	va_end(ap);
	ci_poweroff();
}
