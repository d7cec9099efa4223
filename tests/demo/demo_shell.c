/* demo_shell.c: a long-lived sh driven through pipes (demo_shell.h). */
#include "demo_shell.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int demo_shell_start(struct demo_shell *sh, const char *path_first)
{
	int in[2], out[2];

	memset(sh, 0, sizeof(*sh));
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	sh->pid = fork();
	if (sh->pid < 0)
		return -1;
	if (sh->pid == 0) {
		const char *path = getenv("PATH");
		char *np;

		/* the demo ignores SIGPIPE; what the shell runs must not */
		signal(SIGPIPE, SIG_DFL);
		if (path_first &&
		    asprintf(&np, "%s:%s", path_first, path ? path : "/bin") > 0)
			setenv("PATH", np, 1);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(out[1], 2) < 0)
			_exit(126);
		execl("/bin/sh", "sh", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	sh->in = in[1];
	sh->out = out[0];
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

int demo_shell_run(struct demo_shell *sh, const char *cmd, int timeout_ms,
		   char **out, int *status)
{
	char marker[64], *text = NULL, *end;
	size_t len = 0, cap = 0;
	long deadline = now_ms() + timeout_ms;
	char *script;
	int n;

	*out = NULL;
	/* the marker is printed after a newline of its own, so that it
	 * starts a line even after output without one; that newline is
	 * not the command's */
	snprintf(marker, sizeof(marker), "\n@@demo-done-%u-%d ", ++sh->seq,
		 (int)sh->pid);
	n = asprintf(&script, "%s\nprintf '\\n@@demo-done-%u-%d %%d\\n' $?\n",
		     cmd, sh->seq, (int)sh->pid);
	if (n < 0)
		return -1;
	if (write_all(sh->in, script, (size_t)n)) {
		free(script);
		return -1;
	}
	free(script);
	for (;;) {
		struct pollfd p = { .fd = sh->out, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t r;

		if (cap - len < 4096) {
			char *t = realloc(text, cap + 65536);

			if (!t)
				goto fail;
			text = t;
			cap += 65536;
		}
		text[len] = '\0';
		end = strstr(text, marker);
		if (end && strchr(end + strlen(marker), '\n')) {
			*status = atoi(end + strlen(marker));
			*end = '\0';
			*out = text;
			return 0;
		}
		if (left <= 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno != EINTR)
			goto fail;
		if (n <= 0)
			continue;
		r = read(sh->out, text + len, cap - len - 1);
		if (r < 0 && errno != EINTR)
			goto fail;
		if (r == 0) {
			errno = EPIPE;	/* the shell is gone */
			goto fail;
		}
		if (r > 0)
			len += (size_t)r;
	}
fail:
	if (text)
		text[len] = '\0';
	*out = text;
	return -1;
}

void demo_shell_stop(struct demo_shell *sh)
{
	int st;

	if (sh->pid <= 0)
		return;
	if (write_all(sh->in, "exit\n", 5) == 0)
		for (int i = 0; i < 20; i++) {
			if (waitpid(sh->pid, &st, WNOHANG) == sh->pid) {
				sh->pid = 0;
				break;
			}
			usleep(100000);
		}
	if (sh->pid > 0) {
		kill(sh->pid, SIGKILL);
		waitpid(sh->pid, &st, 0);
		sh->pid = 0;
	}
	close(sh->in);
	close(sh->out);
}
