/*
 * stdio of a moved process (stdio.c), run on node 1 of a 3-node
 * cluster: a child of this test has a pipe or a pty as its fds 0-2 and
 * moves to node 2; what it writes there comes back here, in order, what
 * the test writes is what it reads, EOF and SIGPIPE/EPIPE are those of
 * one machine, and only node 2 may use the exports (a forged use from
 * node 3 is refused). Each test asserts on the bytes read here, on wait
 * statuses, and on node 1's counters that rose during it.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define NMARKS(m) (sizeof(m) / sizeof((m)[0]))

/* the stream cp_rchild pattern writes (cp_rchild.c) */
static unsigned char pattern_byte(unsigned long i)
{
	return (unsigned char)(i * 7 + (i >> 13) + (i >> 20));
}

/*
 * Fork a child with @in, @out, @err (-1: keep ours) as fds 0-2, SIGPIPE
 * ignored if @ign_pipe (else default), that runs argv on @node (0:
 * here) with cp_rexecvp(), or execvp() when @node is 0.
 */
static pid_t spawn_io(int node, int in, int out, int err, int ign_pipe,
		      char *const argv[])
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid)
		return pid;
	signal(SIGPIPE, ign_pipe ? SIG_IGN : SIG_DFL);
	if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0) ||
	    (err >= 0 && dup2(err, 2) < 0))
		_exit(125);
	for (int fd = 3; fd < 64; fd++)
		close(fd);
	if (node)
		cp_rexecvp(node, argv[0], argv);
	else
		execvp(argv[0], argv);
	_exit(126);
}

static int wait_st_flags(pid_t pid, int flags)
{
	int st = -1;
	pid_t r;

	do
		r = waitpid(pid, &st, flags);
	while (r < 0 && errno == EINTR);
	ck_assert_msg(r == pid, "waitpid(%d): %s", pid, strerror(errno));
	return st;
}

static int wait_st(pid_t pid)
{
	int st = -1;
	pid_t r;

	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	ck_assert_msg(r == pid, "waitpid(%d): %s", pid, strerror(errno));
	return st;
}

/* Read @fd to EOF (or EIO: a pty's master) into a malloc'd buffer. */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);

	ck_assert_ptr_nonnull(buf);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			ck_assert_ptr_nonnull(buf);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EIO)
			break;
		ck_assert_msg(r >= 0, "read: %s", strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

static void rchild_argv(char **argv, char *path, size_t len, const char *a,
			const char *b)
{
	cpp_prog_path("cp_rchild", path, len);
	argv[0] = path;
	argv[1] = (char *)a;
	argv[2] = (char *)b;
	argv[3] = NULL;
}

/* 1: onnode 2 sh -c 'echo hello; exit 3' with stdout a pipe */
START_TEST(test_stdout_pipe)
{
	struct cpp_mark m[] = {
		CPP_MARK(1, "stdio_write"), CPP_MARK(1, "stdio_bytes_out"),
	};
	char *argv[] = { "onnode", "2", "sh", "-c", "echo hello; exit 3",
			 NULL };
	int p[2], st;
	size_t len;
	char *out;
	pid_t pid;

	cpp_marks_take(m, NMARKS(m));
	ck_assert_int_eq(pipe(p), 0);
	pid = spawn_io(0, -1, p[1], -1, 0, argv);
	close(p[1]);
	out = read_all(p[0], &len);
	close(p[0]);
	st = wait_st(pid);
	ck_assert_msg(len == 6 && !memcmp(out, "hello\n", 6),
		      "read %zu bytes '%s', want 'hello\\n'", len, out);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 3,
		      "status %#x, want exit 3", st);
	free(out);
	cpp_marks_assert_rose(m, NMARKS(m), "stdout through a pipe");
}
END_TEST

/*
 * 1b: moved on again (1 -> 2 -> 3): node 2 relays the relay it got, the
 * output of node 3's process still comes here, then EOF.
 */
START_TEST(test_stdout_chained)
{
	struct cpp_mark m[] = {
		CPP_MARK(1, "stdio_write"), CPP_MARK(2, "stdio_write"),
	};
	char *argv[] = { "onnode", "2", "sh", "-c",
			 "echo two; onnode 3 sh -c 'echo three; exit 4'",
			 NULL };
	int p[2], st;
	size_t len;
	char *out;
	pid_t pid;

	cpp_marks_take(m, NMARKS(m));
	ck_assert_int_eq(pipe(p), 0);
	pid = spawn_io(0, -1, p[1], -1, 0, argv);
	close(p[1]);
	out = read_all(p[0], &len);
	close(p[0]);
	st = wait_st(pid);
	ck_assert_msg(len == 10 && !memcmp(out, "two\nthree\n", 10),
		      "read '%s', want 'two\\nthree\\n'", out);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 4,
		      "status %#x, want exit 4", st);
	free(out);
	cpp_marks_assert_rose(m, NMARKS(m), "stdout relayed twice");
}
END_TEST

/*
 * Run cp_rchild pattern BYTES on @node (0: here) into a pipe; check
 * every byte as it comes (a node has 64 MB: nothing is kept). Seconds.
 */
static double pattern_through(int node, unsigned long bytes)
{
	static unsigned char buf[65536];
	char path[PATH_MAX], num[32], *argv[4];
	unsigned long got = 0;
	struct timespec a, b;
	int p[2], st;
	pid_t pid;

	snprintf(num, sizeof(num), "%lu", bytes);
	rchild_argv(argv, path, sizeof(path), "pattern", num);
	ck_assert_int_eq(pipe(p), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = spawn_io(node, -1, p[1], -1, 0, argv);
	close(p[1]);
	for (;;) {
		ssize_t r = read(p[0], buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		ck_assert_msg(r >= 0, "read: %s", strerror(errno));
		if (r == 0)
			break;
		/* one assertion, not one per byte (each writes a record) */
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] != pattern_byte(got + i))
				ck_abort_msg("node %d: byte %lu is %#x, want %#x",
					     node, got + i, buf[i],
					     pattern_byte(got + i));
		}
		got += (unsigned long)r;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	close(p[0]);
	st = wait_st(pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "pattern on node %d: status %#x", node, st);
	ck_assert_msg(got == bytes, "node %d: read %lu bytes, want %lu",
		      node, got, bytes);
	return (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

/* 2: 1 MiB, byte exact, through a pipe */
START_TEST(test_mib_exact)
{
	struct cpp_mark m[] = {
		CPP_MARK(1, "stdio_write"), CPP_MARK(1, "stdio_bytes_out"),
	};
	long long before = cpp_stat(1, "stdio_bytes_out");

	cpp_marks_take(m, NMARKS(m));
	pattern_through(2, 1 << 20);
	cpp_marks_assert_rose(m, NMARKS(m), "1 MiB through a pipe");
	ck_assert_int_ge(cpp_stat(1, "stdio_bytes_out") - before, 1 << 20);
}
END_TEST

/* 3: stdin a pipe: the remote wc -c reads what we wrote, then EOF */
START_TEST(test_stdin_pipe)
{
	struct cpp_mark m[] = {
		CPP_MARK(1, "stdio_read"), CPP_MARK(1, "stdio_bytes_in"),
		CPP_MARK(1, "stdio_write"),
	};
	char *argv[] = { "wc", "-c", NULL };
	static char data[100000];
	int in[2], out[2], st;
	size_t len, off = 0;
	char *got;
	pid_t pid;

	cpp_marks_take(m, NMARKS(m));
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)pattern_byte(i);
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	pid = spawn_io(2, in[0], out[1], -1, 0, argv);
	close(in[0]);
	close(out[1]);
	while (off < sizeof(data)) {
		ssize_t w = write(in[1], data + off, sizeof(data) - off);

		ck_assert_msg(w > 0, "write: %s", strerror(errno));
		off += (size_t)w;
	}
	close(in[1]);
	got = read_all(out[0], &len);
	close(out[0]);
	st = wait_st(pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "wc: status %#x", st);
	ck_assert_msg(strtol(got, NULL, 10) == (long)sizeof(data),
		      "wc -c there said '%s', want %zu", got, sizeof(data));
	free(got);
	cpp_marks_assert_rose(m, NMARKS(m), "stdin through a pipe");
}
END_TEST

/*
 * 3b: a reader stopped (SIGSTOP interrupts its wait) while its READ is in
 * flight: the data that comes meanwhile is kept for the read restarted
 * after SIGCONT, nothing is lost.
 */
START_TEST(test_stdin_interrupted)
{
	struct cpp_mark m[] = { CPP_MARK(2, "stdio_done") };
	char *argv[] = { "sh", "-c", "read a; echo \"got $a\"", NULL };
	long long reads = cpp_stat(1, "stdio_read");
	long long done = cpp_stat(2, "stdio_done");
	int in[2], out[2], st;
	size_t len;
	char *got;
	pid_t pid;

	cpp_marks_take(m, NMARKS(m));
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	pid = spawn_io(2, in[0], out[1], -1, 0, argv);
	close(in[0]);
	close(out[1]);
	/* its READ is queued here: the shell waits for it there */
	ck_assert_int_eq(cpp_stat_within(1, "stdio_read", reads + 1, 5000),
			 reads + 1);
	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	st = wait_st_flags(pid, WUNTRACED);
	ck_assert_msg(WIFSTOPPED(st), "status %#x, want stopped", st);
	ck_assert_int_eq(write(in[1], "x\n", 2), 2);
	/* the answer reached node 2 while the reader is stopped */
	ck_assert_int_eq(cpp_stat_within(2, "stdio_done", done + 1, 5000),
			 done + 1);
	ck_assert_int_eq(kill(pid, SIGCONT), 0);
	close(in[1]);
	got = read_all(out[0], &len);
	close(out[0]);
	st = wait_st(pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "sh: status %#x", st);
	ck_assert_msg(len == 6 && !memcmp(got, "got x\n", 6),
		      "read '%s', want 'got x\\n'", got);
	free(got);
	cpp_marks_assert_rose(m, NMARKS(m), "stdin kept across a stop");
}
END_TEST

/* 4: the reader is gone: SIGPIPE, or EPIPE with SIGPIPE ignored */
START_TEST(test_sigpipe)
{
	struct cpp_mark m[] = { CPP_MARK(1, "stdio_write") };
	char path[PATH_MAX], *argv[4];
	int p[2], st;
	pid_t pid;

	rchild_argv(argv, path, sizeof(path), "pattern", "100");
	cpp_marks_take(m, NMARKS(m));
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	pid = spawn_io(2, -1, p[1], -1, 0, argv);
	st = wait_st(pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE,
		      "status %#x, want killed by SIGPIPE", st);
	pid = spawn_io(2, -1, p[1], -1, 1, argv);
	close(p[1]);
	st = wait_st(pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 32,
		      "SIGPIPE ignored: status %#x, want exit 32 (EPIPE)", st);
	cpp_marks_assert_rose(m, NMARKS(m), "EPIPE");
}
END_TEST

/* 5: stdout and stderr one pty: the lines come in the order written */
START_TEST(test_pty_order)
{
	struct cpp_mark m[] = { CPP_MARK(1, "stdio_write") };
	char *argv[] = { "sh", "-c",
			 "for i in 1 2 3 4 5; do echo o$i; echo e$i >&2; done",
			 NULL };
	const char *want = "o1\ne1\no2\ne2\no3\ne3\no4\ne4\no5\ne5\n";
	struct termios tio;
	int master, slave, st;
	size_t len;
	char *out;
	pid_t pid;

	cpp_marks_take(m, NMARKS(m));
	master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(slave, 0);
	ck_assert_int_eq(tcgetattr(slave, &tio), 0);
	cfmakeraw(&tio);
	ck_assert_int_eq(tcsetattr(slave, TCSANOW, &tio), 0);
	pid = spawn_io(2, -1, slave, slave, 0, argv);
	close(slave);
	out = read_all(master, &len);
	close(master);
	st = wait_st(pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "sh: status %#x", st);
	ck_assert_msg(len == strlen(want) && !memcmp(out, want, len),
		      "pty read '%s', want '%s'", out, want);
	free(out);
	cpp_marks_assert_rose(m, NMARKS(m), "pty order");
}
END_TEST

/* The export of (pid, fd) on this node, from debugfs stdio: 0 if none. */
static unsigned long long export_id(pid_t pid, int fd)
{
	unsigned long long id, found = 0;
	int p, f;
	unsigned int node;
	FILE *s = fopen(CP_DEBUGFS "/stdio", "r");

	ck_assert_msg(s != NULL, "open %s/stdio: %s", CP_DEBUGFS,
		      strerror(errno));
	while (fscanf(s, "%llx %d %d %u", &id, &p, &f, &node) == 4)
		if (p == pid && f == fd)
			found = id;
	fclose(s);
	return found;
}

/*
 * A WRITE of 'X' for export @id as node @node's module would send it
 * (cp_rchild inject there): 0 if node 1 took it, else its errno.
 */
static int inject_from(int node, unsigned long long id, pid_t pid, int fd)
{
	unsigned char msg[sizeof(struct cp_stdio) + 1] = { 0 };
	struct cp_stdio *m = (struct cp_stdio *)msg;
	char path[PATH_MAX], type[16], hex[2 * sizeof(msg) + 1];
	char *argv[] = { path, "inject", "1", type, hex, NULL };
	int st;

	m->id = htobe64(id);
	m->pid = htobe32((uint32_t)pid);
	m->op = htobe32(CP_STDIO_WRITE);
	m->fd = htobe32((uint32_t)fd);
	m->seq = 0;	/* before the relay's first (1): never its answer */
	m->flags = htobe32(CP_STDIO_F_FIRST | CP_STDIO_F_LAST);
	m->len = htobe32(1);
	m->data[0] = 'X';
	for (size_t i = 0; i < sizeof(msg); i++)
		snprintf(hex + 2 * i, 3, "%02x", msg[i]);
	snprintf(type, sizeof(type), "%d", CP_MSG_STDIO);
	cpp_prog_path("cp_rchild", path, sizeof(path));
	st = wait_st(spawn_io(node, -1, -1, -1, 0, argv));
	ck_assert_msg(WIFEXITED(st), "inject from node %d: status %#x", node,
		      st);
	return WEXITSTATUS(st);
}

/*
 * 6: node 3 cannot use an export of node 2's process, even with its id,
 * pid and fd (EPERM, stdio_refused); node 2's module may (the same
 * message from node 2 is written).
 */
START_TEST(test_forged_use)
{
	struct cpp_mark m[] = { CPP_MARK(1, "stdio_refused") };
	char *argv[] = { "cat", NULL };
	int in[2], out[2], st;
	unsigned long long id = 0;
	long long before;
	size_t len;
	char *got;
	pid_t pid;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	pid = spawn_io(2, in[0], out[1], -1, 0, argv);
	close(in[0]);
	close(out[1]);
	ck_assert_int_eq(cpp_wait_where(pid, 2, 5000), 0);
	for (int i = 0; i < 100 && !id; i++) {
		id = export_id(pid, 1);
		if (!id)
			cp_sleep_ms(20);
	}
	ck_assert_msg(id, "no export of pid %d fd 1 here", pid);
	cpp_marks_take(m, NMARKS(m));
	st = inject_from(3, id, pid, 1);
	ck_assert_msg(st == EPERM, "inject from node 3: %d, want EPERM (%d)",
		      st, EPERM);
	cpp_marks_assert_rose(m, NMARKS(m), "forged use from node 3");
	before = cpp_stat(1, "stdio_bytes_out");
	st = inject_from(2, id, pid, 1);
	ck_assert_msg(st == 0, "inject from node 2: %d, want 0 (taken)", st);
	/* its write done there (counted once the lane is free again) */
	ck_assert_int_eq(cpp_stat_within(1, "stdio_bytes_out", before + 1,
					 5000), before + 1);
	ck_assert_int_eq(write(in[1], "ab", 2), 2);
	close(in[1]);
	got = read_all(out[0], &len);
	close(out[0]);
	st = wait_st(pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "cat: status %#x", st);
	ck_assert_msg(len == 3 && !memcmp(got, "Xab", 3),
		      "read '%s', want 'Xab' (node 2's X only)", got);
	free(got);
}
END_TEST

/*
 * 7: the node a relayed process runs on goes down (it leaves the cluster
 * for 8 s): node 1 releases its export at once, so the reader of its
 * stdout pipe sees EOF while the process still runs there (it exits
 * only after the rejoin), and the stand-in reports it lost (SIGKILL).
 */
START_TEST(test_node_down_releases)
{
	struct cpp_mark m[] = { CPP_MARK(1, "stdio_node_down") };
	char path[PATH_MAX];
	char *argv[] = { path, "leaveafter", "500", "8000", NULL };
	unsigned long long id = 0;
	int p[2], st;
	size_t len;
	char *out;
	pid_t pid;

	cpp_prog_path("cp_rchild", path, sizeof(path));
	cpp_marks_take(m, NMARKS(m));
	ck_assert_int_eq(pipe(p), 0);
	pid = spawn_io(3, -1, p[1], -1, 0, argv);
	close(p[1]);
	ck_assert_int_eq(cpp_wait_where(pid, 3, 5000), 0);
	for (int i = 0; i < 100 && !id; i++) {
		id = export_id(pid, 1);
		if (!id)
			cp_sleep_ms(10);
	}
	ck_assert_msg(id, "no export of pid %d fd 1 here", pid);
	out = read_all(p[0], &len);
	close(p[0]);
	ck_assert_msg(len == 0, "read '%s', want nothing", out);
	free(out);
	/* released by the node-down sweep, not by a CLOSE after the rejoin */
	cpp_marks_assert_rose(m, NMARKS(m), "export released at node down");
	ck_assert_msg(export_id(pid, 1) == 0, "export of %d still here", pid);
	st = wait_st(pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "status %#x, want lost (SIGKILL)", st);
	ck_assert_int_eq(cp_wait_nodes_up(3, 20000), 0);
}
END_TEST

/* 16 MiB into a pipe, from node 2 and here: MB/s in the log, no limit */
START_TEST(test_throughput)
{
	unsigned long bytes = 16UL << 20;
	double remote = pattern_through(2, bytes);
	double local = pattern_through(0, bytes);

	printf("stdio throughput: 16 MiB from node 2 %.1f MB/s (%.2f s), here %.1f MB/s (%.2f s)\n",
	       bytes / remote / 1e6, remote, bytes / local / 1e6, local);
	fflush(stdout);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clusterproc_stdio");
	TCase *tc = tcase_create("stdio");
	int failed;

	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_stdio: not all nodes up\n");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stdout_pipe);
	tcase_add_test(tc, test_stdout_chained);
	tcase_add_test(tc, test_mib_exact);
	tcase_add_test(tc, test_stdin_pipe);
	tcase_add_test(tc, test_stdin_interrupted);
	tcase_add_test(tc, test_sigpipe);
	tcase_add_test(tc, test_pty_order);
	tcase_add_test(tc, test_forged_use);
	tcase_add_test(tc, test_throughput);
	tcase_add_test(tc, test_node_down_releases);
	suite_add_tcase(s, tc);
	failed = cp_run_suite(s, CK_NORMAL, CK_FORK_GETENV);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
