#!/usr/bin/env python3
"""Server logs written by other people's installations, read without being
told anything: pgBadger's test logs (../shared/corpus/pgbadger-logs, see its
README), which pgBadger reads without a prefix.

For each PostgreSQL log there: the format a reader of the file sees in it
(written down below from the files' own text), at least 99% of its lines
understood, and as many conn.authorized events as the file has
"connection authorized" messages (counted with Python, not with pgmortem).
For each PgBouncer log (1.9's and 1.21's formats): read as PgBouncer's, at least
99% of its lines read, and as many pgbouncer.client.login and client closing
events (pgbouncer.client.closed, .wait_timeout, .timeout, .refused,
.login_failed) as the file has "login attempt" and client "closing because"
lines (counted with Python's re, not with pgmortem).
Then the Cloud SQL log as gcloud saves it (a JSON document, newest first) and
the PgBouncer 1.21 log newest first: read as the files as they are. Then
inventory's first and last times of three logs against the span their records'
headers give (computed here): syslog dates never taken from a message, a log out
of order spanned whole.

    corpus_check.py PGMORTEM CORPUS_DIR

Skips with a message when CORPUS_DIR is absent (a user's clone has no shared/).
"""
import bz2
import datetime
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

# file -> the format its lines show
EXPECTED = {
    "cloudsql.log.gz": "cloudsql",          # Cloud Logging JSON, textPayload '[%p]: [%l-1] db=,user= '
    "csv_statement_without_duration.log": "csvlog",  # two csvlog rows, log_time quoted, 25 columns
    "light.postgres.log.bz2": "stderr",     # '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h '
    "logplex.gz": "syslog",                 # Heroku logplex: app[postgres.PID]: [COLOR] [l-n]
    "pg-syslog.2.gz": "syslog",             # BSD syslog, a prefix after the header, systemd's lines between
    "pg_vacuums.json.gz": "jsonlog",
    "pg_vacuums.log.gz": "stderr",          # autovacuum with its TAB details, 'user=,db=,host=,app='
    "postgresql_param_range.log": "stderr",  # '[%x] usr=%u,db=%d,appli=%a '
    "rds.log.bz2": "rds",
    "stmt_type.log": "stderr",
    "tempfile_only.log.gz": "stderr",
    "weeknumber.log": "csvlog",
}
MIN_UNDERSTOOD = 99.0
# PgBouncer's logs: file -> the form of their lines
PGBOUNCER = {
    "pgbouncer.log.gz": "stderr",        # 1.9: '2018-09-12 16:08:54.775 3392 LOG ', no zone, no brackets
    "pgbouncer.1.21.log.gz": "stderr",   # 1.21: '2023-12-19 03:06:13.586 CET [10384] LOG '
}


def bare(v):
    """A report's part without what names its file and line."""
    if isinstance(v, dict):
        return {k: bare(x) for k, x in v.items() if k not in ("path", "line") and not k.endswith("evidence")}
    return [bare(x) for x in v] if isinstance(v, list) else v


def as_saved(binary, folder, tmp):
    """The same entries as a console or CLI saves them: Cloud SQL's log as
    `gcloud logging read --format=json` prints it (one pretty JSON array,
    keys sorted, newest first), PgBouncer's log newest first (a console's
    download). Each must read as the file as it is: the same events, said
    to be read backwards, each cited at the line of its entry's text."""
    problems = []
    plain = os.path.join(tmp, "cloudsql.jsonl")
    rows = [json.loads(x) for x in text_of(os.path.join(folder, "cloudsql.log.gz")).splitlines() if x.strip()]
    with open(plain, "w") as f:
        f.write("\n".join(json.dumps(r) for r in rows) + "\n")
    doc = os.path.join(tmp, "gcloud.json")
    with open(doc, "w") as f:
        f.write(json.dumps(rows[::-1], indent=2, sort_keys=True) + "\n")
    want = subprocess.run([binary, "timeline", "-q", "--jobs", "1", plain], capture_output=True, text=True).stdout
    p = subprocess.run([binary, "timeline", "--jobs", "1", doc], capture_output=True, text=True)
    got = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    lines = open(doc).read().split("\n")
    if [bare(json.loads(x)) for x in want.splitlines() if x.strip()] != [bare(e) for e in got] or not got:
        problems.append("gcloud's JSON of cloudsql.log.gz: not the events of its entries one a line")
    elif any('"textPayload": ' not in lines[e["line"] - 1] for e in got):
        problems.append("gcloud's JSON of cloudsql.log.gz: an event not cited at its entry's textPayload")
    if "newest-first export: read from the last line to the first" not in p.stderr:
        problems.append("gcloud's JSON of cloudsql.log.gz: its order not said")
    back = os.path.join(tmp, "pgbouncer-newest-first.log")
    with open(back, "w") as f:
        f.write("\n".join(text_of(os.path.join(folder, "pgbouncer.1.21.log.gz")).splitlines()[::-1]) + "\n")
    forth = os.path.join(tmp, "pgbouncer.log")
    with open(forth, "w") as f:
        f.write(text_of(os.path.join(folder, "pgbouncer.1.21.log.gz")))
    reports = []
    for path in (forth, back):
        r = subprocess.run([binary, "analyze", "-f", "json", path], capture_output=True, text=True)
        reports.append((bare(json.loads(r.stdout).get("pgbouncer")), r.stderr))
    if reports[0][0] != reports[1][0] or not reports[0][0]:
        problems.append("pgbouncer.1.21.log.gz newest first: not the pools of the log as written")
    if "newest-first export: read from the last line to the first" not in reports[1][1]:
        problems.append("pgbouncer.1.21.log.gz newest first: its order not said")
    return problems


def text_of(path):
    opener = gzip.open if path.endswith(".gz") else bz2.open if path.endswith(".bz2") else open
    with opener(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


# inventory's FIRST and LAST are the earliest and latest time the lines' own
# headers give, whatever the messages quote (the control file's date at a
# start) and whatever their order; computed here from the text with Python:
# file -> (pgmortem's options, the header's pattern and how its text is dated)
MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
CET = datetime.timezone(datetime.timedelta(hours=1))


def bsd_2019_paris(m):
    # BSD syslog dates carry neither year nor zone: the server's own line 5
    # says 2019 and CET (February: no summer time)
    return datetime.datetime(2019, MONTHS[m.group(1)], int(m.group(2)), int(m.group(3)), int(m.group(4)),
                             int(m.group(5)), tzinfo=CET)


def iso_offset(m):
    return datetime.datetime.fromisoformat(m.group(1))


def local_cet(m):
    return datetime.datetime.fromisoformat(m.group(1)).replace(tzinfo=CET)


SPANS = {
    "pg-syslog.2.gz": (["--year", "2019", "--tz", "Europe/Paris"],
                       r"^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) \S+ postgres\[\d+\]: \[\d+-1\] ", bsd_2019_paris),
    # Heroku's drain writes a drain token before app[...] and no colon on its later lines
    "logplex.gz": ([], r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)(?: \S+)? app\[postgres\.\d+\]:? \[\w+\] \[\d+-1\]",
                   iso_offset),
    # its lines are not in time order: line 3 is 31 s before line 1
    "postgresql_param_range.log": ([], r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) CET \[", local_cet),
}


def inventory_spans(binary, folder):
    problems = []
    for name, (options, pattern, when) in sorted(SPANS.items()):
        times = [when(m) for m in re.finditer(pattern, text_of(os.path.join(folder, name)), re.M)]
        want = [min(times), max(times)] if times else None
        want = [t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z") for t in want]
        p = subprocess.run([binary, "inventory", "-q", "-f", "json", *options, os.path.join(folder, name)],
                           capture_output=True, text=True)
        got = [[i["first_ts"], i["last_ts"]] for i in json.loads(p.stdout)["inputs"]] if p.stdout else []
        if got != [want]:
            problems.append(f"{name}: inventory says {got}, its records span {want}")
    return problems


def main():
    binary, folder = sys.argv[1], sys.argv[2]
    if not os.path.isdir(folder):
        print(f"corpus: skipped, {folder} is absent (the outside corpus is in the project's shared/ only)")
        return 0
    passed = failed = 0
    for name, fmt in sorted(EXPECTED.items()):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            print(f"FAIL {name}: missing from the corpus")
            failed += 1
            continue
        p = subprocess.run([binary, "timeline", "--coverage", "--jobs", "1", path],
                           capture_output=True, text=True)
        events = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
        problems = []
        m = re.search(r": ([a-z]+)(?:, log_line_prefix .*?)?; (\d+) lines: (\d+) messages, (\d+) secondary and "
                      r"(\d+) continuation lines, (\d+) not understood(?:, (\d+) no server output)?", p.stderr)
        if not m:
            problems.append("no coverage line: " + p.stderr.strip()[:200])
        else:
            got_fmt, lines, unparsed = m.group(1), int(m.group(2)), int(m.group(6))
            foreign = int(m.group(7) or 0)
            if got_fmt != fmt:
                problems.append(f"read as {got_fmt}, its lines are {fmt}")
            server = lines - foreign  # lines that are no server output are counted apart
            share = 100.0 * (server - unparsed) / server if server else 0.0
            if share < MIN_UNDERSTOOD:
                problems.append(f"{share:.2f}% of {server} server lines understood")
        want = len(re.findall(r"connection authorized: ", text_of(path)))
        got = sum(1 for e in events if e.get("kind") == "conn.authorized")
        if got != want:
            problems.append(f"{got} conn.authorized events, the file has {want} such messages")
        if not events:
            problems.append("no event")
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            passed += 1
    for name, fmt in sorted(PGBOUNCER.items()):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            print(f"FAIL {name}: missing from the corpus")
            failed += 1
            continue
        p = subprocess.run([binary, "timeline", "--coverage", "--jobs", "1", path], capture_output=True, text=True)
        events = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
        problems = []
        m = re.search(r": PgBouncer log \(([a-z]+)\); (\d+) lines: (\d+) records, (\d+) not PgBouncer's; "
                      r"(\d+) events, (\d+) messages of unknown kind", p.stderr)
        if not m:
            problems.append("no coverage line: " + p.stderr.strip()[:200])
        else:
            got_fmt, lines, unparsed, unknown = m.group(1), int(m.group(2)), int(m.group(4)), int(m.group(6))
            if got_fmt != fmt:
                problems.append(f"read as {got_fmt}, its lines are {fmt}")
            share = 100.0 * (lines - unparsed - unknown) / lines if lines else 0.0
            if share < MIN_UNDERSTOOD:
                problems.append(f"{share:.2f}% of {lines} lines read")
        text = text_of(path)
        for what, pattern, kinds in (
                ("login attempt", r" C-0x[0-9a-f]+: \S+ login attempt: ", {"pgbouncer.client.login"}),
                ("client closing", r" C-0x[0-9a-f]+: \S+ closing because: ",
                 {"pgbouncer.client.closed", "pgbouncer.client.wait_timeout", "pgbouncer.client.timeout",
                  "pgbouncer.client.refused", "pgbouncer.client.login_failed"})):
            want = len(re.findall(pattern, text))
            got = sum(1 for e in events if e.get("kind") in kinds)
            if got != want or not want:
                problems.append(f"{got} events of {what}, the file has {want} such lines")
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            passed += 1
    problems = inventory_spans(binary, folder)
    if problems:
        failed += 1
        print("FAIL inventory's first and last: " + "; ".join(problems))
    else:
        passed += 1
    with tempfile.TemporaryDirectory() as tmp:
        problems = as_saved(binary, folder, tmp)
    if problems:
        failed += 1
        print("FAIL as saved: " + "; ".join(problems))
    else:
        passed += 1
    print(f"corpus: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
