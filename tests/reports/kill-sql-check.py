#!/usr/bin/env python3
"""The postmortems' statements that end sessions, run on a real PostgreSQL 15
that holds the incident's kind of sessions and healthy ones at once: the
named (leaked, or idle in a transaction) end, the healthy stay.

A throwaway server (initdb in a temporary directory, listening on 127.0.0.1
so that client_addr is what the incidents' clients had) gets, per incident:
  - sessions of the suspect's user as the incident left them (idle after a
    statement; idle inside a transaction for 02),
  - healthy ones: another user's idle session, a session of the same user
    running a statement, one of the same user just used, and for the
    precise statement one of the same user the evidence does not name.
The precise statement names the incident's pids and start times, which a new
server cannot give again: the test puts the live sessions' pids and start
times in their place, and nothing else. The fallback by age keeps its text,
with its intervals set to 2 s (its values are the incident's; waiting for
them would take minutes) so that the named sessions are old enough and the
one just used is not.
Where PostgreSQL 15 is missing and cannot be installed, the check says so and
skips.
  tests/reports/kill-sql-check.py BIN
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

INCIDENTS = ["01-leak-hikari.tar.zst", "02-idle-in-transaction.zip", "05-leak-no-connection-logging.tar.zst",
             "06-jsonlog-restart.tar.zst", "10-leak-fixed-pool.tar.zst"]
PG = "/usr/lib/postgresql/15/bin"
CONTROL = "01-leak-hikari.tar.zst"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp()
        self.as_nobody = os.geteuid() == 0
        if self.as_nobody:
            shutil.chown(self.dir, "nobody")
        self.port = free_port()
        self.run(f"'{PG}/initdb' -D '{self.dir}/data' -A trust -U postgres > '{self.dir}/initdb.log' 2>&1")
        self.run(f"'{PG}/pg_ctl' -D '{self.dir}/data' -w -o \"-k '{self.dir}' -p {self.port} "
                 f"-c listen_addresses=127.0.0.1\" -l '{self.dir}/server.log' start > /dev/null 2>&1")

    def run(self, cmd):
        if self.as_nobody:
            cmd = ["su", "nobody", "-s", "/bin/sh", "-c", cmd]
        else:
            cmd = ["sh", "-c", cmd]
        if subprocess.call(cmd) != 0:
            raise RuntimeError(f"{cmd[-1]} failed")

    def sql(self, text, user="postgres", db="shop"):
        p = subprocess.run(["psql", "-X", "-q", "-At", "-h", "127.0.0.1", "-p", str(self.port), "-U", user, "-d", db,
                            "-v", "ON_ERROR_STOP=1", "-c", text], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{text[:80]}...: {p.stderr.strip()}")
        return p.stdout

    def stop(self):
        subprocess.call(["su", "nobody", "-s", "/bin/sh", "-c",
                         f"'{PG}/pg_ctl' -D '{self.dir}/data' -m immediate stop"] if self.as_nobody else
                        [f"{PG}/pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "stop"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


class Session:
    """A client holding one connection, as an application holds a pooled one."""

    def __init__(self, server, user, app, first):
        self.tag = app
        env = dict(os.environ, PGAPPNAME=app)
        self.p = subprocess.Popen(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(server.port), "-U", user,
                                   "-d", "shop"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, text=True, env=env)
        self.send(first)
        self.pid = None

    def send(self, text):
        self.p.stdin.write(text + "\n")
        self.p.stdin.flush()

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        self.p.kill()
        self.p.wait()


def wait_for(server, what, predicate, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        rows = server.sql("SELECT pid, usename, application_name, state, backend_start, xact_start "
                          "FROM pg_stat_activity WHERE backend_type = 'client backend'")
        rows = [r.split("|") for r in rows.splitlines()]
        if predicate(rows):
            return rows
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def scenario(server, user, iit, precise):
    """Opens the named and the healthy sessions; returns (named, healthy, rows by pid). Each session
    has an application_name of its own, which the statements do not look at, to be told apart."""
    other = "reports" if user != "reports" else "billing"
    first = "BEGIN;\nSELECT 1;" if iit else "SELECT 1;"
    named = [Session(server, user, f"named-{k}", first) for k in range(3)]
    healthy = [Session(server, other, "healthy-other", first),
               Session(server, user, "healthy-busy", "SELECT pg_sleep(300);"),
               Session(server, user, "healthy-used", "SELECT 1;")]
    if precise:
        healthy.append(Session(server, user, "healthy-unnamed", first))
    everyone = named + healthy
    tags = {s.tag for s in everyone}
    rows = wait_for(server, "the sessions", lambda rows: {r[2] for r in rows if r[3] in
                                                          ("idle", "active", "idle in transaction")} >= tags)
    by_tag = {r[2]: r for r in rows}
    for s in everyone:
        s.pid = int(by_tag[s.tag][0])
    return named, healthy, {int(r[0]): r for r in rows}


def check_incident(server, binary, name, failures):
    run = subprocess.run([binary, "analyze", "-q", "-f", "json", os.path.join("fixtures/incidents", name)],
                         capture_output=True, text=True)
    report = json.loads(run.stdout)
    sql = (report["remediation"] or {}).get("sessions_sql")
    if not sql:
        failures.append(f"{name}: no statement to end the sessions")
        return 0
    text = sql["terminate"]
    parts = text.split("\n\n-- if they are gone")
    if len(parts) != 2:
        failures.append(f"{name}: the precise statement and its fallback by age are not both there:\n{text}")
        return 0
    precise, fallback = parts[0], "-- if they are gone" + parts[1]
    user = re.search(r"WHERE a\.usename = '([^']+)'", precise).group(1)
    iit = "xact_start BETWEEN" in precise
    done = 0
    cases = [("precise", precise), ("by age", fallback)]
    if name == CONTROL:
        # the control: without its state_change test the fallback ends the session just used
        cases.append(("control", re.sub(r" AND state_change < now\(\) - interval '\d+ seconds'", "", fallback)))
    for which, statement in cases:
        named, healthy, rows = scenario(server, user, iit, which == "precise")
        live = statement
        try:
            time.sleep(2.5)
            if which == "precise":
                column = 5 if iit else 4
                values = ", ".join(f"({s.pid}, '{rows[s.pid][column]}')" for s in named)
                live = re.sub(r"VALUES .*?\) AS named", f"VALUES {values}) AS named", statement, flags=re.S)
            else:
                live = re.sub(r"interval '\d+ seconds'", "interval '2 seconds'", statement)
                if which == "control" and "state_change" in live:
                    failures.append(f"{name}: control: the state_change test was not taken out")
                healthy[2].send("COMMIT;\nBEGIN;\nSELECT 1;" if iit else "SELECT 1;")  # just used
                time.sleep(0.3)
            server.sql(live)
            ended = {s.pid for s in named}
            try:
                wait_for(server, "the named sessions to end",
                         lambda rows: not ended & {int(r[0]) for r in rows}, timeout=5)
            except RuntimeError:
                failures.append(f"{name}: the {which} statement left named sessions open")
            alive = {int(r[0]) for r in wait_for(server, "the rows", lambda rows: True)}
            if which == "control":
                if healthy[2].pid in alive:
                    failures.append(f"{name}: control: the fallback without its state_change test spared the "
                                    "session just used: the check cannot tell")
                continue
            for s, what in zip(healthy, ["another user's", "a busy", "a just used", "an unnamed"]):
                if s.pid not in alive:
                    failures.append(f"{name}: the {which} statement ended {what} session of {user}")
            done += 1
        finally:
            for s in named + healthy:
                s.close()
            # a backend asleep in a statement does not see its client go
            server.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE application_name LIKE 'named-%' OR application_name LIKE 'healthy-%'")
            wait_for(server, "the sessions to close",
                     lambda rows: not [r for r in rows if r[2].startswith(("named-", "healthy-"))])
    return done


def main():
    binary = sys.argv[1]
    if not os.path.exists(f"{PG}/postgres") or not shutil.which("psql"):
        subprocess.call(["sh", "-c", ". tests/lib/need-postgresql.sh"])
    if not os.path.exists(f"{PG}/postgres") or not shutil.which("psql"):
        print("kill-sql: skipped, PostgreSQL 15 is not installed and could not be (apt-get install postgresql-15)")
        return 0
    failures = []
    server = Server()
    statements = 0
    try:
        server.sql("CREATE ROLE orders LOGIN; CREATE ROLE billing LOGIN; CREATE ROLE reports LOGIN; "
                   "CREATE ROLE catalog LOGIN", db="postgres")
        server.sql("CREATE DATABASE shop", db="postgres")
        for name in INCIDENTS:
            statements += check_incident(server, binary, name, failures)
    finally:
        server.stop()
    for f in failures:
        print("FAIL kill-sql:", f)
    if failures:
        return 1
    print(f"kill-sql: {statements} statements of {len(INCIDENTS)} postmortems end the named sessions and spare "
          "another user's, a busy, a just used and an unnamed one, on PostgreSQL 15")
    return 0


if __name__ == "__main__":
    sys.exit(main())
