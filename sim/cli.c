/* cli.c: parse the launcher's command line into struct cs_opts. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cs_usage_text[] =
"usage: clustersim [OPTIONS] run SCENARIO_FILE\n"
"       clustersim [OPTIONS] exec NODE -- CMD [ARGS...]\n"
"       clustersim [OPTIONS] shell [NODE]\n"
"\n"
"Boots N User-mode Linux nodes (or QEMU x86_64 VMs) on one vde_switch,\n"
"joins them over TIPC,\n"
"runs the scenario (or one command, or a shell) inside them and tears\n"
"everything down again.\n"
"\n"
"options:\n"
"  -n, --nodes N         number of nodes, 1..64 (run: default and minimum\n"
"                        from the scenario; exec/shell: default 1)\n"
"  -k, --kernel PATH     UML kernel (default: <bindir>/../uml/default/linux if\n"
"                        built, else ../uml/debug/linux, with its module)\n"
"  -m, --module PATH     clusterproc.ko to insmod on every node (default\n"
"                        <bindir>/../module/<flavor>/clusterproc.ko of the\n"
"                        kernel picked, if present; with --kernel: default)\n"
"      --no-module       do not load any module\n"
"  -e, --env KEY=VALUE   environment for every command (repeatable; after\n"
"                        the scenario's env lines, so it wins)\n"
"      --seed N          the seed of the seeded race tests: --env CP_SEED=N\n"
"                        (test_races prints its seed and how to replay it)\n"
"      --backend uml|qemu  what runs every node (default uml); a QEMU node\n"
"                        is an x86_64 VM with --smp CPUs, KVM if /dev/kvm\n"
"                        opens, on the same switch and with the same init\n"
"      --qemu-nodes LIST  these nodes are QEMU, the rest UML (e.g. 3, 2,3)\n"
"      --qemu-kernel PATH  x86_64 vmlinux for QEMU nodes (default:\n"
"                        <bindir>/../qemu/qemu/vmlinux if built, else\n"
"                        ../qemu/qemu-debug/vmlinux, with its module)\n"
"      --qemu-module PATH  clusterproc.ko built for the QEMU kernel\n"
"      --smp N           CPUs of a QEMU node, 1..8 (default 2)\n"
"      --accel kvm|tcg   QEMU's accelerator (default: KVM if /dev/kvm opens\n"
"                        and the CPU has vmx or svm, else TCG)\n"
"      --mem SIZE        memory per node, e.g. 64M (default 64M; QEMU 256M)\n"
"      --kernel-args ARGS  more kernel command line words for every node,\n"
"                        blank-separated (e.g. 'loglevel=8 panic_on_warn=1')\n"
"  -t, --timeout S       global timeout in seconds (default: scenario, else 120)\n"
"      --runs DIR        where runs/<id>/ go (default ./runs)\n"
"      --switches K      deal the nodes over K vde switches (1..8; node N on\n"
"                        switch (N-1)%K+1), joined to switch 1 by vde cables\n"
"                        (dpipe vde_plug = vde_plug)\n"
"      --wire-delay MS, --wire-loss PCT, --wire-dup PCT\n"
"                        put a vde wirefilter between every node and the\n"
"                        switch: delay (0..10000 ms), loss, duplication\n"
"                        (0..100 %) on each node's link, both directions\n"
"      --expect-clusterproc  kernel-identity requires CONFIG_CLUSTERPROC=y\n"
"      --expect-krel-suffix S  kernel-identity requires the running kernel's\n"
"                        release to end in S (the pipeline's -cp<series sha>)\n"
"      --tipc-tolerance MS   TIPC link tolerance once the cluster has formed\n"
"                        (50..30000; default max(1500, 50 * nodes))\n"
"      --tipc-join-tolerance MS  link tolerance while the cluster forms\n"
"                        (50..30000; default 25 * nodes within 200..1500:\n"
"                        short makes links come up sooner, too short makes\n"
"                        CPU-starved nodes lose them)\n"
"  -q, --quiet           no per-node progress lines\n"
"      --trace           record the module's events on every node (debugfs\n"
"                        trace ring, from the job's start) and draw them:\n"
"                        runs/<id>/trace.txt, trace.msc, trace.svg (mscgen)\n"
"  -h, --help            this text\n"
"\n"
"scenario file (line based, '#' starts a comment):\n"
"  nodes N               required: the minimum number of nodes (1..64)\n"
"  timeout S             global timeout in seconds\n"
"  env KEY=VALUE         environment for every command\n"
"  wire delay MS loss PCT dup PCT   as --wire-* (any of the pairs)\n"
"  backend qemu [NODES]  these nodes (all if none) are QEMU VMs, unless\n"
"                        --backend or --qemu-nodes says otherwise\n"
"  run all PROG [ARGS]   run PROG on every node\n"
"  run N PROG [ARGS]     run PROG on node N\n"
"  Commands of one node run in file order. PROG without '/' is taken from\n"
"  <bindir>/../tests/guest/. Arguments split on blanks; '...' and \"...\"\n"
"  quote, backslash escapes. Each command writes TAP to\n"
"  runs/<id>/node<N>/<NN>-<prog>.tap (CK_TAP_LOG_FILE_NAME) and its output\n"
"  to the matching .log.\n"
"\n"
"exit status: 0 all passed; 1 a test failed, a node failed, a kernel splat\n"
"or a timeout; 2 bad usage (nothing started); exec, shell: the command's\n"
"or shell's status (125 if the cluster itself failed).\n";

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

bool cs_is_number_in(const char *s, double lo, double hi)
{
	int dots = 0, digits = 0;
	double v;

	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '.')
			dots++;
		else if (*p >= '0' && *p <= '9')
			digits++;
		else
			return false;
	}
	if (dots > 1 || !digits)
		return false;
	v = strtod(s, NULL);
	return v >= lo && v <= hi;
}

bool cs_str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return m <= n && strcmp(s + n - m, suffix) == 0;
}

int cs_parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	if (!s || !*s || *s == '+' || *s == '-' || *s == ' ')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int cs_parse_mem(const char *s, unsigned int *mb)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno)
		return -1;
	if (*end == 'G' || *end == 'g') {
		if (v > 4)
			return -1;
		v *= 1024;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		end++;
	}
	if (*end || v < 16 || v > 4096)
		return -1;
	*mb = (unsigned int)v;
	return 0;
}

bool cs_env_key_ok(const char *s)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s)
		return false;
	for (const char *p = s; p < eq; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= 'a' && *p <= 'z') ||
		      (p > s && *p >= '0' && *p <= '9')))
			return false;
	return true;
}

static int add_env(struct cs_opts *o, const char *kv, char *err, size_t errlen)
{
	if (o->nenv >= CS_MAX_ENV)
		return fail(err, errlen, "--env/--seed: at most %d", CS_MAX_ENV);
	o->env[o->nenv++] = kv;
	return 0;
}

int cs_parse_node_list(const char *s, unsigned long long *mask)
{
	unsigned long long m = 0;

	if (!s || !*s)
		return -1;
	while (*s) {
		char *end;
		long lo, hi;

		if (*s < '0' || *s > '9')
			return -1;
		lo = strtol(s, &end, 10);
		hi = lo;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -1;
			hi = strtol(end + 1, &end, 10);
		}
		if (lo < 1 || hi > CS_MAX_NODES || lo > hi)
			return -1;
		for (long n = lo; n <= hi; n++)
			m |= 1ULL << (n - 1);
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	*mask = m;
	return 0;
}

/* "--name=value" or "--name value": returns the value or NULL. */
static const char *opt_value(const char *arg, const char *lname,
			     const char *sname, int argc, char **argv, int *i,
			     bool *matched)
{
	size_t n = strlen(lname);

	*matched = false;
	if ((sname && strcmp(arg, sname) == 0) || strcmp(arg, lname) == 0) {
		*matched = true;
		if (*i + 1 >= argc)
			return NULL;
		return argv[++*i];
	}
	if (strncmp(arg, lname, n) == 0 && arg[n] == '=') {
		*matched = true;
		return arg + n + 1;
	}
	return NULL;
}

static int parse_command(int argc, char **argv, int i, struct cs_opts *o,
			 char *err, size_t errlen)
{
	const char *c = argv[i++];

	if (strcmp(c, "run") == 0) {
		o->cmd = CS_CMD_RUN;
		if (i >= argc)
			return fail(err, errlen, "run: missing SCENARIO_FILE");
		o->scenario = argv[i++];
		if (i < argc)
			return fail(err, errlen, "run: unexpected argument '%s'",
				    argv[i]);
		return 0;
	}
	if (strcmp(c, "exec") == 0) {
		o->cmd = CS_CMD_EXEC;
		if (i >= argc)
			return fail(err, errlen, "exec: missing NODE");
		if (cs_parse_int(argv[i], 1, INT_MAX, &o->node))
			return fail(err, errlen, "exec: bad node number '%s'",
				    argv[i]);
		i++;
		if (i < argc && strcmp(argv[i], "--") == 0)
			i++;
		if (i >= argc)
			return fail(err, errlen, "exec: missing CMD");
		o->exec_argv = argv + i;
		o->exec_argc = argc - i;
		return 0;
	}
	if (strcmp(c, "shell") == 0) {
		o->cmd = CS_CMD_SHELL;
		o->node = 1;
		if (i < argc && cs_parse_int(argv[i++], 1, INT_MAX, &o->node))
			return fail(err, errlen, "shell: bad node number '%s'",
				    argv[i - 1]);
		if (i < argc)
			return fail(err, errlen, "shell: unexpected argument '%s'",
				    argv[i]);
		return 0;
	}
	return fail(err, errlen, "unknown command '%s' (run, exec, shell)", c);
}

int cs_parse_args(int argc, char **argv, struct cs_opts *o,
		  char *err, size_t errlen)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v;
		bool m;

		if (a[0] != '-' || strcmp(a, "-") == 0)
			break;
		if (strcmp(a, "--") == 0)
			return fail(err, errlen, "'--' before a command");
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			o->cmd = CS_CMD_HELP;
			return 0;
		}
		if (strcmp(a, "--no-module") == 0) {
			o->no_module = true;
			continue;
		}
		if (strcmp(a, "--expect-clusterproc") == 0) {
			o->expect_clusterproc = true;
			continue;
		}
		if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o->quiet = true;
			continue;
		}
		if (strcmp(a, "--trace") == 0) {
			o->trace = true;
			continue;
		}
		v = opt_value(a, "--env", "-e", argc, argv, &i, &m);
		if (m) {
			if (!v || !cs_env_key_ok(v))
				return fail(err, errlen,
					    "--env: '%s' is not KEY=VALUE", v ? v : "");
			if (add_env(o, v, err, errlen))
				return -1;
			continue;
		}
		v = opt_value(a, "--seed", NULL, argc, argv, &i, &m);
		if (m) {
			unsigned long s;
			char *end;

			errno = 0;
			s = v && *v >= '0' && *v <= '9' ? strtoul(v, &end, 10) : 0;
			if (!v || *v < '0' || *v > '9' || *end || errno ||
			    s > 4294967295UL || o->seed_env[0])
				return fail(err, errlen,
					    "--seed: '%s' is not a number in 0..4294967295 (once)",
					    v ? v : "");
			snprintf(o->seed_env, sizeof(o->seed_env), "CP_SEED=%lu", s);
			if (add_env(o, o->seed_env, err, errlen))
				return -1;
			continue;
		}
		v = opt_value(a, "--accel", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v || (strcmp(v, "kvm") && strcmp(v, "tcg")))
				return fail(err, errlen,
					    "--accel: '%s' is not kvm or tcg",
					    v ? v : "");
			o->accel = v;
			continue;
		}
		v = opt_value(a, "--backend", NULL, argc, argv, &i, &m);
		if (m) {
			if (v && strcmp(v, "uml") == 0)
				o->backend = CS_BACKEND_UML;
			else if (v && strcmp(v, "qemu") == 0)
				o->backend = CS_BACKEND_QEMU;
			else
				return fail(err, errlen,
					    "--backend: '%s' is not uml or qemu",
					    v ? v : "");
			o->backend_given = true;
			continue;
		}
		v = opt_value(a, "--qemu-nodes", NULL, argc, argv, &i, &m);
		if (m) {
			if (cs_parse_node_list(v, &o->qemu_nodes))
				return fail(err, errlen,
					    "--qemu-nodes: '%s' is not a node list like 3 or 2,3 (1..%d)",
					    v ? v : "", CS_MAX_NODES);
			continue;
		}
		v = opt_value(a, "--qemu-kernel", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v || !*v)
				return fail(err, errlen, "--qemu-kernel needs a path");
			o->qemu_kernel = v;
			continue;
		}
		v = opt_value(a, "--qemu-module", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v || !*v)
				return fail(err, errlen, "--qemu-module needs a path");
			o->qemu_module = v;
			continue;
		}
		v = opt_value(a, "--smp", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v || cs_parse_int(v, 1, 8, &o->smp))
				return fail(err, errlen,
					    "--smp: '%s' is not a CPU count in 1..8",
					    v ? v : "");
			continue;
		}
		v = opt_value(a, "--nodes", "-n", argc, argv, &i, &m);
		if (m) {
			if (!v)
				return fail(err, errlen, "--nodes needs a value");
			if (cs_parse_int(v, 1, CS_MAX_NODES, &o->nodes))
				return fail(err, errlen,
					    "--nodes: '%s' is not a node count in 1..%d",
					    v, CS_MAX_NODES);
			continue;
		}
		v = opt_value(a, "--kernel", "-k", argc, argv, &i, &m);
		if (m) {
			if (!v || !*v)
				return fail(err, errlen, "--kernel needs a path");
			o->kernel = v;
			continue;
		}
		v = opt_value(a, "--module", "-m", argc, argv, &i, &m);
		if (m) {
			if (!v || !*v)
				return fail(err, errlen, "--module needs a path");
			o->module = v;
			continue;
		}
		v = opt_value(a, "--mem", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v || cs_parse_mem(v, &o->mem_mb))
				return fail(err, errlen,
					    "--mem: '%s' is not a size in 16M..4G",
					    v ? v : "");
			continue;
		}
		v = opt_value(a, "--switches", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v || cs_parse_int(v, 1, 8, &o->switches))
				return fail(err, errlen,
					    "--switches: '%s' is not a count in 1..8",
					    v ? v : "");
			continue;
		}
		v = opt_value(a, "--timeout", "-t", argc, argv, &i, &m);
		if (m) {
			if (!v || cs_parse_int(v, 1, 86400, &o->timeout))
				return fail(err, errlen,
					    "--timeout: '%s' is not seconds in 1..86400",
					    v ? v : "");
			continue;
		}
		v = opt_value(a, "--tipc-tolerance", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v || cs_parse_int(v, 50, 30000, &o->tipc_tolerance))
				return fail(err, errlen,
					    "--tipc-tolerance: '%s' is not ms in 50..30000",
					    v ? v : "");
			continue;
		}
		v = opt_value(a, "--expect-krel-suffix", NULL, argc, argv, &i,
			      &m);
		if (m) {
			if (!v || !*v || strchr(v, ' ') || strlen(v) > 64)
				return fail(err, errlen,
					    "--expect-krel-suffix needs a release suffix without blanks");
			o->expect_krel_suffix = v;
			continue;
		}
		v = opt_value(a, "--tipc-join-tolerance", NULL, argc, argv, &i,
			      &m);
		if (m) {
			if (!v || cs_parse_int(v, 50, 30000,
					       &o->tipc_join_tolerance))
				return fail(err, errlen,
					    "--tipc-join-tolerance: '%s' is not ms in 50..30000",
					    v ? v : "");
			continue;
		}
		{
			static const struct {
				const char *name;
				double hi;
				size_t off;
			} wire[] = {
				{ "--wire-delay", 10000, offsetof(struct cs_opts, wire_delay) },
				{ "--wire-loss", 100, offsetof(struct cs_opts, wire_loss) },
				{ "--wire-dup", 100, offsetof(struct cs_opts, wire_dup) },
			};
			size_t w;

			for (w = 0; w < sizeof(wire) / sizeof(wire[0]); w++) {
				v = opt_value(a, wire[w].name, NULL, argc, argv,
					      &i, &m);
				if (m)
					break;
			}
			if (m) {
				if (!cs_is_number_in(v, 0, wire[w].hi))
					return fail(err, errlen,
						    "%s: '%s' is not a number in 0..%g",
						    wire[w].name, v ? v : "",
						    wire[w].hi);
				*(const char **)((char *)o + wire[w].off) = v;
				continue;
			}
		}
		v = opt_value(a, "--kernel-args", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v)
				return fail(err, errlen, "--kernel-args needs a value");
			o->kernel_args = v;
			continue;
		}
		v = opt_value(a, "--runs", NULL, argc, argv, &i, &m);
		if (m) {
			if (!v || !*v)
				return fail(err, errlen, "--runs needs a directory");
			o->runs = v;
			continue;
		}
		return fail(err, errlen, "unknown option '%s' (see --help)", a);
	}
	if (i >= argc)
		return fail(err, errlen, "missing command (run, exec, shell; see --help)");
	if (parse_command(argc, argv, i, o, err, errlen))
		return -1;
	if (o->backend_given && o->qemu_nodes)
		return fail(err, errlen,
			    "--backend and --qemu-nodes: give one of them");
	if (o->cmd == CS_CMD_EXEC || o->cmd == CS_CMD_SHELL) {
		int n = o->nodes ? o->nodes : 1;

		if (o->qemu_nodes >> n)
			return fail(err, errlen,
				    "--qemu-nodes: the cluster has %d node%s",
				    n, n == 1 ? "" : "s");
		if (o->node > n)
			return fail(err, errlen,
				    "node %d out of range: the cluster has %d node%s",
				    o->node, n, n == 1 ? "" : "s");
	}
	return 0;
}
