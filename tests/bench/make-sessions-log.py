#!/usr/bin/env python3
"""A PostgreSQL 15 log of N sessions for analyze's memory (make bench): each
session's lines are those of a real recording's sessions (the recording's
first "connection received", "connection authorized" and "disconnection"
lines, their pid, port, times and session time replaced), one session
starting every 20 microseconds, ten open at once. KIND "closed": every
session ends; "leaking": as closed, but every 64th session never ends (a leak
among short sessions, spread over every block of them); "open": none ever
does (a leak of N connections); "closing": none
ends until a connection is refused, then the leaking pool closes them all
(each a millisecond after the one before: the recovery the report weighs);
"clients": none ends, the sessions come from 2,000 client addresses in turn
(a fleet whose pods' addresses change), and OUT's name with
-pg_stat_activity.csv instead of .log gets a snapshot taken at the end, one
row per client naming its last session's application (psql --csv with
now()), which names the log's unnamed sessions by their user, database
and client.
Usage: make-sessions-log.py RECORDING OUT N closed|leaking|open|closing|clients"""
import datetime
import re
import sys

rec_path, out_path, n, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
shapes = {}
for line in open(rec_path, "rb"):
    for key, word in (("received", b"LOG:  connection received: "), ("authorized", b"LOG:  connection authorized: "),
                      ("disconnection", b"LOG:  disconnection: ")):
        if key not in shapes and word in line:
            shapes[key] = line[24:].decode()  # after "YYYY-MM-DD HH:MM:SS.mmm "
    if len(shapes) == 3:
        break
if len(shapes) < 3:
    sys.exit("make-sessions-log.py: %s lacks connection lines (connection logging)" % rec_path)
pid_re = re.compile(r"\[\d+\]")
port_re = re.compile(r"port=\d+")
host_re = re.compile(r"host=\S+")
CLIENTS = 2000
def client_of(i):
    return "10.%d.%d.%d" % (i % CLIENTS // 65536, i % CLIENTS // 256 % 256, i % CLIENTS % 256)
def line(key, t, pid, port, host=None):
    s = pid_re.sub("[%d]" % pid, shapes[key], count=1)
    s = port_re.sub("port=%d" % port, s)
    if host is not None:
        s = host_re.sub("host=" + host, s)
        s = re.sub(r" application_name=\S+", "", s)  # a client that sends no name: the snapshot names it
    if key == "disconnection":
        s = re.sub(r"session time: [0-9:.]+", "session time: 0:00:00.000", s)
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")[:23] + " " + s
t0 = datetime.datetime(2026, 12, 1, 0, 0, 0)
step = datetime.timedelta(microseconds=20)
with open(out_path, "w") as out:
    pending = []
    for i in range(n):
        t = t0 + step * i
        pid, port = 100000 + i, 30000 + i % 30000
        host = client_of(i) if kind == "clients" else None
        out.write(line("received", t, pid, port, host))
        out.write(line("authorized", t, pid, port, host))
        if kind in ("closed", "leaking"):
            if kind == "leaking" and i % 64 == 0:
                continue  # never ends
            pending.append((pid, port))
            if len(pending) == 10:
                p = pending.pop(0)
                out.write(line("disconnection", t, p[0], p[1]))
    for p in pending:
        out.write(line("disconnection", t0 + step * n, p[0], p[1]))
    if kind == "closing":
        t = t0 + step * n
        refused = line("authorized", t, 100000 + n, 30000).split("LOG:  ")[0] + "FATAL:  sorry, too many clients already\n"
        out.write(refused)
        for i in range(n):
            out.write(line("disconnection", t + datetime.timedelta(milliseconds=1 + i // 1000), 100000 + i, 30000 + i % 30000))
if kind == "clients":
    who = re.search(r"user=(\S+) database=(\S+)", shapes["authorized"])
    now = (t0 + step * n).strftime("%Y-%m-%d %H:%M:%S.%f") + "+00"
    with open(out_path[:-len(".log")] + "-pg_stat_activity.csv", "w") as psa:
        psa.write("datid,datname,pid,usesysid,usename,application_name,client_addr,client_port,backend_start,"
                  "state_change,state,query,backend_type,now\n")
        for i in range(max(0, n - CLIENTS), n):
            start = (t0 + step * i).strftime("%Y-%m-%d %H:%M:%S.%f")[:23] + "000+00"
            psa.write("16384,%s,%d,10,%s,svc-%d,%s,%d,%s,%s,idle,SELECT 1,client backend,%s\n"
                      % (who.group(2), 100000 + i, who.group(1), i % CLIENTS, client_of(i), 30000 + i % 30000,
                         start, start, now))
print("%s: %d sessions, %s" % (out_path, n, kind))
