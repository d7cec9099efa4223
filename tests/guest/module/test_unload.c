/*
 * test_unload: the module is unloaded and loaded again on node 2 while
 * node 1 keeps sending it requests that its server threads hand to
 * cp_ptracer and cp_rparent (ptrace attach, kill, remote exec). Unload
 * must refuse requests before it stops what handles them (kernel
 * correctness item 10): before, a request that arrived in between was
 * queued on a destroyed kthread worker (NULL pointer) or waited for ever.
 * Scenario module-unload.scn ('allow module': node 2 keeps
 * CAP_SYS_MODULE). Node 1 (load) and node 2 (unload) meet at two TIPC
 * barriers, which do not depend on the module.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "libclusterproc.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BARRIER_START	0x43505531u	/* "CPU1" */
#define BARRIER_DONE	0x43505532u
#define CYCLES		15
#define LOAD_UID	4243

/* /sys/module/clusterproc exists? */
static int loaded(void)
{
	struct stat st;

	return stat("/sys/module/clusterproc", &st) == 0;
}

/* Unload, waiting out EBUSY/EAGAIN (a remote child of node 1 pins it). */
static int unload(void)
{
	for (int i = 0; i < 200; i++) {
		if (syscall(SYS_delete_module, "clusterproc", O_NONBLOCK) == 0)
			return 0;
		if (errno != EBUSY && errno != EAGAIN)
			return -errno;
		cp_sleep_ms(25);
	}
	return -ETIMEDOUT;
}

/* The module's parameters: the run's cluster key, kept by the init. */
static void key_params(char *params, size_t size)
{
	char key[65] = "";
	int fd = open("/run/clusterproc.key", O_RDONLY | O_CLOEXEC);

	params[0] = '\0';
	if (fd < 0)
		return;
	if (read(fd, key, 64) == 64)
		snprintf(params, size, "cluster_key=%s", key);
	close(fd);
}

static int load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;
	char params[96];

	if (fd < 0)
		return -errno;
	key_params(params, sizeof(params));
	r = (int)syscall(SYS_finit_module, fd, params, 0);
	r = r ? -errno : 0;
	close(fd);
	return r;
}

START_TEST(test_unload_under_requests)
{
	const char *ko = getenv("CS_MODULE");
	int i, err;

	ck_assert_msg(ko && *ko, "CS_MODULE not set (no module in this run)");
	cp_barrier_ck(BARRIER_START, 2, 2);
	for (i = 0; i < CYCLES; i++) {
		err = unload();
		ck_assert_msg(!err, "cycle %d: delete_module: %s", i,
			      strerror(-err));
		ck_assert(!loaded());
		cp_sleep_ms(20);	/* requests now meet no module */
		err = load(ko);
		ck_assert_msg(!err, "cycle %d: finit_module: %s", i,
			      strerror(-err));
		ck_assert_int_eq(cp_wait_nodes_up(cp_expected_nodes(), 10000),
				 0);
		cp_sleep_ms(50);	/* and a loaded one */
	}
	cp_barrier_ck(BARRIER_DONE, 2, 2);
}
END_TEST

/* errnos a request to a node that is unloading may give */
static int expected_errno(int e)
{
	return e == EPERM || e == ESRCH || e == EHOSTDOWN ||
	       e == EHOSTUNREACH || e == ESHUTDOWN || e == ETIMEDOUT;
}

/*
 * The load, as an unprivileged uid: ptrace attach (EPERM there, after
 * cp_ptracer ran the attach), kill(0) (EPERM), and every 8th round a
 * remote exec of cp_true. Runs until killed; exits 100 + an unexpected
 * errno, 99 if an attach succeeded, 97 if the kill did.
 */
static int load_loop(pid_t target, const char *cp_true)
{
	for (unsigned int n = 0;; n++) {
		if (ptrace(PTRACE_ATTACH, target, 0, 0) == 0)
			return 99;
		if (!expected_errno(errno))
			return 100 + errno;
		if (kill(target, 0) == 0)
			return 97;
		if (!expected_errno(errno))
			return 100 + errno;
		if (n % 8 == 0) {
			pid_t c = fork();
			int st;

			if (c == 0) {
				char *argv[] = { "cp_true", NULL };

				cp_rexecvp(2, cp_true, argv);
				_exit(127);	/* refused: fine */
			}
			if (c > 0)
				waitpid(c, &st, 0);
		}
	}
}

START_TEST(test_requests_during_unload)
{
	struct cp_ps_proc p;
	char cp_true[4096];
	pid_t loader;
	int st;

	ck_assert_int_eq(cp_ps_find(2, "test_unload", &p), 1);
	cpp_prog_path("cp_true", cp_true, sizeof(cp_true));
	loader = fork();
	ck_assert_int_ge(loader, 0);
	if (loader == 0) {
		signal(SIGTERM, SIG_DFL);
		if (setgroups(0, NULL) || setgid(LOAD_UID) || setuid(LOAD_UID))
			_exit(98);
		_exit(load_loop(p.pid, cp_true));
	}
	cp_barrier_ck(BARRIER_START, 1, 2);
	cp_barrier_ck(BARRIER_DONE, 1, 2);
	if (waitpid(loader, &st, WNOHANG) == 0) {
		kill(loader, SIGTERM);
		ck_assert_int_eq(waitpid(loader, &st, 0), loader);
		ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
			      "load loop status %#x", st);
	} else {
		ck_assert_msg(0, "load loop ended early: status %#x (exit 100+errno: unexpected errno, 99: attach, 97: kill succeeded)",
			      st);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("unload");
	TCase *tc = tcase_create("unload");
	int node = cp_env_node();

	tcase_set_timeout(tc, 120);
	if (node == 2)
		tcase_add_test(tc, test_unload_under_requests);
	else if (node == 1)
		tcase_add_test(tc, test_requests_during_unload);
	else
		return EXIT_FAILURE;
	suite_add_tcase(s, tc);
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_unload: not all nodes up\n");
	return cp_run_suite(s, CK_NORMAL, CK_FORK) ? EXIT_FAILURE :
						     EXIT_SUCCESS;
}
