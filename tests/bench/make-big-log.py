#!/usr/bin/env python3
"""Builds a large PostgreSQL log from a real recording by repeating it with
the times of its lines (and those in messages among them) shifted by EVERY seconds per copy
(default 3600: an hour), so that every line stays a real line and the copies
follow each other in time. The recording must span less than EVERY seconds.
Lines keep their own steps back (each backend stamps its line when it forms
it): what a real log has, copy after copy.
Usage: make-big-log.py TEMPLATE OUT SIZE_MIB [EVERY]"""
import datetime
import re
import sys

template_path, out_path, size_mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
every = int(sys.argv[4]) if len(sys.argv) > 4 else 3600
template = open(template_path, "rb").read()
if not template:
    sys.exit("make-big-log.py: %s is empty" % template_path)
stamp = re.compile(rb"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", re.M)
anywhere = re.compile(rb"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")
seconds = sorted(set(stamp.findall(template)))
if not seconds:
    sys.exit("make-big-log.py: %s has no line that starts with a time" % template_path)
parse = lambda s: datetime.datetime.strptime(s.decode(), "%Y-%m-%d %H:%M:%S")
first, last = parse(seconds[0]), parse(seconds[-1])
if (last - first).total_seconds() >= every:
    sys.exit("make-big-log.py: %s spans %d s, more than a copy's %d s" % (template_path, (last - first).total_seconds(), every))
want = size_mib << 20
written = 0
copy = 0
with open(out_path, "wb") as out:
    while written < want:
        shift = datetime.timedelta(seconds=every * copy)
        moved = {s: (parse(s) + shift).strftime("%Y-%m-%d %H:%M:%S").encode() for s in seconds}
        # times in messages too ("shut down at ..."), those the lines' times hold
        chunk = anywhere.sub(lambda m: moved.get(m.group(1), m.group(1)), template) if copy else template
        out.write(chunk)
        written += len(chunk)
        copy += 1
print("%s: %d MiB, %d copies %d s apart" % (out_path, written >> 20, copy, every))
