#!/usr/bin/env python3
"""Builds a large PostgreSQL log from a real recording by repeating it with
timestamps shifted one hour per copy, so that every line stays a real line.
The recording's times must all fall in one hour, FROM (default
"2026-11-27 00:"), which each copy replaces.
Usage: make-big-log.py TEMPLATE OUT SIZE_MIB [FROM]"""
import datetime
import sys

template_path, out_path, size_mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
hour_from = (sys.argv[4] if len(sys.argv) > 4 else "2026-11-27 00:").encode()
template = open(template_path, "rb").read()
if not template:
    sys.exit("make-big-log.py: %s is empty" % template_path)
day0 = datetime.date(2026, 11, 27)
want = size_mib << 20
written = 0
copy = 0
with open(out_path, "wb") as out:
    while written < want:
        day = day0 + datetime.timedelta(days=copy // 24)
        new = ("%s %02d:" % (day.isoformat(), copy % 24)).encode()
        chunk = template.replace(hour_from, new)
        out.write(chunk)
        written += len(chunk)
        copy += 1
print("%s: %d MiB, %d copies" % (out_path, written >> 20, copy))
