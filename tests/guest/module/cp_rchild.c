/*
 * cp_rchild MODE ARGS...: what the process-model tests run on another
 * node (through cp_rexecvp()). It reports only through its exit status,
 * which the test reads with wait(2) on the parent's node:
 *   exit CODE                 exit(CODE)
 *   signal SIG                die from SIG (default action)
 *   sleep MS                  sleep, exit 0
 *   readin                    read(0) once: exit with the byte count, or
 *                             100 + errno if it failed
 *   writeout                  write(1, "hello\n", 6) once: exit with the
 *                             byte count, or 100 + errno
 *   orphanread MS             wait up to MS for getppid() == 1, then
 *                             read(0) once; print "read N errno E" on
 *                             fd 2, exit 0; 99 if getppid() stayed
 *   sicode SIG MS             a handler for SIG, then SIG unblocked (it
 *                             may come blocked across the move), sleep MS:
 *                             exit 80 if SIG came with si_code SI_KERNEL,
 *                             81 SI_USER, 82 otherwise; 0 if none came
 *   parent NODE MS [MODE ARGS...]
 *                             fork a child that runs "cp_rchild word MS"
 *                             (or "cp_rchild MODE ARGS...") on NODE (in
 *                             our process group), then sleep MS without
 *                             reaping it, exit 0; 1 if the fork fails
 *                             (the child: 2 if its move does)
 *   fork NODE MS              as parent, but exit 0 at once: the child
 *                             lives on as an orphan of its node
 *   pdeath SIG MS             PR_SET_PDEATHSIG SIG, then sleep MS, exit
 *                             0 (SIG's default action may end it first)
 *   touch KB                  write KB of fresh memory (page faults,
 *                             max RSS), exit 0; 1 if it cannot allocate
 *   ownpgrp MS                setpgid(0, 0), then sleep MS: 0, or 3 if
 *                             setpgid failed
 *   ownsession MS             setsid(), then sleep MS: 0, or 3
 *   setsidread                setsid(), then read(0) once: exit with the
 *                             byte count, or 100 + errno; 3 if setsid
 *                             failed
 *   burn MS                   use MS of CPU time, exit 0
 *   check PPID PID NODE [PGRP SID]
 *                             exit 0 if getppid() == PPID, getpid() == PID,
 *                             this node is NODE (and getpgrp() == PGRP,
 *                             getsid(0) == SID); 1..5 otherwise
 *   orphan PPID MS            wait up to MS for getppid() == PPID: 0 or 1
 *   stop CODE                 raise(SIGSTOP); once continued, exit(CODE)
 *   hupstop MS                count SIGHUP and SIGCONT (handlers), then
 *                             raise(SIGSTOP); once continued, sleep MS:
 *                             exit 10 * SIGHUPs + SIGCONTs (each once:
 *                             11), at most 9 of each
 *   kill PID SIG              exit 0 if kill(PID, SIG) == 0, else errno
 *   killloop PGRP SIG MAX     kill(-PGRP, SIG) again and again until it
 *                             fails ESRCH (the group is gone): 0; 1 after
 *                             MAX sends; 2 + errno for another error
 *   nskill PID SIG UID NS     become UID (no groups), with NS 1 also root
 *                             of a new user namespace (unshare -Ur), NS 3
 *                             also pid 1 of a new pid namespace in it
 *                             (unshare -Urpf), then as kill: 0 or errno;
 *                             90+ set-up failed
 *   nsattach PID UID NS       the same set-up, then PTRACE_ATTACH PID: 0
 *                             (and detached) or errno
 *   nswhere PID UID NS        the same set-up, then cp_where(PID): 0 if
 *                             found (on any node), or errno
 *   pattern BYTES             write BYTES of cp_pattern() to stdout (64 KiB
 *                             writes): 0, 32 if a write failed with EPIPE,
 *                             1 on another error
 *   where PID NODE            exit 0 if cp_where(PID) == NODE, 1 if other
 *                             node, 2 + errno if not found
 *   delay POINT US            set this node's debugfs delay_us/POINT: 0 or
 *                             errno
 *   failcall TIMES MS         the next TIMES calls this node's module makes
 *                             fail with ENOMEM (debugfs fail_call/, the
 *                             kernel's fault injection, quietly); sleep
 *                             MS, exit 0; 95 if the kernel has no fault
 *                             injection, 96 if a knob cannot be set
 *   attach PID MS             PTRACE_ATTACH PID (on another node: remote
 *                             ptrace) and wait for its stop; hold it
 *                             stopped for MS, exit 0; 10 + errno if not
 *   rtcount MS                with SIGRTMIN blocked (by its spawner: the
 *                             mask crosses the move), sleep MS, exit with
 *                             how many SIGRTMIN were queued (a real-time
 *                             signal queues each one sent); 99 if it was
 *                             not blocked
 *   creds UID                 exit 0 if uid and euid are UID and
 *                             CAP_SYS_ADMIN is not in the bounding set
 *                             (as for the test runner); 1, 2 otherwise
 *   pubhold WAIT MS UID       sleep WAIT ms, become UID (no groups), bind
 *                             a TIPC socket to this node's clusterproc
 *                             service name {type, node} as the module's
 *                             own, hold it MS: 0, or 10 + errno (90+: the
 *                             set-up failed); a HELLO a module sends it
 *                             meanwhile (its ask for a proof, carrying
 *                             its own) goes back to that module as this
 *                             node's proof (a replay)
 *   leave MS                  this node leaves the cluster (debugfs leave),
 *                             joins again after MS, exit 0
 *   sigstate MS               exit 0 once SIGUSR1 is pending (up to MS;
 *                             1 if not), if SIGUSR1 is blocked (else 2)
 *                             and SIGHUP ignored (else 3)
 *   word MS                   put CP_WORD at CP_WORD_ADDR (a tracer's
 *                             PEEKDATA reads it); exit 1 once it reads
 *                             CP_WORD2 there (a tracer's POKEDATA), 0
 *                             after MS
 *   stopcont MS N PERIOD_US   fork a helper that stops and continues this
 *                             process N times (PERIOD_US apart), sleep MS
 *                             (through the stops), exit 0
 *   flushorder NOTIFIED       once this node's hook_notify_parent is at
 *                             least NOTIFIED (events of other processes
 *                             are being sent or queued): fork a child
 *                             whose second thread exits, then it, and
 *                             reap it (its zombie is reported once the
 *                             thread is released, after the thread's
 *                             exit_flush); exit 0 if notify_sent did not
 *                             move meanwhile (no exit waited for others'
 *                             events), 1 if it did, 2 if the counters
 *                             never got there
 *   threadexec CODE           a second thread execs "cp_rchild exit CODE"
 *                             (de_thread(): the thread takes over the
 *                             process's pid); 7x if that fails
 *   failexit N CODE           the N-th allocation that may fail (FAILSLAB:
 *                             an atomic one) from now on in this thread
 *                             fails (/proc/thread-self/fail-nth), then
 *                             _exit(CODE); 98 if the kernel has no
 *                             fail-nth (no CONFIG_FAULT_INJECTION)
 *   status KEY VALUE          exit 0 if /proc/self/status has "KEY:\tVALUE",
 *                             1 if KEY has another value, 2 if no KEY
 *   rlimit RES CUR MAX        exit 0 if getrlimit(RES) is CUR/MAX (-1:
 *                             infinity), 1 if not, 2 if it fails
 *   attachleave PID MS STAY   PTRACE_ATTACH PID and wait for its stop,
 *                             then this node leaves the cluster for MS
 *                             (as leave), then stays (tracing) STAY ms:
 *                             0, or 10 + errno of the attach or wait,
 *                             2/3 for the leave or the join
 *   leaveafter WAIT MS        sleep WAIT ms, then as leave MS
 *   pingafter MS NODE         sleep MS, then ping NODE through the module
 *                             (debugfs ping): exit 0 or its errno
 *   inject NODE TYPE HEX      this node's module sends NODE one request
 *                             of TYPE with payload HEX (debugfs inject):
 *                             exit 0 if NODE accepted it, else its errno
 *   zombies                   exit with the number of zombies on this
 *                             node (/proc/PID/stat state Z; at most 100)
 *   injectself NODE TYPE HEX  this node's module sends NODE one request
 *                             of TYPE whose payload is our pid (big
 *                             endian) then HEX (debugfs inject): exit 0
 *                             if NODE accepted it, else its errno
 */
#include "cp_proc_util.h"
#include "cp_test_util.h"
#include "cp_wire.h"
#include "libclusterproc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/tipc.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long arg(char **argv, int i)
{
	return strtol(argv[i], NULL, 10);
}

/*
 * Become uid; ns bit 1: also root of a new user namespace, bit 2: then
 * pid 1 of a new pid namespace (the caller goes on in a child; this
 * process only passes on its exit status). 0, or 90+ if set-up failed.
 */
static int ns_become(uid_t uid, int ns)
{
	char map[64];
	pid_t child;
	int st;

	/* dumpable again after setuid: /proc/self/uid_map is ours to write */
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid) ||
	    prctl(PR_SET_DUMPABLE, 1))
		return 90;
	if (ns & 1) {
		if (unshare(CLONE_NEWUSER))
			return 91;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
		if (cp_write_file("/proc/self/setgroups", "deny") ||
		    cp_write_file("/proc/self/uid_map", map) ||
		    cp_write_file("/proc/self/gid_map", map))
			return 92;
		if (getuid() != 0)
			return 93;
	}
	if (!(ns & 2))
		return 0;
	if (unshare(CLONE_NEWPID))
		return 94;
	child = fork();
	if (child < 0)
		return 95;
	if (child == 0)
		return getpid() == 1 ? 0 : 96;
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st))
		_exit(97);
	_exit(WEXITSTATUS(st));
}

/* nskill PID SIG UID NS: see the header */
static int nskill(char **argv)
{
	int err = ns_become((uid_t)arg(argv, 4), (int)arg(argv, 5));

	if (err)
		return err;
	return kill((pid_t)arg(argv, 2), (int)arg(argv, 3)) ? errno : 0;
}

/* nswhere PID UID NS: see the header */
static int nswhere(char **argv)
{
	int err = ns_become((uid_t)arg(argv, 3), (int)arg(argv, 4));

	if (err)
		return err;
	return cp_where((pid_t)arg(argv, 2)) < 0 ? errno : 0;
}

/* nsattach PID UID NS: see the header */
static int nsattach(char **argv)
{
	pid_t pid = (pid_t)arg(argv, 2);
	int err = ns_become((uid_t)arg(argv, 3), (int)arg(argv, 4));

	if (err)
		return err;
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL))
		return errno;
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int burn(long ms)
{
	struct timespec t0, t;
	volatile unsigned long x = 0;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0))
		return 2;
	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t))
			return 2;
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	return 0;
}

static int stopcont(long ms, long n, long period_us)
{
	pid_t me = getpid(), h = fork();

	if (h < 0)
		return 2;
	if (h == 0) {
		for (long i = 0; i < n; i++) {
			if (kill(me, SIGSTOP))
				_exit(1);
			usleep((useconds_t)period_us);
			if (kill(me, SIGCONT))
				_exit(1);
			usleep((useconds_t)period_us);
		}
		_exit(0);
	}
	sleep_ms(ms);
	int st;

	if (waitpid(h, &st, 0) != h || !WIFEXITED(st))
		return 3;
	return WEXITSTATUS(st);
}

/* What exec kept: see "sigstate" above. */
static void *threadexec_fn(void *code)
{
	char *const argv[] = { "cp_rchild", "exit", code, NULL };

	execv("/proc/self/exe", argv);
	_exit(71);
}

/* A non-leader thread execs; the leader waits in pthread_join for ever. */
static int failexit(const char *n, int code)
{
	int fd = open("/proc/thread-self/fail-nth", O_WRONLY | O_CLOEXEC);
	size_t len = strlen(n);

	if (fd < 0)
		return 98;
	if (write(fd, n, len) != (ssize_t)len) {
		close(fd);
		return 97;
	}
	close(fd);
	_exit(code);
}

static int threadexec(char *code)
{
	pthread_t t;

	if (pthread_create(&t, NULL, threadexec_fn, code))
		return 70;
	pthread_join(t, NULL);
	return 72;
}

static long long stat_of(const char *name)
{
	long long v = -1;

	if (cp_file_value("/sys/kernel/debug/clusterproc/stats", name, &v))
		return -1;
	return v;
}

static void *thread_exits(void *arg)
{
	return arg;
}

/* failcall: arm debugfs fail_call/ for TIMES failures, then sleep MS */
static int failcall(const char *times, long long ms)
{
	static const char *const knob[][2] = {
		{ "verbose", "0" }, { "interval", "1" },
		{ "probability", "100" }, { "times", NULL },
	};
	char path[256];

	if (access("/sys/kernel/debug/clusterproc/fail_call", F_OK))
		return 95;
	for (size_t i = 0; i < sizeof(knob) / sizeof(knob[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/clusterproc/fail_call/%s",
			 knob[i][0]);
		f = fopen(path, "w");
		if (!f)
			return 96;
		if (fputs(knob[i][1] ? knob[i][1] : times, f) < 0) {
			fclose(f);
			return 96;
		}
		if (fclose(f))
			return 96;
	}
	sleep_ms(ms);
	return 0;
}

static int flushorder(long long notified)
{
	long long s0, s1;
	pid_t pid;
	int i, st;

	for (i = 0; i < 1000; i++) {
		if (stat_of("hook_notify_parent") >= notified)
			break;
		usleep(10000);
	}
	if (i == 1000)
		return 2;
	s0 = stat_of("notify_sent");
	pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_exits, NULL) ||
		    pthread_join(t, NULL))
			_exit(5);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return 4;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return 5;
	s1 = stat_of("notify_sent");
	if (s1 != s0)
		fprintf(stderr, "flushorder: notify_sent %lld -> %lld while a process without remote relations exited\n",
			s0, s1);
	return s1 != s0;
}

static int rtcount(long ms)
{
	struct timespec zero = { 0, 0 };
	sigset_t set, blocked;
	int n = 0;

	if (sigprocmask(SIG_BLOCK, NULL, &blocked) ||
	    !sigismember(&blocked, SIGRTMIN))
		return 99;
	sleep_ms(ms);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	while (sigtimedwait(&set, NULL, &zero) == SIGRTMIN)
		n++;
	return n;
}

static int sigstate(long ms)
{
	struct sigaction sa;
	sigset_t set;

	for (long t = 0;; t += 10) {
		if (sigpending(&set))
			return 4;
		if (sigismember(&set, SIGUSR1))
			break;
		if (t >= ms)
			return 1;
		sleep_ms(10);
	}
	if (sigprocmask(SIG_BLOCK, NULL, &set) || sigaction(SIGHUP, NULL, &sa))
		return 4;
	if (!sigismember(&set, SIGUSR1))
		return 2;
	return sa.sa_handler == SIG_IGN ? 0 : 3;
}

/* /proc/self/status's KEY is VALUE: 0; another value: 1; no KEY: 2. */
static int status_is(const char *key, const char *value)
{
	char line[256], want[128];
	FILE *f = fopen("/proc/self/status", "r");
	size_t klen;
	int rc = 2;

	if (!f)
		return 2;
	snprintf(want, sizeof(want), "%s:", key);
	klen = strlen(want);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, klen))
			continue;
		/* the value without its trailing blanks (Groups: has one) */
		for (size_t n = strlen(line); n && strchr(" \t\n", line[n - 1]);)
			line[--n] = '\0';
		rc = strcmp(line + klen + strspn(line + klen, " \t"), value) ?
		     1 : 0;
		break;
	}
	fclose(f);
	return rc;
}

/* Processes in state Z on this node (at most 100); 101 on error. */
static int count_zombies(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 101;
	while ((e = readdir(d)) && n < 100) {
		char path[300], buf[512], *p;
		ssize_t r;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* gone meanwhile */
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		/* pid (comm) state ...: comm may hold blanks and ')' */
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'Z')
			n++;
	}
	closedir(d);
	return n;
}

/* sicode: how the signal came */
static void sicode_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	_exit(si->si_code == SI_KERNEL ? 80 : si->si_code == SI_USER ? 81 : 82);
}

/* pubhold: for MS, send each HELLO received back to its sender as ours */
static void replay_hellos(int fd, unsigned int node, long ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct {
			struct cp_hdr h;
			struct cp_hello hello;
		} m;
		struct sockaddr_tipc from;
		socklen_t flen = sizeof(from);
		struct timeval tv = { 0, 100000 };
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 >= ms)
			return;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recvfrom(fd, &m, sizeof(m), 0, (struct sockaddr *)&from,
			     &flen);
		if (n != (ssize_t)sizeof(m) || m.h.type != CP_MSG_HELLO)
			continue;
		m.h.dst_node = m.h.src_node;
		m.h.src_node = htonl(node);
		m.hello.flags = 0;
		sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&from, flen);
	}
}

/* pubhold: a user publishes this node's service name, as a module would */
static int pubhold(long wait, long ms, uid_t uid)
{
	struct sockaddr_tipc a = {
		.family = AF_TIPC,
		.addrtype = TIPC_SERVICE_ADDR,
		.scope = TIPC_CLUSTER_SCOPE,
	};
	struct cp_self self;
	int fd;

	if (cp_read_self(&self))
		return 90;
	a.addr.name.name.type = self.tipc_type;
	a.addr.name.name.instance = (unsigned int)self.node;
	sleep_ms(wait);
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		return 91;
	fd = socket(AF_TIPC, SOCK_RDM, 0);
	if (fd < 0)
		return 92;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return 10 + errno;
	replay_hellos(fd, (unsigned int)self.node, ms);
	close(fd);
	return 0;
}

/* hupstop: how many SIGHUP and SIGCONT came */
static volatile sig_atomic_t hups, conts;

static void hupstop_handler(int sig)
{
	if (sig == SIGHUP && hups < 9)
		hups++;
	else if (sig == SIGCONT && conts < 9)
		conts++;
}

static int hupstop(long ms)
{
	struct sigaction sa = { .sa_handler = hupstop_handler,
				.sa_flags = SA_RESTART };

	if (sigaction(SIGHUP, &sa, NULL) || sigaction(SIGCONT, &sa, NULL))
		return 2;
	raise(SIGSTOP);
	sleep_ms(ms);
	return 10 * hups + conts;
}

/* pattern: byte i of the stream (not periodic at 4 or 8 KiB) */
static unsigned char cp_pattern(unsigned long i)
{
	return (unsigned char)(i * 7 + (i >> 13) + (i >> 20));
}

static int pattern(unsigned long bytes)
{
	static unsigned char buf[65536];
	unsigned long off = 0;

	while (off < bytes) {
		size_t n = bytes - off < sizeof(buf) ? bytes - off : sizeof(buf);
		ssize_t w;

		for (size_t i = 0; i < n; i++)
			buf[i] = cp_pattern(off + i);
		w = write(1, buf, n);
		if (w < 0)
			return errno == EPIPE ? 32 : 1;
		off += (unsigned long)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	if (!strcmp(m, "pattern") && argc == 3)
		return pattern((unsigned long)arg(argv, 2));

	if (!strcmp(m, "exit") && argc == 3)
		return (int)arg(argv, 2);
	if (!strcmp(m, "signal") && argc == 3) {
		int sig = (int)arg(argv, 2);

		signal(sig, SIG_DFL);
		raise(sig);
		return 100;
	}
	if (!strcmp(m, "sleep") && argc == 3) {
		sleep_ms(arg(argv, 2));
		return 0;
	}
	if (!strcmp(m, "readin") && argc == 2) {
		char b[64];
		ssize_t n = read(0, b, sizeof(b));

		return n < 0 ? 100 + errno : (int)n;
	}
	if (!strcmp(m, "writeout") && argc == 2) {
		ssize_t n = write(1, "hello\n", 6);

		return n < 0 ? 100 + errno : (int)n;
	}
	if (!strcmp(m, "orphanread") && argc == 3) {
		char b[64];
		ssize_t n;
		long t;

		for (t = 0; t < arg(argv, 2) && getppid() != 1; t += 10)
			sleep_ms(10);
		if (getppid() != 1)
			return 99;
		errno = 0;
		n = read(0, b, sizeof(b));
		dprintf(2, "read %zd errno %d\n", n, n < 0 ? errno : 0);
		return 0;
	}
	if (!strcmp(m, "sicode") && argc == 4) {
		struct sigaction sa = { .sa_sigaction = sicode_handler,
					.sa_flags = SA_SIGINFO };

		sigset_t set;

		sigemptyset(&sa.sa_mask);
		sigemptyset(&set);
		sigaddset(&set, (int)arg(argv, 2));
		if (sigaction((int)arg(argv, 2), &sa, NULL) ||
		    sigprocmask(SIG_UNBLOCK, &set, NULL))
			return 1;
		sleep_ms(arg(argv, 3));
		return 0;
	}
	if ((!strcmp(m, "parent") && argc >= 4) ||
	    (!strcmp(m, "fork") && argc == 4)) {
		char *av[] = { argv[0], "word", argv[3], NULL };
		pid_t k = fork();

		if (k < 0)
			return 1;
		if (k == 0 && argc > 4) {
			argv[3] = argv[0];	/* cp_rchild MODE ARGS... */
			cp_rexecvp((int)arg(argv, 2), argv[0], argv + 3);
			_exit(2);
		}
		if (k == 0) {
			cp_rexecvp((int)arg(argv, 2), av[0], av);
			_exit(2);
		}
		if (!strcmp(m, "parent"))
			sleep_ms(arg(argv, 3));
		return 0;
	}
	if (!strcmp(m, "word") && argc == 3) {
		unsigned long *w = mmap((void *)CP_WORD_ADDR, 4096,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS |
					MAP_FIXED_NOREPLACE, -1, 0);

		if (w == MAP_FAILED)
			return 2;
		*w = CP_WORD;
		for (long t = 0; t < arg(argv, 2); t += 10) {
			if (*(volatile unsigned long *)w == CP_WORD2)
				return 1;
			sleep_ms(10);
		}
		return 0;
	}
	if (!strcmp(m, "touch") && argc == 3) {
		size_t len = (size_t)arg(argv, 2) * 1024;
		char *b = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (b == MAP_FAILED)
			return 1;
		memset(b, 0x5a, len);
		return 0;
	}
	if (!strcmp(m, "ownpgrp") && argc == 3) {
		if (setpgid(0, 0))
			return 3;
		sleep_ms(arg(argv, 2));
		return 0;
	}
	if (!strcmp(m, "ownsession") && argc == 3) {
		if (setsid() < 0)
			return 3;
		sleep_ms(arg(argv, 2));
		return 0;
	}
	if (!strcmp(m, "setsidread") && argc == 2) {
		char b[64];
		ssize_t n;

		if (setsid() < 0)
			return 3;
		n = read(0, b, sizeof(b));
		return n < 0 ? 100 + errno : (int)n;
	}
	if (!strcmp(m, "pdeath") && argc == 4) {
		if (prctl(PR_SET_PDEATHSIG, (int)arg(argv, 2)))
			return 3;
		sleep_ms(arg(argv, 3));
		return 0;
	}
	if (!strcmp(m, "sigstate") && argc == 3)
		return sigstate(arg(argv, 2));
	if (!strcmp(m, "burn") && argc == 3)
		return burn(arg(argv, 2));
	if (!strcmp(m, "check") && (argc == 5 || argc == 7)) {
		if (getppid() != (pid_t)arg(argv, 2))
			return 1;
		if (getpid() != (pid_t)arg(argv, 3))
			return 2;
		if (cp_self_node() != (int)arg(argv, 4))
			return 3;
		if (argc == 7 && getpgrp() != (pid_t)arg(argv, 5))
			return 4;
		if (argc == 7 && getsid(0) != (pid_t)arg(argv, 6))
			return 5;
		return 0;
	}
	if (!strcmp(m, "orphan") && argc == 4) {
		for (long t = 0; t < arg(argv, 3); t += 10) {
			if (getppid() == (pid_t)arg(argv, 2))
				return 0;
			sleep_ms(10);
		}
		return 1;
	}
	if (!strcmp(m, "pubhold") && argc == 5)
		return pubhold(arg(argv, 2), arg(argv, 3), (uid_t)arg(argv, 4));
	if (!strcmp(m, "hupstop") && argc == 3)
		return hupstop(arg(argv, 2));
	if (!strcmp(m, "stop") && argc == 3) {
		raise(SIGSTOP);
		return (int)arg(argv, 2);
	}
	if (!strcmp(m, "kill") && argc == 4)
		return kill((pid_t)arg(argv, 2), (int)arg(argv, 3)) ? errno : 0;
	if (!strcmp(m, "killloop") && argc == 5) {
		pid_t g = (pid_t)arg(argv, 2);
		int sig = (int)arg(argv, 3);

		for (long n = arg(argv, 4); n > 0; n--)
			if (kill(-g, sig))
				return errno == ESRCH ? 0 : 2 + errno;
		return 1;
	}
	if (!strcmp(m, "pingafter") && argc == 4) {
		sleep_ms(arg(argv, 2));
		return -cp_ping((int)arg(argv, 3));
	}
	if (!strcmp(m, "status") && argc == 4)
		return status_is(argv[2], argv[3]);
	if (!strcmp(m, "rlimit") && argc == 5) {
		struct rlimit rl;
		long cur = arg(argv, 3), max = arg(argv, 4);

		if (getrlimit((int)arg(argv, 2), &rl))
			return 2;
		return rl.rlim_cur == (cur < 0 ? RLIM_INFINITY : (rlim_t)cur) &&
		       rl.rlim_max == (max < 0 ? RLIM_INFINITY : (rlim_t)max) ?
		       0 : 1;
	}
	if ((!strcmp(m, "injectself") || !strcmp(m, "inject")) && argc == 5) {
		char cmd[512];
		int rc;

		if (!strcmp(m, "inject"))
			snprintf(cmd, sizeof(cmd), "%s %s %s", argv[2], argv[3],
				 argv[4]);
		else
			snprintf(cmd, sizeof(cmd), "%s %s %08x%s", argv[2],
				 argv[3], (unsigned int)getpid(), argv[4]);
		rc = cp_write_file(CP_DEBUGFS "/inject", cmd);
		return rc < 0 ? -rc : 0;
	}
	if (!strcmp(m, "zombies") && argc == 2)
		return count_zombies();
	if (!strcmp(m, "nskill") && argc == 6)
		return nskill(argv);
	if (!strcmp(m, "nsattach") && argc == 5)
		return nsattach(argv);
	if (!strcmp(m, "nswhere") && argc == 5)
		return nswhere(argv);
	if (!strcmp(m, "where") && argc == 4) {
		int node = cp_where((pid_t)arg(argv, 2));

		if (node < 0)
			return 2 + errno;
		return node == (int)arg(argv, 3) ? 0 : 1;
	}
	if (!strcmp(m, "creds") && argc == 3) {
		if (getuid() != (uid_t)arg(argv, 2) ||
		    geteuid() != (uid_t)arg(argv, 2))
			return 1;
		if (prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0)
			return 2;
		return 0;
	}
	if (!strcmp(m, "attach") && argc == 4) {
		pid_t pid = (pid_t)arg(argv, 2);
		int st;

		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) ||
		    waitpid(pid, &st, __WALL) != pid)
			return 10 + errno;
		sleep_ms(arg(argv, 3));
		return 0;
	}
	if (!strcmp(m, "attachleave") && argc == 5) {
		const char *path = "/sys/kernel/debug/clusterproc/leave";
		pid_t pid = (pid_t)arg(argv, 2);
		FILE *f;
		int st;

		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) ||
		    waitpid(pid, &st, 0) != pid)
			return 10 + errno;
		f = fopen(path, "w");
		if (!f || fputs("1", f) < 0 || fclose(f))
			return 2;
		sleep_ms(arg(argv, 3));
		f = fopen(path, "w");
		if (!f || fputs("0", f) < 0 || fclose(f))
			return 3;
		sleep_ms(arg(argv, 4));
		return 0;
	}
	if (!strcmp(m, "leaveafter") && argc == 4) {
		sleep_ms(arg(argv, 2));
		argv[2] = argv[3];
		m = "leave";
		argc = 3;
	}
	if (!strcmp(m, "leave") && argc == 3) {
		const char *path = "/sys/kernel/debug/clusterproc/leave";
		FILE *f = fopen(path, "w");

		if (!f || fputs("1", f) < 0 || fclose(f))
			return 2;
		sleep_ms(arg(argv, 2));
		f = fopen(path, "w");
		if (!f || fputs("0", f) < 0 || fclose(f))
			return 3;
		return 0;
	}
	if (!strcmp(m, "delay") && argc == 4) {
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/clusterproc/delay_us/%s", argv[2]);
		f = fopen(path, "w");
		if (!f)
			return errno;
		if (fputs(argv[3], f) < 0) {
			fclose(f);
			return EIO;
		}
		return fclose(f) ? errno : 0;
	}
	if (!strcmp(m, "rtcount") && argc == 3)
		return rtcount(arg(argv, 2));
	if (!strcmp(m, "failcall") && argc == 4)
		return failcall(argv[2], arg(argv, 3));
	if (!strcmp(m, "flushorder") && argc == 3)
		return flushorder(atoll(argv[2]));
	if (!strcmp(m, "threadexec") && argc == 3)
		return threadexec(argv[2]);
	if (!strcmp(m, "failexit") && argc == 4)
		return failexit(argv[2], arg(argv, 3));
	if (!strcmp(m, "stopcont") && argc == 5)
		return stopcont(arg(argv, 2), arg(argv, 3), arg(argv, 4));
	fprintf(stderr, "cp_rchild: bad arguments\n");
	return 99;
}
