#!/usr/bin/env python3
"""Every message HikariCP 2.0.0 and later logs has its verdict, and the rule
packs give it.

tests/rules/hikari-messages.tsv lists each message of HikariCP's releases
(fixtures/record/hikari-messages.py, from its source history) with a sample
line and the event kind the packs must give it, or '-' with why it is no
event. Each sample is written as HikariCP's logger would have written it
under Spring Boot's layout (an exception's message as the exception line of
an application's error, where an application logs it), `pgmortem timeline`
reads the file, and every line must give its kind and no other. Then, per
release, how many of its messages are classified and how many are not by
design.

Usage: hikari_messages_check.py PGMORTEM [--list]   (exit 1 on a message without
its kind, or a verdict still '?')
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TSV = os.path.join(HERE, "hikari-messages.tsv")
LOGGERS = {"HikariPool": "com.zaxxer.hikari.pool.HikariPool", "PoolBase": "com.zaxxer.hikari.pool.PoolBase",
           "ProxyLeakTask": "com.zaxxer.hikari.pool.ProxyLeakTask", "HikariDataSource": "com.zaxxer.hikari.HikariDataSource",
           "HikariConfig": "com.zaxxer.hikari.HikariConfig"}


def rows():
    with open(TSV) as f:
        return list(csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t",
                                   quoting=csv.QUOTE_NONE, escapechar="\\"))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    pgmortem = sys.argv[1]
    listing = "--list" in sys.argv
    table = rows()
    lines, where = [], {}
    for i, r in enumerate(table):
        where[len(lines) + 1] = i
        if r["level"] == "EXCEPTION":
            lines.append("2026-11-27T00:00:00.000Z ERROR 4711 --- [shop] [nio-8080-exec-1] com.shop.Api"
                         "                             : Request failed")
            lines.append("")
            lines.append("%s: %s" % (r["class"], r["sample"]))
            lines.append("\tat com.shop.Api.get(Api.java:10)")
            lines.append("")
        else:
            logger = LOGGERS.get(r["class"], "com.zaxxer.hikari.util." + r["class"])
            lines.append("2026-11-27T00:00:00.000Z %5s 4711 --- [shop] [l-1 housekeeper] %-40s : %s"
                         % ("WARN" if r["level"] == "WARNING" else r["level"], logger[-40:], r["sample"]))
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "shop.log")
        with open(log, "w") as f:
            f.write("\n".join(lines) + "\n")
        p = subprocess.run([pgmortem, "timeline", log], capture_output=True, text=True)
        if p.returncode not in (0, 2):
            sys.exit("hikari-messages: timeline failed (exit %d): %s" % (p.returncode, p.stderr[-500:]))
    got = {}
    for l in p.stdout.splitlines():
        e = json.loads(l)
        if e["line"] in where:
            got.setdefault(where[e["line"]], []).append(e["kind"])
    bad = 0
    per_release = {}
    for i, r in enumerate(table):
        kinds = got.get(i, [])
        want = r["kind"]
        ok = (want == "-" and not kinds) or (want not in ("-", "?") and kinds == [want])
        if not ok:
            bad += 1
            print("hikari-messages: %s %s (%s-%s) %r: want %s, got %s" % (r["level"], r["class"], r["first"],
                  r["last"], r["sample"][:120], want, ",".join(kinds) or "nothing"))
        elif listing:
            print("ok %s -> %s" % (r["sample"][:100], want))
        for rel in r["releases"].split(","):
            c = per_release.setdefault(rel, [0, 0])
            c[0 if want not in ("-", "?") else 1] += 1
    def key(v):
        return [int(x) for x in v.split(".")]
    releases = sorted(per_release, key=key)
    classified = sum(1 for r in table if r["kind"] not in ("-", "?"))
    print("hikari-messages: %d messages of HikariCP %s to %s (%d releases), %d give their event, %d are no event by "
          "design (debug, configuration echoes, internal errors: why in the table); %d wrong"
          % (len(table), releases[0], releases[-1], len(releases), classified, len(table) - classified - bad, bad))
    counts = ["%s %d/%d" % (rel, per_release[rel][0], sum(per_release[rel])) for rel in releases]
    print("hikari-messages: per release, messages that give an event / messages:")
    for k in range(0, len(counts), 8):
        print("  " + ", ".join(counts[k:k + 8]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
