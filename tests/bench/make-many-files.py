#!/usr/bin/env python3
"""A tar of three .tar.gz parts, each holding PER_PART one-line logs (the
first line of LOG): many small files in nested archives, for the bound on
memory per input (make bench) and on entries per run (tests/cli/damaged.py).
Each log in a folder of its own, as many servers' logs: one folder's logs
whose times follow on would be one server's log in pieces.

    tests/bench/make-many-files.py OUT LOG PER_PART
"""
import io
import sys
import tarfile

out, log, per_part = sys.argv[1], sys.argv[2], int(sys.argv[3])
line = open(log, "rb").readline()
with tarfile.open(out, "w") as outer:
    for k in range(3):
        inner = io.BytesIO()
        with tarfile.open(fileobj=inner, mode="w:gz") as t:
            for i in range(per_part):
                ti = tarfile.TarInfo("node%d/pg-%06d/postgresql.log" % (k, i))
                ti.size = len(line)
                t.addfile(ti, io.BytesIO(line))
        ti = tarfile.TarInfo("part%d.tar.gz" % k)
        ti.size = len(inner.getvalue())
        outer.addfile(ti, io.BytesIO(inner.getvalue()))
