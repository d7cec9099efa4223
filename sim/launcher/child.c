/* child.c: common set-up in a forked child before exec. */
#include <signal.h>
#include <stddef.h>

#include "cluster.h"

void cs_child_reset_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE,
				    SIGTTOU, SIGTTIN, SIGQUIT };
	sigset_t none;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
