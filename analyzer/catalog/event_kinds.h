/* The event kinds the whole tool knows (CONTRACTS.md, and the dotted names
 * of the same style the rule packs use), numbered: the rule packs name kinds
 * by their text, the catalog checks and numbers them at load, and whoever
 * consumes events switches on the number instead of comparing strings. */
#ifndef PGM_EVENT_KINDS_H
#define PGM_EVENT_KINDS_H

#include <stddef.h>

/* X(identifier, "name"), in the catalog's order. */
#define PGM_EVENT_KINDS(X) \
    X(PGM_EV_CONN_RECEIVED, "conn.received") \
    X(PGM_EV_CONN_AUTHENTICATED, "conn.authenticated") \
    X(PGM_EV_CONN_AUTHORIZED, "conn.authorized") \
    X(PGM_EV_CONN_DISCONNECTED, "conn.disconnected") \
    X(PGM_EV_CONN_REFUSED_TOO_MANY_CLIENTS, "conn.refused.too_many_clients") \
    X(PGM_EV_CONN_REFUSED_RESERVED_SLOTS, "conn.refused.reserved_slots") \
    X(PGM_EV_CONN_REFUSED_ROLE_LIMIT, "conn.refused.role_limit") \
    X(PGM_EV_CONN_REFUSED_DATABASE_LIMIT, "conn.refused.database_limit") \
    X(PGM_EV_CONN_REFUSED_AUTH, "conn.refused.auth") \
    X(PGM_EV_CONN_REFUSED_NO_DATABASE, "conn.refused.no_database") \
    X(PGM_EV_CONN_REFUSED_NOT_ACCEPTING, "conn.refused.not_accepting") \
    X(PGM_EV_CONN_TERMINATED_IDLE_IN_TRANSACTION_TIMEOUT, "conn.terminated.idle_in_transaction_timeout") \
    X(PGM_EV_CONN_TERMINATED_IDLE_SESSION_TIMEOUT, "conn.terminated.idle_session_timeout") \
    X(PGM_EV_CONN_TERMINATED_ADMIN, "conn.terminated.admin") \
    X(PGM_EV_CONN_LOST, "conn.lost") \
    X(PGM_EV_CONN_LOST_OPEN_TRANSACTION, "conn.lost.open_transaction") \
    X(PGM_EV_CONN_FORK_FAILED, "conn.fork_failed") \
    X(PGM_EV_SERVER_STARTING, "server.starting") \
    X(PGM_EV_SERVER_READY, "server.ready") \
    X(PGM_EV_SERVER_SHUTDOWN_REQUESTED, "server.shutdown_requested") \
    X(PGM_EV_SERVER_SHUTDOWN, "server.shutdown") \
    X(PGM_EV_SERVER_CRASH, "server.crash") \
    X(PGM_EV_SERVER_RELOAD, "server.reload") \
    X(PGM_EV_SERVER_PARAM_CHANGED, "server.param_changed") \
    X(PGM_EV_SERVER_PARAM_NEEDS_RESTART, "server.param_needs_restart") \
    X(PGM_EV_LOCK_WAITING, "lock.waiting") \
    X(PGM_EV_LOCK_ACQUIRED, "lock.acquired") \
    X(PGM_EV_LOCK_DEADLOCK, "lock.deadlock") \
    X(PGM_EV_STMT_TIMEOUT, "stmt.timeout") \
    X(PGM_EV_STMT_LOCK_TIMEOUT, "stmt.lock_timeout") \
    X(PGM_EV_STMT_CANCELED, "stmt.canceled") \
    X(PGM_EV_STMT_DURATION, "stmt.duration") \
    X(PGM_EV_CONN_REFUSED_AUTH_TIMEOUT, "conn.refused.auth_timeout") \
    X(PGM_EV_CONN_REFUSED_PROTOCOL, "conn.refused.protocol") \
    X(PGM_EV_CONN_REFUSED_WAL_SENDERS, "conn.refused.wal_senders") \
    X(PGM_EV_CONN_REFUSED_LIMIT, "conn.refused.limit") \
    X(PGM_EV_CONN_ACCEPT_FAILED, "conn.accept_failed") \
    X(PGM_EV_CONN_TERMINATED_TRANSACTION_TIMEOUT, "conn.terminated.transaction_timeout") \
    X(PGM_EV_CONN_TERMINATED_RECOVERY_CONFLICT, "conn.terminated.recovery_conflict") \
    X(PGM_EV_CONN_TERMINATED_CRASH, "conn.terminated.crash") \
    X(PGM_EV_CONN_LOST_PROTOCOL, "conn.lost.protocol") \
    X(PGM_EV_SERVER_WORKER_TERMINATED, "server.worker_terminated") \
    X(PGM_EV_SERVER_LISTENING, "server.listening") \
    X(PGM_EV_SERVER_PREVIOUS_STATE, "server.previous_state") \
    X(PGM_EV_SERVER_RECOVERY, "server.recovery") \
    X(PGM_EV_SERVER_WAL_END, "server.wal_end") \
    X(PGM_EV_SERVER_SHUTDOWN_PROGRESS, "server.shutdown_progress") \
    X(PGM_EV_SERVER_CHILD_EXIT, "server.child_exit") \
    X(PGM_EV_SERVER_PARAM_REMOVED, "server.param_removed") \
    X(PGM_EV_SERVER_CONFIG_ERROR, "server.config_error") \
    X(PGM_EV_SERVER_CONFIG_MISSING_INCLUDE, "server.config_missing_include") \
    X(PGM_EV_SERVER_RELOAD_FAILED, "server.reload_failed") \
    X(PGM_EV_SERVER_LOG_REDIRECT, "server.log_redirect") \
    X(PGM_EV_SERVER_OUT_OF_MEMORY, "server.out_of_memory") \
    X(PGM_EV_SERVER_CHECKPOINT_STARTING, "server.checkpoint_starting") \
    X(PGM_EV_SERVER_CHECKPOINT_COMPLETE, "server.checkpoint_complete") \
    X(PGM_EV_SERVER_CHECKPOINT_TOO_FREQUENT, "server.checkpoint_too_frequent") \
    X(PGM_EV_LOCK_WAIT_ENDED, "lock.wait_ended") \
    X(PGM_EV_VACUUM_AUTO, "vacuum.auto") \
    X(PGM_EV_VACUUM_ANALYZE, "vacuum.analyze") \
    X(PGM_EV_VACUUM_CANCELED, "vacuum.canceled") \
    X(PGM_EV_VACUUM_XMIN_HORIZON, "vacuum.xmin_horizon") \
    X(PGM_EV_SERVER_STATS_COLLECTOR_TIMEOUT, "server.stats_collector_timeout") \
    X(PGM_EV_VACUUM_WRAPAROUND, "vacuum.wraparound") \
    X(PGM_EV_VACUUM_LAUNCHER, "vacuum.launcher") \
    X(PGM_EV_VACUUM_SKIPPED, "vacuum.skipped") \
    X(PGM_EV_STMT_STATEMENT, "stmt.statement") \
    X(PGM_EV_STMT_ERROR, "stmt.error") \
    X(PGM_EV_STMT_TEMP_FILE, "stmt.temp_file") \
    X(PGM_EV_CONN_SSL_FAILED, "conn.ssl_failed") \
    X(PGM_EV_CONN_IDENT_UNREACHABLE, "conn.ident_unreachable") \
    X(PGM_EV_REPL_ARCHIVE_FAILED, "repl.archive_failed") \
    X(PGM_EV_REPL_STREAMING_STARTED, "repl.streaming_started") \
    X(PGM_EV_REPL_STREAMING_LOST, "repl.streaming_lost") \
    X(PGM_EV_REPL_WAL_RESTORED, "repl.wal_restored") \
    X(PGM_EV_REPL_RECOVERY, "repl.recovery") \
    X(PGM_EV_HIKARI_POOL_INIT_FAILED, "hikari.pool.init_failed") \
    X(PGM_EV_HIKARI_CONNECTION_ADDED, "hikari.connection_added") \
    X(PGM_EV_HIKARI_CONNECTION_CLOSED, "hikari.connection_closed") \
    X(PGM_EV_HIKARI_DIRTY_ROLLBACK, "hikari.dirty_rollback") \
    X(PGM_EV_HIKARI_POOL_CLOSED_USE, "hikari.pool.closed_use") \
    X(PGM_EV_HIKARI_POOL_FILL_SKIPPED, "hikari.pool.fill_skipped") \
    X(PGM_EV_HIKARI_KEEPALIVE, "hikari.keepalive") \
    X(PGM_EV_HIKARI_CONNECTION_ADD_FAILED, "hikari.connection_add_failed") \
    X(PGM_EV_HIKARI_CONNECTION_RESET, "hikari.connection_reset") \
    X(PGM_EV_HIKARI_ACQUISITION_INTERRUPTED, "hikari.acquisition_interrupted") \
    X(PGM_EV_HIKARI_ANOMALY, "hikari.anomaly") \
    X(PGM_EV_HIKARI_CONFIG_ERROR, "hikari.config_error") \
    X(PGM_EV_HIKARI_POOL_STARTING, "hikari.pool.starting") \
    X(PGM_EV_HIKARI_POOL_STARTED, "hikari.pool.started") \
    X(PGM_EV_HIKARI_POOL_SHUTDOWN, "hikari.pool.shutdown") \
    X(PGM_EV_HIKARI_POOL_STATS, "hikari.pool.stats") \
    X(PGM_EV_HIKARI_TIMEOUT, "hikari.timeout") \
    X(PGM_EV_HIKARI_LEAK_DETECTED, "hikari.leak_detected") \
    X(PGM_EV_HIKARI_LEAK_RETURNED, "hikari.leak_returned") \
    X(PGM_EV_HIKARI_STARVATION, "hikari.starvation") \
    X(PGM_EV_HIKARI_VALIDATION_FAILED, "hikari.validation_failed") \
    X(PGM_EV_HIKARI_CONNECTION_BROKEN, "hikari.connection_broken") \
    X(PGM_EV_HIKARI_CONFIG_WARNING, "hikari.config_warning") \
    X(PGM_EV_APP_DB_ERROR, "app.db_error") \
    X(PGM_EV_ACTIVITY_SNAPSHOT, "activity.snapshot") \
    X(PGM_EV_ACTIVITY_IDLE_IN_TRANSACTION, "activity.idle_in_transaction") \
    X(PGM_EV_ACTIVITY_SESSION, "activity.session") \
    X(PGM_EV_SYSTEM_UNIT_STARTED, "system.unit.started") \
    X(PGM_EV_SYSTEM_UNIT_STOPPED, "system.unit.stopped") \
    X(PGM_EV_SYSTEM_UNIT_EXITED, "system.unit.exited") \
    X(PGM_EV_SYSTEM_UNIT_FAILED, "system.unit.failed") \
    X(PGM_EV_SYSTEM_UNIT_RESTART_SCHEDULED, "system.unit.restart_scheduled") \
    X(PGM_EV_SYSTEM_UNIT_START_LIMIT, "system.unit.start_limit") \
    X(PGM_EV_SYSTEM_UNIT_OOM_KILLED, "system.unit.oom_killed") \
    X(PGM_EV_KERNEL_OOM_KILL, "kernel.oom_kill") \
    X(PGM_EV_K8S_CONTAINER_TERMINATED, "k8s.container.terminated") \
    X(PGM_EV_K8S_EVENT, "k8s.event") \
    X(PGM_EV_PGBOUNCER_CLIENT_LOGIN, "pgbouncer.client.login") \
    X(PGM_EV_PGBOUNCER_CLIENT_LOGIN_FAILED, "pgbouncer.client.login_failed") \
    X(PGM_EV_PGBOUNCER_CLIENT_CLOSED, "pgbouncer.client.closed") \
    X(PGM_EV_PGBOUNCER_CLIENT_WAIT_TIMEOUT, "pgbouncer.client.wait_timeout") \
    X(PGM_EV_PGBOUNCER_CLIENT_TIMEOUT, "pgbouncer.client.timeout") \
    X(PGM_EV_PGBOUNCER_CLIENT_REFUSED, "pgbouncer.client.refused") \
    X(PGM_EV_PGBOUNCER_POOLER_ERROR, "pgbouncer.pooler_error") \
    X(PGM_EV_PGBOUNCER_SERVER_OPENED, "pgbouncer.server.opened") \
    X(PGM_EV_PGBOUNCER_SERVER_CLOSED, "pgbouncer.server.closed") \
    X(PGM_EV_PGBOUNCER_SERVER_LOGIN_FAILED, "pgbouncer.server.login_failed") \
    X(PGM_EV_PGBOUNCER_SERVER_ERROR, "pgbouncer.server.error") \
    X(PGM_EV_PGBOUNCER_STATS, "pgbouncer.stats") \
    X(PGM_EV_PGBOUNCER_STARTED, "pgbouncer.started") \
    X(PGM_EV_PGBOUNCER_LIMITS, "pgbouncer.limits") \
    X(PGM_EV_PGBOUNCER_LISTENING, "pgbouncer.listening") \
    X(PGM_EV_PGBOUNCER_RELOAD, "pgbouncer.reload") \
    X(PGM_EV_PGBOUNCER_SHUTDOWN, "pgbouncer.shutdown") \
    X(PGM_EV_PGBOUNCER_PAUSE, "pgbouncer.pause") \
    X(PGM_EV_PGBOUNCER_SHOW_POOL, "pgbouncer.show.pool") \
    X(PGM_EV_PGBOUNCER_SHOW_CLIENT, "pgbouncer.show.client") \
    X(PGM_EV_PGBOUNCER_SHOW_SERVER, "pgbouncer.show.server") \
    X(PGM_EV_PGBOUNCER_SHOW_STATS, "pgbouncer.show.stats") \
    X(PGM_EV_PGBOUNCER_SHOW_LIST, "pgbouncer.show.list")

/* PGM_EV_NONE: a kind the catalog does not know (events of a rule pack
 * always have one it knows: the loader refuses others). */
enum pgm_event_kind {
    PGM_EV_NONE = 0,
#define PGM_EV_ENUM(id, name) id,
    PGM_EVENT_KINDS(PGM_EV_ENUM)
#undef PGM_EV_ENUM
    PGM_EV_COUNT
};

/* The number of a kind's name (PGM_EV_NONE: not a known kind). */
enum pgm_event_kind pgm_event_kind_of(const char *name);
/* The name of a number ("" for PGM_EV_NONE or out of range). */
const char *pgm_event_kind_name(enum pgm_event_kind k);

#endif
