/*
 * A terminal's job control signals reach a job spread over nodes (A1,
 * patch 0020's kill_pgrp op): a session on node 1 with a pty as its
 * controlling terminal puts a job in the foreground whose process runs
 * on node 2; the terminal's ^C, ^Z and quit characters signal the
 * foreground group with kill_pgrp(), which must reach the member on
 * node 2, with si_code SI_KERNEL, as on one machine. Before that op the
 * stand-in here (a zombie) dropped the signal and the job ran on.
 * Run on node 1 of a 3-node cluster (module-tty.scn).
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* exit codes of the session leader: what went wrong, for the message */
enum { S_OK, S_PTY, S_CTTY, S_SPAWN, S_MOVE, S_FG, S_WRITE, S_WAIT,
	   S_STATUS, S_CONT, S_KILL };

static const char *const s_what[] = {
	"ok", "posix_openpt/grantpt/unlockpt/open slave",
	"the slave is not our controlling terminal",
	"spawn of the job on node 2", "the job did not reach node 2",
	"tcsetpgrp(job)", "write to the master", "waitpid(job)",
	"the job's status (see the log)", "SIGCONT of the stopped job",
	"kill of the job",
};

/* A new session whose controlling terminal is a pty: the master's fd. */
static int session_with_pty(int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || grantpt(m) || unlockpt(m) || setsid() < 0)
		return -1;
	/* a session leader's first terminal opened becomes its own */
	*slave = open(ptsname(m), O_RDWR);
	if (*slave < 0)
		return -1;
	return m;
}

/* waitpid(@pid, @st, WNOHANG | @flags) every 10 ms for up to @ms */
static pid_t wait_poll(pid_t pid, int *st, int flags, int ms)
{
	pid_t r = 0;

	for (int t = 0; t <= ms && r == 0; t += 10) {
		r = waitpid(pid, st, WNOHANG | flags);
		if (r == 0)
			cp_sleep_ms(10);
	}
	return r;
}

/*
 * The job: its own group, then a move to node 2 running @prog: "sleep
 * 30000", or with @sig "sicode SIG 30000" (exit 80 if @sig came as
 * SI_KERNEL).
 */
static pid_t spawn_job(const char *prog, int sig)
{
	pid_t job = fork();

	if (job == 0) {
		char s[16];
		char *argv[] = { (char *)prog, "sleep", "30000", NULL, NULL };

		if (sig) {
			sigset_t set;

			/* blocked until its handler is there, on node 2 */
			sigemptyset(&set);
			sigaddset(&set, sig);
			sigprocmask(SIG_BLOCK, &set, NULL);
			snprintf(s, sizeof(s), "%d", sig);
			argv[1] = "sicode";
			argv[2] = s;
			argv[3] = "30000";
		}

		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
		if (setpgid(0, 0) == 0)
			cp_rexecvp(2, prog, argv);
		_exit(127);
	}
	if (job > 0)
		setpgid(job, job);	/* whichever runs first */
	return job;
}

/*
 * The session leader: a job (its own group) moved to node 2, made the
 * foreground group, then @key typed on the terminal. The job must end
 * killed by @sig (SIGTSTP: stop with it, then be continued and killed).
 * Returns an S_* code; what it saw is on stderr (the test's log).
 */
static int leader(const char *prog, char key, int sig, bool handled)
{
	int m, s, st = 0;
	pid_t job;

	m = session_with_pty(&s);
	if (m < 0)
		return S_PTY;
	if (tcgetsid(s) != getpid())
		return S_CTTY;
	job = spawn_job(prog, handled ? sig : 0);
	if (job < 0)
		return S_SPAWN;
	if (cpp_wait_where(job, 2, 10000)) {
		kill(job, SIGKILL);
		waitpid(job, &st, 0);
		return S_MOVE;
	}
	if (tcsetpgrp(s, job)) {
		fprintf(stderr, "tcsetpgrp(%d): %s\n", job, strerror(errno));
		kill(job, SIGKILL);
		waitpid(job, &st, 0);
		return S_FG;
	}
	if (write(m, &key, 1) != 1)
		return S_WRITE;
	if (wait_poll(job, &st, WUNTRACED, 10000) != job) {
		fprintf(stderr, "job %d on node 2: no %s within 10 s of %#x typed on its terminal\n",
			job, sig == SIGTSTP ? "stop" : "death", key);
		kill(job, SIGKILL);
		waitpid(job, &st, 0);
		return S_STATUS;
	}
	if (handled) {
		if (WIFEXITED(st) && WEXITSTATUS(st) == 80)
			return S_OK;
		fprintf(stderr, "job %d: status %#x, want exit 80 (%s with si_code SI_KERNEL; 81: SI_USER, 82: other)\n",
			job, st, strsignal(sig));
		return S_STATUS;
	}
	if (sig != SIGTSTP) {
		if (WIFSIGNALED(st) && WTERMSIG(st) == sig)
			return S_OK;
		fprintf(stderr, "job %d: status %#x, want killed by %s\n",
			job, st, strsignal(sig));
		return S_STATUS;
	}
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTSTP) {
		fprintf(stderr, "job %d: status %#x, want stopped by SIGTSTP\n",
			job, st);
		kill(job, SIGKILL);
		waitpid(job, &st, 0);
		return S_STATUS;
	}
	/* fg: continue it; then end it */
	if (kill(-job, SIGCONT) ||
	    wait_poll(job, &st, WCONTINUED, 10000) != job ||
	    !WIFCONTINUED(st)) {
		fprintf(stderr, "job %d: not continued (status %#x)\n", job,
			st);
		kill(job, SIGKILL);
		waitpid(job, &st, 0);
		return S_CONT;
	}
	if (kill(job, SIGKILL) || waitpid(job, &st, 0) != job ||
	    !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		return S_KILL;
	return S_OK;
}

/* The session leader @pid ended: it must say S_OK (else what went wrong). */
static void leader_done(pid_t pid, const char *what)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == S_OK,
		      "%s: %s (session leader's status %#x)", what,
		      WIFEXITED(st) && WEXITSTATUS(st) <= S_KILL ?
		      s_what[WEXITSTATUS(st)] : "it died", st);
}

/* Run leader() in a child (a new session) and check what it said. */
static void run_leader(char key, int sig, bool handled, const char *what)
{
	struct cpp_mark marks[] = {
		CPP_MARK(1, "hook_kill_pgrp_kernel"),
		CPP_MARK(1, "kill_pgrp_kernel_sent"),
		CPP_MARK(2, "svr_kill"), CPP_MARK(2, "kill_delivered"),
	};
	char prog[PATH_MAX];
	pid_t pid;

	cpp_prog_path("cp_rchild", prog, sizeof(prog));
	cpp_marks_take(marks, sizeof(marks) / sizeof(marks[0]));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(leader(prog, key, sig, handled));
	leader_done(pid, what);
	cpp_marks_assert_rose(marks, sizeof(marks) / sizeof(marks[0]), what);
}

START_TEST(test_ctrl_c_kills_remote_member)
{
	run_leader('\003', SIGINT, false, "^C on node 1's pty, job on node 2");
}
END_TEST

START_TEST(test_ctrl_backslash_quits_remote_member)
{
	run_leader('\034', SIGQUIT, false,
		   "quit on node 1's pty, job on node 2");
}
END_TEST

START_TEST(test_ctrl_z_stops_remote_member)
{
	run_leader('\032', SIGTSTP, false, "^Z on node 1's pty, job on node 2");
}
END_TEST

/* The job's handler sees what a local one would: si_code SI_KERNEL. */
START_TEST(test_ctrl_c_siginfo_remote_member)
{
	run_leader('\003', SIGINT, true,
		   "^C on node 1's pty, job on node 2 with a SIGINT handler");
}
END_TEST

/* A leader gives up on @job: it kills and reaps it, and returns @code. */
static int job_fail(pid_t job, int code)
{
	int st;

	kill(job, SIGKILL);
	waitpid(job, &st, 0);
	return code;
}

/* What a job of the leader's runs on node 2, and with what. */
struct job_spec {
	const char *mode, *arg;	/* cp_rchild MODE [ARG] */
	int fd, as;		/* dup2(fd, as) */
	int err;		/* dup2(err, 2), or -1 */
	int sig;		/* SIG_DFL, or SIG_IGN with ign */
	bool ign;
	pid_t pgrp;		/* its group: 0 its own */
};

/*
 * Fork a job as @j says and move it to node 2 (cp_rexecvp): its pid,
 * once it runs there; -1 if the fork failed, or the job's pid negated
 * (killed and reaped) if it did not reach node 2 in 10 s.
 */
static pid_t job_start(const char *prog, const struct job_spec *j)
{
	pid_t job = fork();

	if (job == 0) {
		char *argv[] = { (char *)prog, (char *)j->mode,
				 (char *)j->arg, NULL };

		signal(j->sig, j->ign ? SIG_IGN : SIG_DFL);
		if (dup2(j->fd, j->as) == j->as &&
		    (j->err < 0 || dup2(j->err, 2) == 2) &&
		    setpgid(0, j->pgrp) == 0)
			cp_rexecvp(2, prog, argv);
		_exit(127);
	}
	if (job < 0)
		return -1;
	setpgid(job, j->pgrp ? j->pgrp : job);	/* whichever runs first */
	if (cpp_wait_where(job, 2, 10000))
		return -job_fail(job, job);
	return job;
}

/* job_start()'s failure as an S_* code */
static int job_start_code(pid_t job)
{
	return job == -1 ? S_SPAWN : S_MOVE;
}

/* @job, within 10 s: stopped by @sig (true), or it says why not */
static bool job_stopped_by(pid_t job, int sig, const char *what)
{
	int st = 0;

	if (wait_poll(job, &st, WUNTRACED, 10000) == job && WIFSTOPPED(st) &&
	    WSTOPSIG(st) == sig)
		return true;
	fprintf(stderr, "job %d %s: status %#x, want stopped by %s\n", job,
		what, st, strsignal(sig));
	return false;
}

/* @job, within 10 s: exited @code, not stopped (true), or says why not */
static bool job_exited(pid_t job, int code, const char *what)
{
	int st = 0;

	if (wait_poll(job, &st, WUNTRACED, 10000) == job && WIFEXITED(st) &&
	    WEXITSTATUS(st) == code)
		return true;
	fprintf(stderr, "job %d %s: status %#x, want exit %d\n", job, what,
		st, code);
	return false;
}

/*
 * "fg": @job, stopped in the background, made the foreground group of
 * the pty (@m its master, @s its slave), @line typed if any, continued:
 * it must then exit 6 (6 bytes read or written). An S_* code.
 */
static int job_fg(int m, int s, pid_t job, const char *line)
{
	if (tcsetpgrp(s, job) ||
	    (line && write(m, line, strlen(line)) != (ssize_t)strlen(line)) ||
	    kill(-job, SIGCONT))
		return job_fail(job, S_FG);
	if (!job_exited(job, 6, "in the foreground, continued"))
		return job_fail(job, S_CONT);
	return S_OK;
}

/*
 * Run @lead(prog, @arg) as a session leader in a child (a new session)
 * and check that it said S_OK and that @marks rose meanwhile.
 */
static void run_session(int (*lead)(const char *prog, int arg), int arg,
			const char *what, struct cpp_mark *marks, size_t n)
{
	char prog[PATH_MAX];
	pid_t pid;

	cpp_prog_path("cp_rchild", prog, sizeof(prog));
	cpp_marks_take(marks, n);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(lead(prog, arg));
	leader_done(pid, what);
	cpp_marks_assert_rose(marks, n, what);
}

/*
 * A background job on node 2 reads the terminal of node 1 (its stdin,
 * relayed to node 1): SIGTTIN stops it, as on one machine; once in the
 * foreground and continued, its read() gets the line typed. With SIGTTIN
 * ignored (@ignore), its read() fails with EIO instead.
 */
static int leader_reader(const char *prog, int ignore)
{
	struct job_spec j = { .mode = "readin", .as = 0, .err = -1,
			      .sig = SIGTTIN, .ign = ignore };
	int s;
	int m = session_with_pty(&s);
	pid_t job;

	if (m < 0)
		return S_PTY;
	j.fd = s;
	job = job_start(prog, &j);
	if (job < 0)
		return job_start_code(job);
	if (ignore)
		return job_exited(job, 100 + EIO,
				  "read its terminal in the background, SIGTTIN ignored (100 + EIO)") ?
		       S_OK : job_fail(job, S_STATUS);
	if (!job_stopped_by(job, SIGTTIN,
			    "read its terminal in the background"))
		return job_fail(job, S_STATUS);
	return job_fg(m, s, job, "hello\n");
}

START_TEST(test_background_read_stops_remote_member)
{
	struct cpp_mark marks[] = { CPP_MARK(1, "hook_tty_check"),
				    CPP_MARK(1, "tty_signalled") };

	run_session(leader_reader, false,
		    "a job on node 2 reads node 1's pty in the background",
		    marks, 2);
}
END_TEST

START_TEST(test_background_read_ignored_eio)
{
	struct cpp_mark marks[] = { CPP_MARK(1, "hook_tty_check"),
				    CPP_MARK(1, "tty_eio") };

	run_session(leader_reader, true,
		    "a job on node 2, SIGTTIN ignored, reads node 1's pty in the background",
		    marks, 2);
}
END_TEST

/*
 * A background job on node 2 writes node 1's pty (its stdout, relayed):
 * with tostop set, SIGTTOU stops it, as on one machine; in the
 * foreground and continued, its write goes through. With tostop clear
 * (@tostop 0), it writes at once.
 */
static int leader_writer(const char *prog, int tostop)
{
	struct job_spec j = { .mode = "writeout", .as = 1, .err = -1,
			      .sig = SIGTTOU };
	struct termios tio;
	int s;
	int m = session_with_pty(&s);
	pid_t job;

	if (m < 0 || tcgetattr(s, &tio))
		return S_PTY;
	if (tostop)
		tio.c_lflag |= TOSTOP;
	else
		tio.c_lflag &= ~TOSTOP;
	if (tcsetattr(s, TCSANOW, &tio))
		return S_PTY;
	j.fd = s;
	job = job_start(prog, &j);
	if (job < 0)
		return job_start_code(job);
	if (!tostop)
		return job_exited(job, 6,
				  "wrote its terminal in the background, tostop clear") ?
		       S_OK : job_fail(job, S_STATUS);
	if (!job_stopped_by(job, SIGTTOU,
			    "wrote its terminal in the background, tostop set"))
		return job_fail(job, S_STATUS);
	return job_fg(m, s, job, NULL);
}

START_TEST(test_background_write_tostop_stops_remote_member)
{
	struct cpp_mark marks[] = { CPP_MARK(1, "hook_tty_check"),
				    CPP_MARK(1, "tty_signalled") };

	run_session(leader_writer, true,
		    "a job on node 2 writes node 1's pty (tostop) in the background",
		    marks, 2);
}
END_TEST

START_TEST(test_background_write_no_tostop_remote_member)
{
	run_session(leader_writer, false,
		    "a job on node 2 writes node 1's pty (no tostop) in the background",
		    NULL, 0);
}
END_TEST

/*
 * The orphaned case: job j on node 2 leads a group whose only tie to the
 * session was its parent p, which exits once j moved (j's parent is then
 * init, in another session). j reads node 1's pty in the background:
 * EIO, no SIGTTIN (nobody would continue it), as on one machine. j says
 * what its read() gave on its stderr, a pipe to us (relayed).
 */
static int leader_orphan_reader(const char *prog, int unused)
{
	struct job_spec j = { .mode = "orphanread", .arg = "10000", .as = 0,
			      .sig = SIGTTIN };
	int m, s, out[2], ids[2], st = 0;
	struct pollfd pfd;
	char line[64] = "", want[32];
	pid_t p, job = 0;
	ssize_t n = 0;

	(void)unused;
	m = session_with_pty(&s);
	if (m < 0 || pipe(out) || pipe(ids))
		return S_PTY;
	p = fork();
	if (p == 0) {
		j.fd = s;
		j.err = out[1];
		job = job_start(prog, &j);
		if (job < 0 || write(ids[1], &job, sizeof(job)) != sizeof(job))
			_exit(2);
		_exit(0);	/* orphans job's group */
	}
	close(out[1]);
	close(ids[1]);
	if (p < 0 || read(ids[0], &job, sizeof(job)) != sizeof(job) ||
	    waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		return S_MOVE;
	pfd = (struct pollfd){ .fd = out[0], .events = POLLIN };
	if (poll(&pfd, 1, 15000) == 1)
		n = read(out[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "read -1 errno %d\n", EIO);
	if (!strcmp(line, want))
		return S_OK;
	fprintf(stderr, "job %d on node 2, in an orphaned group, read its terminal in the background: '%s', want '%s'\n",
		job, line, want);
	kill(job, SIGKILL);
	return S_STATUS;
}

START_TEST(test_orphaned_member_read_eio)
{
	struct cpp_mark marks[] = { CPP_MARK(1, "hook_tty_check"),
				    CPP_MARK(1, "tty_eio") };

	run_session(leader_orphan_reader, 0,
		    "a job on node 2 in an orphaned group reads node 1's pty",
		    marks, 2);
}
END_TEST

/*
 * A job on node 2 that left the session with setsid() reads the pty it
 * still has open as fd 0: no longer its controlling terminal, so no job
 * control applies and its read() gets the line typed, as on one machine
 * (patch 0021: its stand-in here leads its new session too, without a
 * terminal). The job was in a background group (b's, which it joined:
 * setsid() needs a caller that leads no group). Before: the stand-in
 * stayed in the old session and in b's group, so the relay's read for
 * it signalled b's group (the job had left it) and never read: "job
 * 33685, in a session of its own, read the pty it kept open: status 0,
 * want exit 6" (neither exited nor stopped in 10 s).
 */
static int leader_setsid_reader(const char *prog, int unused)
{
	struct job_spec j = { .mode = "setsidread", .as = 0, .err = -1,
			      .sig = SIGTTIN };
	int m, s, st = 0, ret = S_OK;
	pid_t b, job;

	(void)unused;
	m = session_with_pty(&s);
	if (m < 0)
		return S_PTY;
	b = fork();
	if (b == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	if (b < 0 || setpgid(b, b))
		return S_SPAWN;
	j.fd = s;
	j.pgrp = b;
	job = job_start(prog, &j);
	if (job < 0)
		ret = job_start_code(job);
	if (ret == S_OK) {
		/* its setsid() done: node 1 says so; then a line typed */
		for (int t = 0; t < 100 && getsid(job) != job; t++)
			cp_sleep_ms(100);
		if (write(m, "hello\n", 6) != 6)
			ret = job_fail(job, S_WRITE);
		else if (!job_exited(job, 6,
				     "in a session of its own, read the pty it kept open"))
			ret = job_fail(job, S_STATUS);
	}
	kill(b, SIGKILL);
	waitpid(b, &st, 0);
	return ret;
}

START_TEST(test_setsid_member_reads_tty)
{
	struct cpp_mark marks[] = { CPP_MARK(2, "setsid_origin_told"),
				    CPP_MARK(1, "svr_setsid") };

	run_session(leader_setsid_reader, 0,
		    "a job on node 2 left the session and reads node 1's pty",
		    marks, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tty");
	TCase *tc = tcase_create("tty");

	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_tty: not all nodes up\n");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ctrl_c_kills_remote_member);
	tcase_add_test(tc, test_ctrl_backslash_quits_remote_member);
	tcase_add_test(tc, test_ctrl_z_stops_remote_member);
	tcase_add_test(tc, test_ctrl_c_siginfo_remote_member);
	tcase_add_test(tc, test_background_read_stops_remote_member);
	tcase_add_test(tc, test_background_read_ignored_eio);
	tcase_add_test(tc, test_setsid_member_reads_tty);
	tcase_add_test(tc, test_background_write_tostop_stops_remote_member);
	tcase_add_test(tc, test_background_write_no_tostop_remote_member);
	tcase_add_test(tc, test_orphaned_member_read_eio);
	suite_add_tcase(s, tc);
	return cp_run_suite(s, CK_NORMAL, CK_FORK);
}
