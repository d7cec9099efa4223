/* init_run.c: run this node's part of the job, results to /run/results. */
#include "init.h"
#include "jobfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	m = open_memstream(&text, &len);
	if (!m) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(f);
	if (fclose(m)) {
		free(text);
		return NULL;
	}
	return text;
}

static int open_out(const char *name, const char *ext)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.%s", CI_RESULTS, name, ext);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* In the child: stdio, session, env; then exec. */
static void child_exec(char *const argv[], int in, int out, int err,
		       const char *tap)
{
	sigset_t none;

	setsid();
	if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0) ||
	    (err >= 0 && dup2(err, 2) < 0))
		_exit(126);
	if (tap)
		setenv("CK_TAP_LOG_FILE_NAME", tap, 1);
	if (chdir("/tmp"))
		_exit(126);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	dprintf(2, "cluster-init: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int remaining_ms(const struct ci *ci)
{
	double left = ci->timeout - ci_uptime();

	return left < 1 ? 1000 : (int)(left * 1000);
}

/* Run argv with the given fds; returns an exit code (128+sig if killed). */
static int run_one(const struct ci *ci, char *const argv[], int in, int out,
		   int err, const char *tap)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return 126;
	if (pid == 0)
		child_exec(argv, in, out, err, tap);
	if (ci_wait_child(pid, remaining_ms(ci), &st)) {
		ci_say(ci, "timeout", "%s still running at the deadline: killed",
		       argv[0]);
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		if (ci_wait_child(pid, 5000, &st))
			return 124;
	}
	kill(-pid, SIGKILL);	/* leftovers of the command's session */
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static void run_item(const struct ci *ci, const struct cs_job_item *it)
{
	char tap[512];
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out, rc;

	snprintf(tap, sizeof(tap), "%s/%s.tap", CI_RESULTS, it->words[0]);
	out = open_out(it->words[0], "log");
	if (out < 0) {
		ci_say(ci, "error", "%s/%s.log: %s", CI_RESULTS, it->words[0],
		       strerror(errno));
		if (in >= 0)
			close(in);
		return;
	}
	ci_say(ci, "running", "%s", it->words[0]);
	rc = run_one(ci, it->words + 1, in, out, out, tap);
	ci_say(ci, "ran", "%s exit %d", it->words[0], rc);
	close(out);
	if (in >= 0)
		close(in);
}

/* exec and shell: the command's exit status for the launcher */
static void write_status(const struct ci *ci, int rc)
{
	FILE *f = fopen(CI_RESULTS "/exec.status", "w");

	if (!f || fprintf(f, "%d\n", rc) < 0 || fclose(f))
		ci_say(ci, "error", "writing exec.status failed");
}

static void exec_item(const struct ci *ci, const struct cs_job_item *it)
{
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open_out("exec", "out"), err = open_out("exec", "err");
	int rc;

	if (out < 0 || err < 0) {
		ci_say(ci, "error", "exec output files: %s", strerror(errno));
		rc = 126;
	} else {
		ci_say(ci, "running", "exec %s", it->words[0]);
		rc = run_one(ci, it->words, in, out, err, NULL);
		ci_say(ci, "ran", "exec exit %d", rc);
	}
	write_status(ci, rc);
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	if (in >= 0)
		close(in);
}

static void shell_item(const struct ci *ci)
{
	static char *const bash[] = { "/bin/bash", "--norc", "-i", NULL };
	static char *const sh[] = { "/bin/sh", "-i", NULL };
	char ps1[64];
	int st;
	pid_t pid;

	snprintf(ps1, sizeof(ps1), "node%d:\\w# ", ci->node);
	setenv("PS1", ps1, 1);
	setenv("TERM", "linux", 0);
	ci_say(ci, "running", "shell");
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		sigset_t none;
		int fd;

		/* the terminal: UML's tty0, or what the launcher says
		 * (CS_TTY=hvc0: a QEMU node's virtio console) */
		char tty[64];

		snprintf(tty, sizeof(tty), "/dev/%s",
			 getenv("CS_TTY") ? getenv("CS_TTY") : "tty0");
		setsid();
		fd = open(tty, O_RDWR);
		if (fd < 0)
			fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			ioctl(fd, TIOCSCTTY, 1);
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		if (chdir("/tmp"))
			_exit(126);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(access(bash[0], X_OK) == 0 ? bash[0] : sh[0],
		      access(bash[0], X_OK) == 0 ? bash : sh);
		_exit(127);
	}
	if (ci_wait_child(pid, remaining_ms(ci), &st) == 0)
		write_status(ci, WIFSIGNALED(st) ? 128 + WTERMSIG(st) :
				 WEXITSTATUS(st));
	kill(-pid, SIGKILL);
}

/*
 * The job file is a host path; host paths under /tmp and /run disappear
 * behind the guest's tmpfs mounts, so it is read before those exist.
 */
int ci_read_job(struct ci *ci)
{
	ci->job_text = read_all(ci->job);
	if (!ci->job_text) {
		ci_say(ci, "error", "job file %s: %s", ci->job, strerror(errno));
		return -1;
	}
	return 0;
}

int ci_run_job(const struct ci *ci)
{
	struct cs_job job;
	char err[128];

	if (cs_job_parse(ci->job_text, &job, err, sizeof(err))) {
		ci_say(ci, "error", "job file %s: %s", ci->job, err);
		return -1;
	}
	if (ci_set_path(ci))
		ci_say(ci, "warning", "PATH without the launcher's bin dir: %s",
		       strerror(errno));
	setenv("HOME", "/tmp", 1);
	setenv("CS_RESULTS_DIR", CI_RESULTS, 1);
	if (ci->module && *ci->module)
		setenv("CS_MODULE", ci->module, 1);
	for (size_t i = 0; i < job.nitems; i++) {
		const struct cs_job_item *it = &job.items[i];

		switch (it->kind) {
		case CS_JOB_ENV:
			putenv(strdup(it->words[0]));
			break;
		case CS_JOB_RUN:
			run_item(ci, it);
			break;
		case CS_JOB_EXEC:
			exec_item(ci, it);
			break;
		case CS_JOB_SHELL:
			shell_item(ci);
			break;
		}
	}
	cs_job_free(&job);
	sync();
	return 0;
}
