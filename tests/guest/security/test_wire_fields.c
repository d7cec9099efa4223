/*
 * Security: a node refuses a request its peer's kernel could not have
 * produced (the security issue's finding 7): a REXEC of a pid that is
 * not the sender's own, or with a umask, capability bits or securebits
 * no kernel has; an EVENT whose state change no kernel reports (it
 * would reach a waiter's status word and siginfo); a REAP whose flags no
 * parent's node asks. Each is sent by a
 * real peer's module (debugfs inject) and must fail with EINVAL, with
 * node's bad_field counter risen during the case; the controls (the
 * same request with sane fields) pass the checks. Run on node 1 of 3
 * as root (module-security.scn). Identities in the REXECs: nobody.
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "cp_wire.h"

#include <arpa/inet.h>
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define INJECT CP_DEBUGFS "/inject"
#define NOBODY 65534
#define NOFILE "/nonexistent/cp-wire-fields"
#define CLD_BAD 99

/* Hex of len bytes into out (2 * len + 1). */
static void to_hex(const void *buf, size_t len, char *out)
{
	const unsigned char *b = buf;

	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * len] = '\0';
}

/* One request of type to node through our module: 0 or its errno. */
static int inject(int node, int type, const void *payload, size_t len)
{
	static char cmd[2 * CP_MAX_MSG + 64];
	int n, rc;

	n = snprintf(cmd, sizeof(cmd), "%d %d ", node, type);
	to_hex(payload, len, cmd + n);
	rc = cp_write_file(INJECT, cmd);
	return rc < 0 ? -rc : 0;
}

enum rexec_bad { RX_SANE, RX_BOOT_PID, RX_OTHER_PID, RX_UMASK, RX_CAPS, RX_SECBITS };

static const struct rexec_case {
	const char *what;
	enum rexec_bad bad;
	int want;
} rexec_cases[] = {
	{ "well formed (control): the exec's own error", RX_SANE, ENOENT },
	{ "a pid of the boot range (below 32768)", RX_BOOT_PID, EINVAL },
	{ "a pid of node 3's range, sent by node 1", RX_OTHER_PID, EINVAL },
	{ "umask 0100000", RX_UMASK, EINVAL },
	{ "capability bit 63 in the bounding set", RX_CAPS, EINVAL },
	{ "securebits 0xffff0000", RX_SECBITS, EINVAL },
};

/*
 * Before: only "not node 2's own pid" was checked: node 2 ran the
 * boot-range and node 3's pids (the exec's ENOENT came back, not
 * EINVAL), and took any umask, capability and securebits word.
 */
START_TEST(test_rexec_fields_checked)
{
	const struct rexec_case *c = &rexec_cases[_i];
	static const char strings[] = NOFILE "\0/\0cp-wire";
	struct cpp_mark m[] = { CPP_MARK(2, "bad_field") };
	unsigned char buf[sizeof(struct cp_rexec) + sizeof(strings)];
	struct cp_rexec *r = (struct cp_rexec *)buf;
	__be32 nobody = htonl(NOBODY);
	pid_t pid = (1 << CP_PID_SHIFT) + 30000 + _i;
	int err;

	memset(buf, 0, sizeof(buf));
	if (c->bad == RX_BOOT_PID)
		pid = 20000 + _i;
	else if (c->bad == RX_OTHER_PID)
		pid = (3 << CP_PID_SHIFT) + 30000 + _i;
	r->pid = htonl((uint32_t)pid);
	r->ppid = htonl((uint32_t)getpid());
	r->ids = (struct cp_ids){ nobody, nobody, nobody, nobody,
				  nobody, nobody, nobody, nobody };
	r->cap_bset = c->bad == RX_CAPS ? htobe64(1ULL << 63) : 0;
	r->securebits = htonl(c->bad == RX_SECBITS ? 0xffff0000u : 0);
	r->pgrp = htonl((uint32_t)getpgrp());
	r->sid = htonl((uint32_t)getsid(0));
	r->umask = htonl(c->bad == RX_UMASK ? 0100000u : 022u);
	r->argc = htonl(1);
	r->envc = htonl(0);
	r->strings_len = htonl(sizeof(strings));
	r->seq = htonl((uint32_t)time(NULL) ^ 0x5a5a0000u);
	memset(r->rlim_cur, 0xff, sizeof(r->rlim_cur));	/* infinity */
	memset(r->rlim_max, 0xff, sizeof(r->rlim_max));
	memcpy(r->strings, strings, sizeof(strings));

	cpp_marks_take(m, 1);
	err = inject(2, CP_MSG_REXEC, buf, sizeof(buf));
	ck_assert_msg(err == c->want, "REXEC to node 2 with %s (pid %d): %s, want %s",
		      c->what, pid, err ? strerror(err) : "0 (it ran)",
		      strerror(c->want));
	if (c->want == EINVAL)
		cpp_marks_assert_rose(m, 1, "refused");
	else
		cpp_marks_assert_same(m, 1, "accepted");
}
END_TEST

static const struct event_case {
	const char *what;
	int why, status;
} event_cases[] = {
	{ "why 99 (no CLD_* code)", CLD_BAD, 0 },
	{ "CLD_CONTINUED by signal 9", CLD_CONTINUED, SIGKILL },
	{ "CLD_KILLED by signal 0", CLD_KILLED, 0 },
	{ "CLD_STOPPED by signal 200", CLD_STOPPED, 200 },
};

/*
 * The process itself, on node 2, has node 2's module send node 1 an
 * EVENT about it (cp_rchild injectself): before, node 1 took any why
 * as a stop (or the given exit or continue) and told us: our first
 * wait reported a stop or continue the process never made. Now the
 * EVENT fails with EINVAL, which is the process's exit status, and the
 * first thing wait reports is that exit.
 */
START_TEST(test_event_fields_checked)
{
	const struct event_case *c = &event_cases[_i];
	struct cpp_mark m[] = { CPP_MARK(1, "bad_field") };
	struct cp_event ev = { 0 };
	char type[8], hex[2 * sizeof(ev) + 1];
	pid_t pid, r;
	int st = 0;

	ev.why = htonl((uint32_t)c->why);
	ev.status = htonl((uint32_t)c->status);
	/* the tail after the pid */
	to_hex((const char *)&ev + sizeof(ev.pid), sizeof(ev) - sizeof(ev.pid),
	       hex);
	snprintf(type, sizeof(type), "%d", CP_MSG_EVENT);
	cpp_marks_take(m, 1);
	pid = cpp_spawn(2, 0, (const char *const[]){ "injectself", "1", type,
						     hex, NULL });
	r = waitpid(pid, &st, WUNTRACED | WCONTINUED);
	if (r == pid && !WIFEXITED(st) && !WIFSIGNALED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ck_assert_msg(r == pid && WIFEXITED(st) && WEXITSTATUS(st) == EINVAL,
		      "EVENT %s forged by node 2 about its process %d: first wait status %#x (%s), want exited %d (EINVAL)",
		      c->what, pid, st,
		      WIFSTOPPED(st) ? "stopped" :
		      WIFCONTINUED(st) ? "continued" :
		      WIFEXITED(st) ? "exited" : "other", EINVAL);
	cpp_marks_assert_rose(m, 1, "refused");
}
END_TEST

static const struct reap_case {
	const char *what;
	uint32_t flags;
	int want;
} reap_cases[] = {
	{ "flags 0 (control): no such child", 0, ECHILD },
	{ "WNOWAIT (control)", CP_REAP_NOWAIT, ECHILD },
	{ "STOPPED without WNOWAIT (no caller asks it)", CP_REAP_STOPPED, EINVAL },
	{ "an unknown bit 0x80", 0x80, EINVAL },
};

/*
 * A REAP's flags are one of the three questions a parent's node asks
 * (reap, peek, still stopped?). Before: any word was taken, and the
 * request went on to look for the child (ECHILD here, not EINVAL).
 */
START_TEST(test_reap_flags_checked)
{
	const struct reap_case *c = &reap_cases[_i];
	struct cpp_mark m[] = { CPP_MARK(2, "bad_field") };
	struct cp_reap q = {
		.pid = htonl((uint32_t)((2 << CP_PID_SHIFT) + 30000 + _i)),
		.flags = htonl(c->flags),
	};
	int err;

	cpp_marks_take(m, 1);
	err = inject(2, CP_MSG_REAP, &q, sizeof(q));
	ck_assert_msg(err == c->want, "REAP to node 2 with %s: %s, want %s",
		      c->what, err ? strerror(err) : "0", strerror(c->want));
	if (c->want == EINVAL)
		cpp_marks_assert_rose(m, 1, "refused");
	else
		cpp_marks_assert_same(m, 1, "accepted");
}
END_TEST

static Suite *fields_suite(void)
{
	Suite *s = suite_create("security-wire-fields");
	TCase *tc = tcase_create("fields");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_rexec_fields_checked, 0,
			    (int)(sizeof(rexec_cases) / sizeof(rexec_cases[0])));
	tcase_add_loop_test(tc, test_event_fields_checked, 0,
			    (int)(sizeof(event_cases) / sizeof(event_cases[0])));
	tcase_add_loop_test(tc, test_reap_flags_checked, 0,
			    (int)(sizeof(reap_cases) / sizeof(reap_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (cp_wait_nodes_up(cp_expected_nodes(), 10000))
		fprintf(stderr, "test_wire_fields: not all nodes up\n");
	return cp_run_suite(fields_suite(), CK_NORMAL, CK_FORK) ?
		EXIT_FAILURE : EXIT_SUCCESS;
}
