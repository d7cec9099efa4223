/*
 * Security: on the tracee's node, a remote trace belongs to the node and
 * thread that attached (the security issue's finding 4). Every tracee of
 * the module's cp_ptracer thread has the same ptrace parent there, so a
 * request naming the tracee used to pass whoever sent it: a PEEK from
 * another node, or from another thread of the tracer's node, read the
 * tracee's memory (FOLL_FORCE). Run on node 1 of 3 as root
 * (module-security.scn): this process attaches to its child on node 2,
 * then node 1's and node 3's modules send node 2 a PTRACE_PEEKDATA for
 * it in a real peer's message (debugfs inject) naming another tracer, or
 * the right tracer from the wrong node: ESRCH, as ptrace(2) answers a
 * process that is not the tracee's tracer, and node 2's
 * ptrace_not_tracer rose during the case. The control (the right node
 * and thread) reads the word.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "cp_wire.h"
#include "libclusterproc.h"

#include <arpa/inet.h>
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct bind_case {
	const char *what;
	int from;		/* the node whose module sends the PEEK */
	int other_tracer;	/* name another thread than ours */
	int want;
} cases[] = {
	{ "node 1, the tracer (control)", 1, 0, 0 },
	{ "node 1, another thread", 1, 1, ESRCH },
	{ "node 3, naming the tracer", 3, 0, ESRCH },
};

static void to_hex(const void *buf, size_t len, char *out)
{
	const unsigned char *b = buf;

	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * len] = '\0';
}

/* A PTRACE_PEEKDATA of CP_WORD_ADDR in @tracee, from @from: 0 or errno. */
static int forged_peek(int from, pid_t tracee, pid_t tracer)
{
	struct cp_ptrace rq;
	char hex[2 * sizeof(rq) + 1], type[8], cmd[sizeof(hex) + 16];
	pid_t pid;
	int st, rc;

	memset(&rq, 0, sizeof(rq));
	rq.request = htonl(PTRACE_PEEKDATA);
	rq.pid = htonl((uint32_t)tracee);
	rq.addr = htobe64(CP_WORD_ADDR);
	rq.tracer = htonl((uint32_t)tracer);
	to_hex(&rq, sizeof(rq), hex);
	snprintf(type, sizeof(type), "%d", CP_MSG_PTRACE);
	if (from == cp_self_node()) {
		snprintf(cmd, sizeof(cmd), "2 %s %s", type, hex);
		rc = cp_write_file(CP_DEBUGFS "/inject", cmd);
		return rc < 0 ? -rc : 0;
	}
	pid = cpp_spawn(from, 0, (const char *const[]){ "inject", "2", type,
							hex, NULL });
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "injector on node %d: status %#x", from,
		      st);
	return WEXITSTATUS(st);
}

/*
 * Before: node 2 checked only that its cp_ptracer traced the pid and
 * that it was stopped: both forged PEEKs read the word (0, "it read").
 */
START_TEST(test_peek_only_by_attacher)
{
	const struct bind_case *c = &cases[_i];
	struct cpp_mark m[] = { CPP_MARK(2, "ptrace_not_tracer") };
	pid_t victim, tracer = (pid_t)gettid();
	long word;
	int st, err;

	victim = cpp_spawn(2, 0, (const char *const[]){ "word", "30000",
						       NULL });
	/* attached, stopped, the word in place (we read it) */
	for (int i = 0;; i++) {
		ck_assert_int_eq(ptrace(PTRACE_ATTACH, victim, 0, 0), 0);
		ck_assert_int_eq(waitpid(victim, &st, 0), victim);
		ck_assert_msg(WIFSTOPPED(st), "attach stop: status %#x", st);
		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, victim, CP_WORD_ADDR, 0);
		if (!errno && (unsigned long)word == CP_WORD)
			break;
		ck_assert_msg(i < 50, "victim %d: no word at %#lx after 5 s",
			      victim, CP_WORD_ADDR);
		ck_assert_int_eq(ptrace(PTRACE_DETACH, victim, 0, 0), 0);
		cp_sleep_ms(100);
	}

	cpp_marks_take(m, 1);
	err = forged_peek(c->from, victim, c->other_tracer ? getppid() :
			  tracer);
	ck_assert_msg(err == c->want,
		      "PTRACE_PEEKDATA of %d (on node 2, traced by %d on node 1) from %s: %s, want %s",
		      victim, tracer, c->what, err ? strerror(err) : "0 (it read)",
		      c->want ? strerror(c->want) : "0");
	if (c->want)
		cpp_marks_assert_rose(m, 1, "refused");
	else
		cpp_marks_assert_same(m, 1, "the tracer's");

	/* the real tracer is not disturbed */
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, victim, CP_WORD_ADDR, 0);
	ck_assert_int_eq(errno, 0);
	ck_assert_uint_eq((unsigned long)word, CP_WORD);
	ck_assert_int_eq(ptrace(PTRACE_DETACH, victim, 0, 0), 0);
	kill(victim, SIGKILL);
	ck_assert_int_eq(waitpid(victim, &st, 0), victim);
}
END_TEST

static Suite *bind_suite(void)
{
	Suite *s = suite_create("security-ptrace-bind");
	TCase *tc = tcase_create("bind");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_peek_only_by_attacher, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_ptrace_bind: not all nodes up\n");
	return cp_run_suite(bind_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
