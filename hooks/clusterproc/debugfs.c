// SPDX-License-Identifier: GPL-2.0
/*
 * clusterproc debugfs: /sys/kernel/debug/clusterproc/
 *
 *   stats          counters, "name value" per line
 *   nodes          membership, one line per node seen
 *   self           this node's identity and TIPC service
 *   ping           write N or "all": ping through the module (the write
 *                  fails with the call's errno); read: last results
 *   peer_stats     write N: fetch node N's counters; read: them
 *   kill           write "NODE|all pid|pgrp|all ID SIG": send a signal
 *                  with the writer's credentials (the write fails with
 *                  kill(2)'s errno); read: the last result. Root opens
 *                  it; a test may drop privileges and write on the fd.
 *   ps             every node's thread groups:
 *                  "node pid ppid pgrp sid uid state comm"
 *   leave          write 1: leave the cluster (withdraw our TIPC
 *                  publication: peers see this node down), 0: join again
 *   delay_us/<pt>  injected delay at release point <pt>, microseconds
 *   fail_call/     fault injection (kernels with FAULT_INJECTION_DEBUG_FS):
 *                  calls that fail with ENOMEM before sending
 *   fuzz           write "NODE COUNT SEED": send COUNT mutated and
 *                  random messages to NODE (fuzz.c); read: the outcome
 *   inject         write "NODE TYPE HEX": one call with that payload
 *                  (fails with the answer's errno); read: its outcome
 *   flood          write "NODE COUNT": COUNT pings to NODE at once, none
 *                  awaited (the server queue's bound per peer)
 *   trace_on       write 1/0: record events in the trace ring (trace.c),
 *                  "clear": empty it; read: 1 while recording
 *   trace          the ring as text, oldest first
 *   trace_mark     write a label (15 characters): a mark in the trace
 */
#include <linux/bitmap.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <linux/uaccess.h>
#include "cp_internal.h"

static struct dentry *cp_dir;
static DEFINE_MUTEX(cp_peer_mutex);
static unsigned int cp_peer_node;
static int cp_peer_status = -ENODATA;
static struct cp_stats_reply cp_peer_reply;

static int cp_stats_show(struct seq_file *m, void *v)
{
	unsigned int i;

	cp_stats_live();
	for (i = 0; i < CP_NR_STATS; i++)
		seq_printf(m, "%s %lld\n", cp_stat_desc[i].name,
			   atomic64_read(&cp_stats[i]));
	for (i = 0; i < CP_NR_DELAY_POINTS; i++)
		seq_printf(m, "point.%s.hits %lld\n", cp_delay_slots[i].name,
			   atomic64_read(&cp_delay_slots[i].hits));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cp_stats);

static int cp_nodes_show(struct seq_file *m, void *v)
{
	struct cp_node_info ni;
	unsigned int n;
	u64 now = ktime_get_ns();

	seq_puts(m, "# node state tipc_addr port generation up_ms last_rtt_ns last_ping\n");
	for (n = 1; n <= cp_max_node; n++) {
		if (!cp_node_get(n, &ni) || !ni.generation)
			continue;
		seq_printf(m, "%u %s %#x %u %u %llu %llu %d%s\n", n,
			   ni.up ? "up" : "down", ni.addr, ni.port,
			   ni.generation,
			   ni.up ? (now - ni.up_since_ns) / NSEC_PER_MSEC : 0,
			   ni.last_rtt_ns, ni.last_ping_status,
			   n == cp_self ? " self" : "");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cp_nodes);

static int cp_self_show(struct seq_file *m, void *v)
{
	seq_printf(m, "node %u\nmax_node %u\ntipc_addr %#x\nport %u\ntipc_type %u\nmode %s\ncall_timeout_ms %u\n",
		   cp_self, cp_max_node, cp_self_addr, cp_self_port,
		   cp_tipc_type, cp_tipc_reserved ? "reserved" : "open",
		   cp_call_timeout_ms);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cp_self);

static int cp_ps_show(struct seq_file *m, void *v)
{
	return cp_ps_show_cluster(m);
}
DEFINE_SHOW_ATTRIBUTE(cp_ps);

static int cp_ping_one(unsigned int node)
{
	struct cp_ping req = { }, rep;
	size_t len = 0;
	u64 t0 = ktime_get_ns(), rtt;
	int err;

	req.t_send_ns = cpu_to_be64(t0);
	req.seq = cpu_to_be32(node);
	err = cp_call(node, CP_MSG_PING, &req, sizeof(req), &rep, sizeof(rep),
		      &len);
	rtt = ktime_get_ns() - t0;
	if (!err && (len != sizeof(rep) || rep.t_send_ns != req.t_send_ns ||
		     rep.seq != req.seq))
		err = -EPROTO;
	cp_node_set_ping(node, err ? 0 : rtt, err);
	return err;
}

static int cp_parse_node(const char __user *ubuf, size_t count,
			 unsigned int *node, bool *all)
{
	char buf[16];

	if (count == 0 || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);
	if (all && !strcmp(buf, "all")) {
		*all = true;
		return 0;
	}
	if (kstrtouint(buf, 0, node))
		return -EINVAL;
	return 0;
}

static ssize_t cp_ping_write(struct file *f, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	DECLARE_BITMAP(map, CP_MAX_NODES + 1);
	unsigned int node = 0, n;
	bool all = false;
	int err, first = 0;

	err = cp_parse_node(ubuf, count, &node, &all);
	if (err)
		return err;
	if (!all) {
		err = cp_ping_one(node);
		return err ? err : count;
	}
	cp_nodes_up(map);
	for_each_set_bit(n, map, CP_MAX_NODES + 1) {
		err = cp_ping_one(n);
		if (err && !first)
			first = err;
	}
	return first ? first : count;
}

static const struct file_operations cp_ping_fops = {
	.owner = THIS_MODULE,
	.open = cp_nodes_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = cp_ping_write,
};

static int cp_peer_stats_show(struct seq_file *m, void *v)
{
	unsigned int i, count;

	mutex_lock(&cp_peer_mutex);
	seq_printf(m, "node %u\nstatus %d\n", cp_peer_node, cp_peer_status);
	count = min_t(unsigned int, be32_to_cpu(cp_peer_reply.count),
		      CP_NR_STATS + CP_NR_DELAY_POINTS);
	for (i = 0; !cp_peer_status && i < count; i++)
		if (i < CP_NR_STATS)
			seq_printf(m, "%s %llu\n", cp_stat_desc[i].name,
				   be64_to_cpu(cp_peer_reply.value[i]));
		else
			seq_printf(m, "point.%s.hits %llu\n",
				   cp_delay_slots[i - CP_NR_STATS].name,
				   be64_to_cpu(cp_peer_reply.value[i]));
	mutex_unlock(&cp_peer_mutex);
	return 0;
}

static int cp_peer_stats_open(struct inode *inode, struct file *f)
{
	return single_open(f, cp_peer_stats_show, inode->i_private);
}

static ssize_t cp_peer_stats_write(struct file *f, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	unsigned int node;
	size_t len = 0;
	int err;

	err = cp_parse_node(ubuf, count, &node, NULL);
	if (err)
		return err;
	mutex_lock(&cp_peer_mutex);
	cp_peer_node = node;
	err = cp_call(node, CP_MSG_STATS, NULL, 0, &cp_peer_reply,
		      sizeof(cp_peer_reply), &len);
	cp_peer_status = err;
	mutex_unlock(&cp_peer_mutex);
	return err ? err : count;
}

static const struct file_operations cp_peer_stats_fops = {
	.owner = THIS_MODULE,
	.open = cp_peer_stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = cp_peer_stats_write,
};

static atomic_t cp_kill_last = ATOMIC_INIT(0);

static ssize_t cp_kill_write(struct file *f, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	static const char * const scopes[] = {
		[CP_KILL_PID] = "pid", [CP_KILL_PGRP] = "pgrp",
		[CP_KILL_ALL] = "all",
	};
	char buf[64], node_s[8], scope_s[8];
	struct cp_kill_tally t = { };
	struct cp_kill_reply r;
	struct cp_kill k;
	unsigned int node = 0, id;
	int sig, scope, ret;

	if (count == 0 || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%7s %7s %u %d", node_s, scope_s, &id, &sig) != 4)
		return -EINVAL;
	scope = match_string(scopes, ARRAY_SIZE(scopes), scope_s);
	if (scope < 0)
		return -EINVAL;
	if (strcmp(node_s, "all") && kstrtouint(node_s, 10, &node))
		return -EINVAL;
	/*
	 * The writer's own credentials, as kill(2) would use: a root opener
	 * that hands the fd to a process with fewer rights lends nothing.
	 */
	cp_kill_prepare(&k, scope, id, sig, NULL);
	if (node) {
		ret = cp_kill_node(node, &k, &r);
		if (ret == -EHOSTDOWN)
			ret = -ESRCH;	/* the process's node left */
		if (!ret) {
			cp_tally_add_reply(&t, &r);
			ret = cp_kill_result(scope, &t);
		}
	} else {
		ret = cp_kill_cluster(&k, false, &t);
	}
	atomic_set(&cp_kill_last, ret);
	return ret < 0 ? ret : count;
}

static ssize_t cp_kill_read(struct file *f, char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	char buf[24];
	int len = scnprintf(buf, sizeof(buf), "%d\n",
			    atomic_read(&cp_kill_last));

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations cp_kill_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cp_kill_read,
	.write = cp_kill_write,
	.llseek = default_llseek,
};

static ssize_t cp_leave_write(struct file *f, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	bool leave;
	int err = kstrtobool_from_user(ubuf, count, &leave);

	if (err)
		return err;
	err = cp_transport_leave(leave);
	return err ? err : count;
}

static ssize_t cp_leave_read(struct file *f, char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	char buf[4];
	int len = scnprintf(buf, sizeof(buf), "%d\n", cp_transport_left());

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations cp_leave_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cp_leave_read,
	.write = cp_leave_write,
	.llseek = default_llseek,
};

/**
 * cp_debugfs_init() - create /sys/kernel/debug/clusterproc
 *
 * Return: 0 (debugfs failures are not fatal).
 */
int cp_debugfs_init(void)
{
	struct dentry *d;
	unsigned int i;

	cp_dir = debugfs_create_dir("clusterproc", NULL);
	debugfs_create_file("stats", 0444, cp_dir, NULL, &cp_stats_fops);
	debugfs_create_file("nodes", 0444, cp_dir, NULL, &cp_nodes_fops);
	debugfs_create_file("self", 0444, cp_dir, NULL, &cp_self_fops);
	debugfs_create_file("ping", 0600, cp_dir, NULL, &cp_ping_fops);
	debugfs_create_file("peer_stats", 0600, cp_dir, NULL,
			    &cp_peer_stats_fops);
	debugfs_create_file("ps", 0400, cp_dir, NULL, &cp_ps_fops);
	debugfs_create_file("kill", 0600, cp_dir, NULL, &cp_kill_fops);
	debugfs_create_file("leave", 0600, cp_dir, NULL, &cp_leave_fops);
	cp_fuzz_debugfs_init(cp_dir);
	cp_trace_debugfs_init(cp_dir);
	cp_stdio_debugfs_init(cp_dir);
	cp_fail_call_debugfs(cp_dir);
	d = debugfs_create_dir("delay_us", cp_dir);
	for (i = 0; i < CP_NR_DELAY_POINTS; i++)
		debugfs_create_u32(cp_delay_slots[i].name, 0600, d,
				   &cp_delay_slots[i].delay_us);
	return 0;
}

/**
 * cp_debugfs_exit() - remove it; waits for file operations in progress
 */
void cp_debugfs_exit(void)
{
	debugfs_remove(cp_dir);
	cp_dir = NULL;
}
