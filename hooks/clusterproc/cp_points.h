/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named release points (where a hook has dropped its locks and may
 * sleep, or a race window can be widened), one line each:
 * CP_POINT(enum suffix, debugfs name). Each gets delay_us/<name> and a
 * point.<name>.hits counter. Included several times (no include guard).
 */
CP_POINT(SVR_DISPATCH, svr_dispatch)
CP_POINT(CALL_SEND, call_send)
CP_POINT(REPLY_SEND, reply_send)
CP_POINT(KILL_REMOTE, kill_remote)
/* process model */
CP_POINT(WAIT_RELEASED, wait_task_released)
CP_POINT(NOTIFY_FLUSH, notify_parent_flush)
CP_POINT(EXIT_FLUSH, exit_flush)
CP_POINT(REPARENT_FLUSH, reparent_flush)
CP_POINT(EVENT_DELIVER, event_deliver)
CP_POINT(REXEC_MOVING, rexec_moving)
CP_POINT(REXEC_STANDIN, rexec_standin)
CP_POINT(REXEC_REPLIED, rexec_replied)
CP_POINT(REXEC_SPAWN, rexec_spawn)
CP_POINT(REAP_DONE, reap_done)
CP_POINT(AUTOREAP_CLAIMED, autoreap_claimed)
/* the cross-node orphan judgment of a group an exit orphans (exit_prepare
 * or the worker), and an exit that judged, before exit_notify()'s lock */
CP_POINT(PGRP_JUDGE, pgrp_judge)
CP_POINT(PGRP_EXIT_JUDGED, pgrp_exit_judged)
/* a tracer's PEEK, a kill(-pgrp), on the node that serves it */
CP_POINT(PTRACE_PEEK_SERVE, ptrace_peek_serve)
CP_POINT(KILL_PGRP_SERVE, kill_pgrp_serve)
