#!/usr/bin/env python3
"""Every real server log sample, in every format: the number of events of each
kind that `pgmortem timeline` reports must equal the number of raw lines that
grep finds for that message. The patterns below are plain message texts from
shared/reference/postgresql-messages.md, written apart from the rule packs, so
a rule that misses or steals a message shows up as a difference.

usage: grep_counts.py PGMORTEM"""
import collections
import json
import re
import subprocess
import sys

S = "tests/samples/postgresql-15"
O = "tests/samples/other"
ALL_ESCAPES = ("t=%t|m=%m|n=%n|s=%s|c=%c|l=%l|v=%v|x=%x|e=%e|b=%b|i=%i|Q=%Q|P=%P|a=%a|"
               "u=%u|d=%d|r=%r|h=%h|p=%p|%%|q=%q|after-q ")

# (file, format, extra arguments)
SAMPLES = [
    (f"{S}/run1-stderr/postgresql.log", "stderr", []),
    (f"{S}/conf-syntax/server.log", "stderr", []),
    (f"{S}/escapes/all-escapes.log", "stderr", ["--log-line-prefix", ALL_ESCAPES]),
    (f"{S}/escapes/padding.log", "stderr", ["--log-line-prefix", "[%-12u][%12d][%-8p][%6l][%-15a] "]),
    (f"{S}/run3-csvjson/postgresql.log", "stderr", []),
] + [
    (f"{S}/run3-csvjson/log/postgresql-{stamp}.{ext}", fmt, [])
    for stamp in ("20261127-001842", "20261127-001913", "20261127-001917")
    for ext, fmt in (("log", "stderr"), ("csv", "csvlog"), ("json", "jsonlog"))
] + [
    (f"{O}/syslog-postgres.log", "syslog", ["--year", "2026"]),
    (f"{O}/cloudsql-export.json", "cloudsql", []),
    (f"{O}/azure-postgresql.log", "stderr", []),
    (f"{O}/postgresql.log.2026-11-27-00", "stderr", []),
    (f"{O}/pgbadger-prefix-berlin.log", "stderr", []),
]

# kind -> message pattern (Python re, searched in each raw line like grep -cP)
MESSAGES = {
    "conn.received": r"connection received: host=",
    "conn.authenticated": r"connection authenticated: ",
    "conn.authorized": r"connection authorized: user=",
    "conn.disconnected": r"disconnection: session time: ",
    "conn.refused.too_many_clients": r"sorry, too many clients already",
    "conn.refused.reserved_slots": r"remaining connection slots are reserved for",
    "conn.refused.role_limit": r"too many connections for role ",
    "conn.refused.database_limit": r"too many connections for database ",
    "conn.refused.auth": r"authentication failed for user|no pg_hba\.conf entry for|is not permitted to log in"
                         r"|permission denied for database|FATAL.{0,40}role .{1,80} does not exist",
    "conn.refused.no_database": r"FATAL.{0,40}database .{1,80} does not exist|\"database .{1,80} does not exist\"",
    "conn.refused.not_accepting": r"the database system is (?:starting up|not yet accepting|not accepting|shutting down|in recovery mode)"
                                  r"|is not currently accepting connections",
    "conn.terminated.idle_in_transaction_timeout": r"terminating connection due to idle-in-transaction timeout",
    "conn.terminated.idle_session_timeout": r"terminating connection due to idle-session timeout",
    "conn.terminated.admin": r"terminating connection due to administrator command",
    "conn.lost.open_transaction": r"unexpected EOF on client connection with an open transaction",
    "conn.lost": r"could not (?:receive|send) data (?:from|to) client|connection to client lost"
                 r"|unexpected EOF on client connection(?! with)",
    "server.starting": r"starting PostgreSQL \d",
    "server.listening": r"listening on (?:IPv[46] address|Unix socket)",
    "server.previous_state": r"database system was (?:shut down|interrupted)",
    "server.recovery": r"automatic recovery in progress|redo (?:starts at|done at|is not required)",
    "server.wal_end": r"invalid record length at|invalid magic number",
    "server.ready": r"database system is ready to accept",
    "server.shutdown_requested": r"received (?:smart|fast|immediate) shutdown request",
    "server.shutdown_progress": r"aborting any active transactions|(?:LOG:  |\"LOG\",\"message\":\"|,LOG,00000,\")shutting down(?:$|\"|,)",
    "server.shutdown": r"database system is shut down",
    "server.child_exit": r"\(PID \d+\) (?:exited with|was terminated by)",
    "server.crash": r"terminating any other active server processes|all server processes terminated",
    "server.reload": r"received SIGHUP, reloading configuration files",
    "server.param_changed": r"parameter .{1,80} changed to ",
    "server.param_needs_restart": r"cannot be changed without restarting the server",
    "server.config_error": r"configuration file .{1,200} contains errors|syntax error in file|unrecognized configuration parameter"
                           r"|invalid value for parameter|is outside the valid range for parameter",
    "server.log_redirect": r"redirecting log output to logging collector process|ending log output to stderr",
    "server.config_missing_include": r"skipping missing configuration file",
    "server.checkpoint_starting": r"(?:checkpoint|restartpoint) starting:",
    "server.checkpoint_complete": r"(?:checkpoint|restartpoint) complete: wrote",
    "lock.waiting": r"process \d+ still waiting for",
    "lock.acquired": r"process \d+ acquired \w+ on",
    "lock.wait_ended": r"process \d+ (?:detected deadlock while waiting for|avoided deadlock for|failed to acquire)",
    "lock.deadlock": r"(?:ERROR:  |\"message\":\"|,\")deadlock detected",
    "stmt.timeout": r"canceling statement due to statement timeout",
    "stmt.lock_timeout": r"canceling statement due to lock timeout",
    "stmt.canceled": r"canceling statement due to user request",
    "stmt.duration": r"(?:LOG:  |\"message\":\"|,\")duration: \d+\.\d+ ms",
    "stmt.statement": r"(?:LOG:  |\"message\":\"|,LOG,00000,\")statement: ",
    "vacuum.auto": r"automatic (?:aggressive )?vacuum (?:to prevent wraparound )?of table",
    "vacuum.analyze": r"automatic analyze of table",
}
# ERRORs without a message of their own become stmt.error.
ERROR_LINE = {
    "stderr": r"\bERROR:  ",
    "syslog": r"\bERROR:  ",
    "cloudsql": r"\bERROR:  ",
    "csvlog": r",ERROR,[0-9A-Z]{5},",
    "jsonlog": r"\"error_severity\":\"ERROR\"",
}
ERROR_KINDS = ["lock.deadlock", "stmt.timeout", "stmt.lock_timeout", "stmt.canceled"]


def grep_count(lines, pattern):
    rx = re.compile(pattern)
    return sum(1 for line in lines if rx.search(line))


def main():
    exe = sys.argv[1]
    failures = 0
    total = collections.Counter()
    for path, fmt, extra in SAMPLES:
        raw = open(path, encoding="utf-8", errors="replace").read().split("\n")
        out = subprocess.run([exe, "timeline", "-q", *extra, path], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"FAIL {path}: exit {out.returncode}: {out.stderr.strip()}")
            failures += 1
            continue
        got = collections.Counter(json.loads(l)["kind"] for l in out.stdout.splitlines())
        want = {k: grep_count(raw, p) for k, p in MESSAGES.items()}
        want["stmt.error"] = grep_count(raw, ERROR_LINE[fmt]) - sum(want[k] for k in ERROR_KINDS)
        for kind in sorted(set(want) | set(got)):
            w = want.get(kind)
            if w is None:
                print(f"FAIL {path}: {got[kind]} event(s) of kind {kind}, which this test has no grep for")
                failures += 1
            elif got[kind] != w:
                print(f"FAIL {path}: {kind}: timeline {got[kind]}, grep {w}")
                failures += 1
        total.update(got)
    print(f"grep counts: {len(SAMPLES)} samples, {sum(total.values())} events of "
          f"{len(total)} kinds, {failures} difference(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
