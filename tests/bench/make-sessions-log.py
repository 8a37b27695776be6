#!/usr/bin/env python3
"""A PostgreSQL 15 log of N sessions for analyze's memory (make bench): each
session's lines are those of a real recording's sessions (the recording's
first "connection received", "connection authorized" and "disconnection"
lines, their pid, port, times and session time replaced), one session
starting every 20 microseconds, ten open at once. KIND "closed": every
session ends; "open": none ever does (a leak of N connections); "closing": none
ends until a connection is refused, then the leaking pool closes them all
(each a millisecond after the one before: the recovery the report weighs).
Usage: make-sessions-log.py RECORDING OUT N closed|open|closing"""
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
def line(key, t, pid, port):
    s = pid_re.sub("[%d]" % pid, shapes[key], count=1)
    s = port_re.sub("port=%d" % port, s)
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
        out.write(line("received", t, pid, port))
        out.write(line("authorized", t, pid, port))
        if kind == "closed":
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
print("%s: %d sessions, %s" % (out_path, n, kind))
