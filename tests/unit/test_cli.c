/* test_cli: command line parsing, and the exit status of bad invocations. */
#include "cli.h"
#include "unit_util.h"

#include <check.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int parse(struct cs_opts *o, char *err, ...)
{
	static char *argv[32];	/* exec_argv points into it */
	int argc = 0;
	va_list ap;

	va_start(ap, err);
	argv[argc++] = "clustersim";
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return cs_parse_args(argc, argv, o, err, 256);
}

START_TEST(test_run_with_options)
{
	struct cs_opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, "--nodes", "8", "--kernel", "/k",
			       "--module=/m.ko", "--mem", "128M", "-t", "30",
			       "--runs", "/tmp/r", "--kernel-args", "a=1 b",
			       "--tipc-join-tolerance=100", "--expect-krel-suffix",
			       "-cp12345678", "--wire-delay", "5", "--wire-loss=0.5",
			       "--trace", "run", "x.scn", NULL), 0);
	ck_assert_int_eq(o.cmd, CS_CMD_RUN);
	ck_assert_int_eq(o.nodes, 8);
	ck_assert_str_eq(o.kernel, "/k");
	ck_assert_str_eq(o.module, "/m.ko");
	ck_assert_uint_eq(o.mem_mb, 128);
	ck_assert_int_eq(o.timeout, 30);
	ck_assert_str_eq(o.runs, "/tmp/r");
	ck_assert_str_eq(o.scenario, "x.scn");
	ck_assert_str_eq(o.kernel_args, "a=1 b");
	ck_assert_int_eq(o.tipc_join_tolerance, 100);
	ck_assert_str_eq(o.expect_krel_suffix, "-cp12345678");
	ck_assert_str_eq(o.wire_delay, "5");
	ck_assert_str_eq(o.wire_loss, "0.5");
	ck_assert_ptr_null(o.wire_dup);
	ck_assert(o.trace);
	ck_assert_int_eq(parse(&o, err, "run", "x.scn", NULL), 0);
	ck_assert(!o.trace);
}
END_TEST

START_TEST(test_exec_argv)
{
	struct cs_opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, "-n", "3", "exec", "2", "--", "sh",
			       "-c", "exit 7", NULL), 0);
	ck_assert_int_eq(o.cmd, CS_CMD_EXEC);
	ck_assert_int_eq(o.node, 2);
	ck_assert_int_eq(o.exec_argc, 3);
	ck_assert_str_eq(o.exec_argv[0], "sh");
	ck_assert_str_eq(o.exec_argv[2], "exit 7");
	ck_assert_ptr_null(o.exec_argv[3]);
	/* options of CMD are not ours */
	ck_assert_int_eq(parse(&o, err, "exec", "1", "--", "ls", "--nodes",
			       NULL), 0);
	ck_assert_int_eq(o.exec_argc, 2);
}
END_TEST

START_TEST(test_shell_default_node)
{
	struct cs_opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, "--nodes", "2", "shell", NULL), 0);
	ck_assert_int_eq(o.cmd, CS_CMD_SHELL);
	ck_assert_int_eq(o.node, 1);
	ck_assert_int_eq(parse(&o, err, "--nodes", "2", "shell", "2", NULL), 0);
	ck_assert_int_eq(o.node, 2);
	ck_assert_int_eq(parse(&o, err, "--help", NULL), 0);
	ck_assert_int_eq(o.cmd, CS_CMD_HELP);
}
END_TEST

START_TEST(test_bad_args)
{
	static const char *const bad[][10] = {
		{ "--bogus", "run", "x", NULL },
		{ "--nodes", "0", "run", "x", NULL },
		{ "--nodes", "65", "run", "x", NULL },
		{ "--nodes", "3x", "run", "x", NULL },
		{ "--nodes", NULL },
		{ "--mem", "12", "run", "x", NULL },
		{ "--timeout", "-1", "run", "x", NULL },
		{ "--wire-delay", "x", "run", "x", NULL },
		{ "--wire-delay", "10001", "run", "x", NULL },
		{ "--wire-loss", "101", "run", "x", NULL },
		{ "--wire-loss", "1.2.3", "run", "x", NULL },
		{ "--wire-dup", "-1", "run", "x", NULL },
		{ "--wire-dup", NULL },
		{ "run", NULL },
		{ "run", "a", "b", NULL },
		{ "frobnicate", NULL },
		{ NULL },
		{ "--nodes", "2", "exec", "3", "--", "true", NULL },
		{ "exec", "1", NULL },
		{ "exec", "0", "--", "true", NULL },
		{ "--nodes", "2", "shell", "3", NULL },
		{ "--backend", "kvm", "run", "x", NULL },
		{ "--backend", NULL },
		{ "--qemu-nodes", "0", "run", "x", NULL },
		{ "--qemu-nodes", "65", "run", "x", NULL },
		{ "--qemu-nodes", "3,", "run", "x", NULL },
		{ "--qemu-nodes", "4-2", "run", "x", NULL },
		{ "--qemu-nodes", "2,x", "run", "x", NULL },
		{ "--backend", "qemu", "--qemu-nodes", "2", "run", "x", NULL },
		{ "--nodes", "2", "--qemu-nodes", "3", "exec", "1", "--", "true", NULL },
		{ "--smp", "0", "run", "x", NULL },
		{ "--smp", "9", "run", "x", NULL },
		{ "--qemu-kernel", "", "run", "x", NULL },
		{ "--accel", "hvf", "run", "x", NULL },
		{ "--env", "1X=2", "run", "x", NULL },
		{ "--env", "NOEQ", "run", "x", NULL },
		{ "--seed", "-1", "run", "x", NULL },
		{ "--seed", "4294967296", "run", "x", NULL },
		{ "--seed", "1", "--seed", "2", "run", "x", NULL },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[12] = { "clustersim" };
		int argc = 1;
		struct cs_opts o;
		char err[256] = "";

		for (int k = 0; bad[i][k]; k++)
			argv[argc++] = (char *)bad[i][k];
		ck_assert_msg(cs_parse_args(argc, argv, &o, err, sizeof(err)) == -1,
			      "case %zu accepted", i);
		ck_assert_msg(err[0] && !strchr(err, '\n'),
			      "case %zu: message '%s'", i, err);
	}
}
END_TEST

START_TEST(test_backend_options)
{
	char *argv[] = { "clustersim", "--qemu-nodes", "2,4-5", "--smp=3",
			 "--accel=tcg", "--qemu-kernel", "/k", "--qemu-module=/m",
			 "run", "x", NULL };
	char *all[] = { "clustersim", "--backend=qemu", "exec", "1", "nproc",
			NULL };
	unsigned long long m = 0;
	struct cs_opts o;
	char err[256] = "";

	ck_assert_int_eq(cs_parse_args(10, argv, &o, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.qemu_nodes, 0x1aULL);
	ck_assert_int_eq(o.smp, 3);
	ck_assert_str_eq(o.accel, "tcg");
	ck_assert(!o.backend_given);
	ck_assert_str_eq(o.qemu_kernel, "/k");
	ck_assert_str_eq(o.qemu_module, "/m");
	ck_assert_int_eq(cs_parse_args(5, all, &o, err, sizeof(err)), 0);
	ck_assert(o.backend_given);
	ck_assert_int_eq(o.backend, CS_BACKEND_QEMU);
	ck_assert_uint_eq(o.qemu_nodes, 0);
	{
		char *e[] = { "clustersim", "-e", "A=1", "--env=B_2=x y",
			      "--seed", "42", "run", "x", NULL };

		ck_assert_int_eq(cs_parse_args(8, e, &o, err, sizeof(err)), 0);
		ck_assert_int_eq(o.nenv, 3);
		ck_assert_str_eq(o.env[0], "A=1");
		ck_assert_str_eq(o.env[1], "B_2=x y");
		ck_assert_str_eq(o.env[2], "CP_SEED=42");
	}
	ck_assert_int_eq(cs_parse_node_list("64", &m), 0);
	ck_assert_uint_eq(m, 1ULL << 63);
	ck_assert_int_eq(cs_parse_node_list("1-64", &m), 0);
	ck_assert_uint_eq(m, ~0ULL);
	ck_assert_int_eq(cs_parse_node_list("", &m), -1);
	ck_assert_int_eq(cs_parse_node_list("-2", &m), -1);
}
END_TEST

START_TEST(test_mem_parse)
{
	unsigned int mb;

	ck_assert_int_eq(cs_parse_mem("64", &mb), 0);
	ck_assert_uint_eq(mb, 64);
	ck_assert_int_eq(cs_parse_mem("1G", &mb), 0);
	ck_assert_uint_eq(mb, 1024);
	ck_assert_int_eq(cs_parse_mem("8M", &mb), -1);
	ck_assert_int_eq(cs_parse_mem("64K", &mb), -1);
	ck_assert_int_eq(cs_parse_mem("", &mb), -1);
}
END_TEST

/* Run the real binary; returns its exit status, stderr in err. */
static int run_bin(char *err, size_t errlen, const char *const *args)
{
	const char *bin = getenv("CS_TEST_BIN");
	char *argv[16];
	int pfd[2], st, n = 0;
	pid_t pid;

	ck_assert_msg(bin && *bin, "CS_TEST_BIN not set");
	argv[n++] = (char *)bin;
	for (; *args; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execv(bin, argv);
		_exit(99);
	}
	close(pfd[1]);
	{
		size_t used = 0;
		ssize_t r;

		while (used + 1 < errlen &&
		       (r = read(pfd[0], err + used, errlen - 1 - used)) > 0)
			used += (size_t)r;
		err[used] = '\0';
	}
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * A file that passes for a kernel (executable, with a linux_banner) but
 * must never run: it would create a marker file.
 */
static void write_fake_kernel(const char *path, const char *marker)
{
	static const char banner[] =
		"Linux version 6.1.0-fake (u@h) (gcc) #1 Mon Jan 1 00:00:00 UTC 2024\n";
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\ntouch %s\nexit 0\n", marker);
	ck_assert_int_eq(fwrite(banner, 1, sizeof(banner), f), sizeof(banner));
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

/* Exactly one line on stderr, naming what is wrong. */
static void assert_one_line(const char *err, const char *names, int i)
{
	size_t n = strlen(err);

	ck_assert_msg(n > 0 && err[n - 1] == '\n' && strchr(err, '\n') == err + n - 1,
		      "case %d: not one line: '%s'", i, err);
	ck_assert_msg(strstr(err, names), "case %d: '%s' does not name '%s'",
		      i, err, names);
}

START_TEST(test_binary_usage_errors)
{
	char tmpl[] = "/tmp/cs-cli-XXXXXX", runs[64], scn[64], bad[64],
	     quote[64], kern[64], marker[64], err[4096], hidden[64],
	     prog[64], line[128];
	char longruns[128];
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(runs, sizeof(runs), "%s/runs", tmpl);
	/* too long for the run's unix sockets (sun_path: 108 bytes) */
	snprintf(longruns, sizeof(longruns), "%s/runs-%060d", tmpl, 0);
	snprintf(scn, sizeof(scn), "%s/ok.scn", tmpl);
	snprintf(bad, sizeof(bad), "%s/bad.scn", tmpl);
	snprintf(quote, sizeof(quote), "%s/quote.scn", tmpl);
	snprintf(kern, sizeof(kern), "%s/linux", tmpl);
	snprintf(marker, sizeof(marker), "%s/started", tmpl);
	write_file(scn, "nodes 2\nrun all /bin/true\n");
	write_file(bad, "nodes 2\nrun all /bin/true\nrun 3 /bin/true\n");
	write_file(quote, "nodes 1\nrun all /bin/echo 'open\n");
	write_fake_kernel(kern, marker);
	/* a program under /tmp: the nodes' own tmpfs hides it from them */
	snprintf(hidden, sizeof(hidden), "%s/hidden.scn", tmpl);
	snprintf(prog, sizeof(prog), "%s/prog", tmpl);
	write_file(prog, "#!/bin/sh\n");
	ck_assert_int_eq(chmod(prog, 0755), 0);
	snprintf(line, sizeof(line), "nodes 1\nrun all %s\n", prog);
	write_file(hidden, line);
	{
		const struct {
			const char *args[14];
			const char *names;
		} bad_cases[] = {
			{ { "--bogus", "--kernel", kern, "run", scn }, "--bogus" },
			{ { "--nodes", "0", "--kernel", kern, "run", scn }, "--nodes" },
			{ { "--nodes", "65", "--kernel", kern, "exec", "1", "--", "true" }, "--nodes" },
			{ { "--nodes", "-3", "--kernel", kern, "shell" }, "--nodes" },
			{ { "--kernel", "/nonexistent/linux", "--runs", runs, "run", scn }, "kernel" },
			{ { "--kernel", "/bin/true", "--runs", runs, "--no-module", "run", scn }, "banner" },
			{ { "--kernel", kern, "--runs", runs, "--no-module", "run", bad }, "bad.scn:3:" },
			{ { "--kernel", kern, "--runs", runs, "--no-module", "run", quote }, "quote.scn:2:" },
			{ { "--kernel", kern, "--runs", runs, "--no-module", "run", "/nonexistent.scn" }, "nonexistent.scn" },
			{ { "--kernel", kern, "--runs", runs, "--nodes", "2", "exec", "3", "--", "true" }, "out of range" },
			{ { "--kernel", kern, "--runs", runs, "--module", "/nonexistent.ko", "exec", "1", "--", "true" }, "module" },
			{ { "--kernel", kern, "frobnicate" }, "frobnicate" },
			{ { "--kernel", kern, "--runs", runs, "--no-module", "run", hidden }, "under /tmp" },
			{ { "--kernel", kern, "--runs", runs, "--no-module", "--qemu-nodes", "3", "run", scn }, "QEMU node 3" },
			{ { "--kernel", kern, "--runs", longruns, "--no-module", "run", scn }, "too long" },
			{ { "--qemu-kernel", "/nonexistent/vmlinux", "--runs", runs, "--backend", "qemu", "run", scn }, "QEMU kernel" },
			{ { "--qemu-kernel", "/bin/true", "--runs", runs, "--no-module", "--backend", "qemu", "run", scn }, "banner" },
		};

		for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
			ck_assert_msg(run_bin(err, sizeof(err), bad_cases[i].args) == 2,
				      "case %zu: exit status not 2 (%s)", i, err);
			assert_one_line(err, bad_cases[i].names, (int)i);
		}
	}
	{
		const char *a[] = { "--help", NULL };

		ck_assert_int_eq(run_bin(err, sizeof(err), a), 0);
	}
	/* nothing was started: no runs dir, the "kernel" never ran */
	ck_assert_int_eq(stat(runs, &st), -1);
	ck_assert_int_eq(stat(longruns, &st), -1);
	ck_assert_int_eq(stat(marker, &st), -1);
	unlink(scn);
	unlink(bad);
	unlink(quote);
	unlink(hidden);
	unlink(prog);
	unlink(kern);
	rmdir(tmpl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");
	TCase *tb = tcase_create("binary");

	tcase_add_test(tc, test_run_with_options);
	tcase_add_test(tc, test_exec_argv);
	tcase_add_test(tc, test_shell_default_node);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_backend_options);
	tcase_add_test(tc, test_mem_parse);
	tcase_add_test(tb, test_binary_usage_errors);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tb);
	return unit_run(s);
}
