#!/usr/bin/env python3
"""Every recorded incident, its logs wrapped as container runtimes, kubectl and
journald deliver them, must give the same analysis as the bundle as it was.

For each incident in fixtures/incidents and each form, the server and
application logs are wrapped line by line (each line's own time as the
wrapper's, as the runtime would have stamped it), written to a new tar, and
`pgmortem analyze -f json` is run on both. The reports are compared whole,
less `inputs`, `stats` and `tool`, after every evidence {path, line} of the
wrapped report is mapped back to the line it wraps: an evidence line that
is not the wrapper line of its event fails the test as surely as a lost
event does.

The wrappers are written as their writers write them:
  cri             containerd/CRI-O: TIME STREAM F|P LINE; lines cut into P pieces
  cri-zoneless    the same, the applications' own times written in UTC+01:00
                  without a zone (a JVM in Europe/Paris): the envelope's UTC
                  times must give their zone
  docker          Docker json-file, pieces without their "\\n" for long lines
  kubectl-ts      kubectl logs --timestamps (the kubelet's 9-digit RFC 3339)
  kubectl-prefix  kubectl logs --prefix: [pod/NAME/CONTAINER] LINE
  kubectl-both    --prefix --timestamps
  journal         journalctl -o short-iso (a tab shown as 8 spaces)
  journal-json    journalctl -o json; a Java trace joined to its entry's MESSAGE
  journal-export  journalctl -o export; such a MESSAGE in the binary form
  stern           stern's default template, colours off: POD CONTAINER LINE
  compose         docker compose logs: NAME padded | LINE (compose's cmd/formatter/logs.go)
  compose-ts      docker compose logs --timestamps: NAME | Docker's 9-digit time LINE
  loki            Grafana Loki's logcli query --forward: TIME {LABELS} LINE, the line trimmed
                  (a Java frame's tab with it), the time to the second (pkg/logcli/output/default.go)
  loki-jsonl      logcli --output=jsonl: {"labels":{...},"line":...,"timestamp":...}
  cloudwatch      aws logs tail: TIME (isoformat, microseconds, +00:00) STREAM LINE
                  (awscli's customizations/logs/tail.py)
  cloud-logging   gcloud logging read --format=json: one JSON array of LogEntry objects,
                  newest first (gcloud's default order), indented by 2, keys sorted;
                  the server's stderr log as Cloud SQL's entries, the other logs as a GKE
                  container's (textPayload, the pod and container in resource.labels); a
                  csvlog, a jsonlog or a SHOW table stays a file (Cloud Logging holds none)
  cloudwatch-json aws logs filter-log-events: {"events": [...]} indented by 4, each line
                  an event (its time in milliseconds, its log stream), empty lines not
                  sent (CloudWatch takes no empty message)
  loki-api        Grafana Loki's HTTP API answer to query_range, as jq indents it (by 2):
                  {"status", "data": {"resultType": "streams", "result": [{"stream":
                  {labels}, "values": [["<ns>", "<line>"], ...]}], "stats"}}, newest
                  first (Loki's default direction, backward); the server's csvlog and
                  jsonlog too, each line a value; a SHOW table stays a file

Then every log of an incident in one `docker compose logs` file, the lines of
its containers interleaved by time as compose prints them, read per container.

Then the same comparison on what a real journald gave back of incident 01's
two logs (fixtures/record/journal.sh, tests/samples/journal): journalctl
short-iso, short-precise, json and export, as recorded, each log in its own
file, and both in one file as a host's journal holds them.

Usage: wrap.py PGMORTEM [INCIDENT...]   (exit 1 on any difference)
"""
import datetime
import heapq
import io
import json
import os
import random
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FORMS = ["cri", "cri-zoneless", "docker", "kubectl-ts", "kubectl-prefix", "kubectl-both", "journal",
         "journal-json", "journal-export", "stern", "compose", "compose-ts", "loki", "loki-jsonl", "cloudwatch",
         "cloud-logging", "cloudwatch-json", "loki-api"]
LOG_NAME = re.compile(r"\.(log|csv|json)$")
TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?"
                  r"(?: ?(Z|UTC|GMT|[+-]\d{2}:?\d{2}))?")


def members(path):
    """(name, bytes) of every file in an incident archive."""
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            return [(i.filename, z.read(i)) for i in z.infolist() if not i.is_dir()]
    data = open(path, "rb").read()
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        return [(m.name, t.extractfile(m).read()) for m in t.getmembers() if m.isfile()]


def line_time(line, last):
    """The time a line starts with (within its first 160 bytes), UTC microseconds."""
    m = TIME.search(line[:160])
    if not m:
        return last
    y, mo, d, h, mi, s = (int(m.group(k)) for k in range(1, 7))
    frac = (m.group(7) or "0")[:6].ljust(6, "0")
    t = datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)
    us = int(t.timestamp()) * 1000000 + int(frac)
    z = m.group(8)
    if z and z[0] in "+-":
        sign = 1 if z[0] == "+" else -1
        z = z[1:].replace(":", "")
        us -= sign * (int(z[:2]) * 3600 + int(z[2:4]) * 60) * 1000000
    return us


def rfc3339(us, digits=9):
    t = datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc)
    frac = "%06d" % (us % 1000000)
    frac = (frac + "000")[:digits]
    return t.strftime("%Y-%m-%dT%H:%M:%S") + "." + frac + "Z"


def short_iso(us):
    t = datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S+0000")


def is_trace(line):
    return line.startswith("\tat ") or line.startswith("Caused by: ") or line.startswith("\t... ")


def document(form, name, lines):
    """A JSON document of the lines' entries, and per line of it the original line
    whose text it holds (the line of the entry's textPayload or message)."""
    server = "/db/" in name
    container = os.path.basename(os.path.dirname(name))
    pod = container + "-7d9c8b5f4-x2kq9"
    if form == "loki-api":
        # Loki's loghttp: each value [time in ns as a string, line]; a stream's labels first
        labels = ({"container": "postgres", "namespace": "shop", "pod": "orders-db-0"} if server else
                  {"container": container, "namespace": "shop", "pod": pod, "job": "shop/" + container})
        values = [(no, [str(t * 1000), line]) for no, line, t in timed(lines)]
        values.reverse()
        text = json.dumps({"status": "success", "data": {"resultType": "streams", "result": [
            {"stream": labels, "values": [v for _, v in values]}],
            "stats": {"summary": {"totalEntriesReturned": len(values)}}}}, indent=2, ensure_ascii=False)
        # a value's line: the string after its time's, each on a line of its own
        return cited(text, values, lambda out, i: i > 0 and re.fullmatch(r' {12}"\d+",', out[i - 1]) is not None
                     and out[i].startswith(' ' * 12 + '"'))
    entries = []
    for no, line, t in timed(lines):
        if form == "cloud-logging":
            if server:
                resource = {"labels": {"database_id": "shop-prod:orders-db", "project_id": "shop-prod",
                                       "region": "europe-west1"}, "type": "cloudsql_database"}
                log = "projects/shop-prod/logs/cloudsql.googleapis.com%2Fpostgres.log"
            else:
                resource = {"labels": {"cluster_name": "prod", "container_name": container,
                                       "location": "europe-west1", "namespace_name": "shop", "pod_name": pod,
                                       "project_id": "shop-prod"}, "type": "k8s_container"}
                log = "projects/shop-prod/logs/stdout"
            entries.append((no, {"insertId": "%016x" % no, "logName": log, "receiveTimestamp": rfc3339(t + 2000, 9),
                                 "resource": resource, "severity": "INFO", "textPayload": line,
                                 "timestamp": rfc3339(t, 6)}))
        elif line:
            entries.append((no, {"logStreamName": "shop-db.0" if server else pod, "timestamp": t // 1000,
                                 "message": line, "ingestionTime": t // 1000 + 200,
                                 "eventId": "%056d" % no}))
    if form == "cloud-logging":
        entries.reverse()
        text, key = json.dumps([e for _, e in entries], indent=2, sort_keys=True, ensure_ascii=False), '    "textPayload": '
    else:
        streams = sorted({e["logStreamName"] for _, e in entries})
        # as awscli's JSONFormatter writes it (awscli/formatter.py: json.dump(response, indent=4)),
        # a character beyond ASCII escaped as a \u and its code in four hex digits
        text = json.dumps({"events": [e for _, e in entries],
                           "searchedLogStreams": [{"logStreamName": n, "searchedCompletely": True} for n in streams]},
                          indent=4)
        key = '            "message": '
    return cited(text, entries, lambda out, i: out[i].startswith(key))


def timed(lines):
    """(line number, line, time in microseconds) of each line, as an agent stamps it:
    its own time, else the one before."""
    t = 0
    for no, line in enumerate(lines, 1):
        t = line_time(line, t)
        yield no, line, t


def cited(text, entries, holds_text):
    """The document's bytes and, per line of it (from 1), the original line whose
    text it holds: the lines holds_text(lines, i) picks take entries' numbers in turn."""
    out = text.split("\n")
    where, k = [None], 0
    for i in range(len(out)):
        if holds_text(out, i):
            where.append(entries[k][0])
            k += 1
        else:
            where.append(None)
    assert k == len(entries)
    return (text + "\n").encode("utf-8", "surrogateescape"), where


def wrap(form, name, text, rng):
    """The wrapped file's bytes and, per wrapper line (from 1), the original line it carries."""
    server = "/db/" in name
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if form in ("cloud-logging", "cloudwatch-json", "loki-api"):
        return document(form, name, lines)
    out, where = [], [None]
    t = line_time(lines[0], 1796265600000000) if lines else 0
    container = "postgres" if server else os.path.basename(os.path.dirname(name))
    pod = container + "-7d9c8b5f4-x2kq9"
    unit = "postgresql@15-main.service" if server else container + ".service"
    pid = "30741" if server else "30742"
    stream = "stderr" if server else "stdout"
    entries = []  # (first original line, time, [lines]) for the journal forms
    for no, line in enumerate(lines, 1):
        t = line_time(line, t)
        if form in ("journal-json", "journal-export") and not server and is_trace(line) and entries:
            entries[-1][2].append(line)
            continue
        entries.append((no, t, [line]))
    for no, t, group in entries:
        line = group[0]
        if form == "cri-zoneless" and not server:
            m = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})\.(\d{3})Z", line)
            if m:
                local = datetime.datetime.fromtimestamp(t // 1000000 + 3600, datetime.timezone.utc)
                line = local.strftime("%Y-%m-%d %H:%M:%S") + "." + m.group(3) + line[m.end():]
        if form in ("cri", "cri-zoneless"):
            pieces = [line]
            if len(line) > 30:
                cuts = sorted(rng.sample(range(1, len(line)), min(3, len(line) - 1)))
                pieces = [line[a:b] for a, b in zip([0] + cuts, cuts + [len(line)])]
            for k, piece in enumerate(pieces):
                tag = "F" if k == len(pieces) - 1 else "P"
                out.append("%s %s %s %s" % (rfc3339(t, 9), stream, tag, piece))
                where.append(no)
        elif form == "docker":
            pieces = [line]
            if len(line) > 40:
                cut = rng.randrange(1, len(line))
                pieces = [line[:cut], line[cut:]]
            for k, piece in enumerate(pieces):
                end = "\n" if k == len(pieces) - 1 else ""
                out.append(json.dumps({"log": piece + end, "stream": stream,
                                       "time": rfc3339(t, 9)}, separators=(",", ":")))
                where.append(no)
        elif form.startswith("kubectl"):
            head = ""
            if form in ("kubectl-prefix", "kubectl-both"):
                head += "[pod/%s/%s] " % (pod, container)
            if form in ("kubectl-ts", "kubectl-both"):
                head += rfc3339(t, 9) + " "
            out.append(head + line)
            where.append(no)
        elif form == "stern":
            out.append("%s %s %s" % (pod, container, line))
            where.append(no)
        elif form == "loki":
            labels = '{app="%s", namespace="shop", pod="%s"}' % (container, pod)
            stamp = datetime.datetime.fromtimestamp(t // 1000000, datetime.timezone.utc)
            out.append("%s %s %s" % (stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), labels.ljust(72), line.strip()))
            where.append(no)
        elif form == "loki-jsonl":
            out.append(json.dumps({"labels": {"app": container, "namespace": "shop", "pod": pod}, "line": line,
                                   "timestamp": rfc3339(t, 9)}, separators=(",", ":")))
            where.append(no)
        elif form == "cloudwatch":
            stamp = datetime.datetime.fromtimestamp(t // 1000000, datetime.timezone.utc)
            out.append("%s.%06d+00:00 %s %s" % (stamp.strftime("%Y-%m-%dT%H:%M:%S"), t % 1000000,
                                                 "shop-db.0" if server else pod, line.rstrip()))
            where.append(no)
        elif form in ("compose", "compose-ts"):
            out.append(compose_line(compose_name(name), t if form == "compose-ts" else None, line))
            where.append(no)
        elif form == "journal":
            out.append("%s vm %s[%s]: %s" % (short_iso(t), container, pid, line.replace("\t", " " * 8)))
            where.append(no)
        elif form == "journal-json":
            out.append(json.dumps({"__REALTIME_TIMESTAMP": str(t), "_SYSTEMD_UNIT": unit, "_PID": pid,
                                   "SYSLOG_IDENTIFIER": container, "PRIORITY": "6",
                                   "MESSAGE": "\n".join(group)}, separators=(",", ":")))
            where.append(no)
        elif form == "journal-export":
            message = "\n".join(group)
            fields = ["__CURSOR=s=0;i=%x" % len(out), "__REALTIME_TIMESTAMP=%d" % t,
                      "_SYSTEMD_UNIT=" + unit, "_PID=" + pid, "SYSLOG_IDENTIFIER=" + container]
            for f in fields:
                out.append(f)
                where.append(None)
            if "\n" in message:
                raw = message.encode()
                binary = "MESSAGE\n" + struct.pack("<Q", len(raw)).decode("latin-1") + raw.decode("latin-1")
                for k, piece in enumerate(binary.split("\n")):
                    out.append(piece)
                    where.append(no if k == 0 else None)  # the field's name line is cited
            else:
                out.append("MESSAGE=" + message)
                where.append(no)
            out.append("")
            where.append(None)
    data = "\n".join(out) + "\n"
    return data.encode("latin-1" if form == "journal-export" else "utf-8", "surrogateescape"), where


def compose_name(member):
    """The container compose would name for a log's service: db-1, orders-1."""
    return ("db" if "/db/" in member else os.path.basename(os.path.dirname(member))) + "-1"


def compose_line(name, t, line, width=12):
    """One line as compose prints it: the name padded to the widest container's
    width ("%-*s | "), Docker's RFC3339NanoFixed time after the bar with
    --timestamps."""
    return "%-*s | %s%s" % (width, name, rfc3339(t, 9) + " " if t is not None else "", line)


def write_tar(path, files):
    with tarfile.open(path, "w") as t:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1796256000
            t.addfile(info, io.BytesIO(data))


def analyze_said(pgmortem, path):
    """`analyze -f json`'s report, exit code and what it said on stderr."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    r = subprocess.run([pgmortem, "analyze", "-f", "json", path], capture_output=True, env=env)
    if r.returncode not in (0, 2):
        raise SystemExit("%s: analyze exited %d: %s" % (path, r.returncode, r.stderr.decode()[-400:]))
    return json.loads(r.stdout), r.returncode, r.stderr.decode("utf-8", "replace")


def analyze(pgmortem, path):
    report, rc, _ = analyze_said(pgmortem, path)
    return report, rc


def incidents_of(argv):
    """The incidents named on the command line, else every recorded one."""
    return argv or sorted(
        os.path.join(ROOT, "fixtures/incidents", f) for f in os.listdir(os.path.join(ROOT, "fixtures/incidents"))
        if not f.endswith(".json"))


def strip(report, bundle, maps):
    """The report less what differs by nature, evidence mapped to original lines.
    maps: wrapped member -> (original member, where) with where[wrapper line] the
    original line, or (original member, line) for a file of several sources."""
    bad = []

    def origin(member, n):
        orig, where = maps[member]
        w = where[n] if n < len(where) else None
        if w is None:
            bad.append("%s:%d is no wrapped line" % (member, n))
            return orig, None
        return w if isinstance(w, tuple) else (orig, w)

    def walk(node):
        if isinstance(node, dict):
            if "path" in node and "line" in node and isinstance(node["path"], str):
                # a journal's or kubectl --prefix's lines are read per source: FILE#SOURCE
                member = node["path"].split("!", 1)[-1].split("#", 1)[0]
                if member in maps and isinstance(node["line"], int):
                    orig, node["line"] = origin(member, node["line"])
                    node["path"] = node["path"].split("!", 1)[0] + "!" + orig
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):
            node = node.replace(bundle, "BUNDLE")
            if not maps:
                return node
            # one pass over every member, the longest first: "x.log" begins "x.log.1",
            # and a name put back must not be read again
            names = sorted(maps, key=len, reverse=True)
            # a source may hold a ':' (Cloud SQL's database_id "project:instance"), not one before digits
            pattern = re.compile("(" + "|".join(re.escape(m) for m in names) + r")(#(?:[^:\s]|:(?!\d))*)?(?::(\d+))?")

            def back(m):
                member, source, n = m.group(1), m.group(2), m.group(3)
                name = SOURCES.get(member, {}).get(source[1:]) if source else None
                if n is None:
                    return name or maps[member][0]
                orig, line = origin(member, int(n))
                return "%s:%s" % (orig, line if line is not None else "?")
            return pattern.sub(back, node)
        return node

    out = {k: walk(v) for k, v in report.items() if k not in ("inputs", "stats", "tool")}
    return out, bad


# a file of several sources: its member -> {source: the original member of its lines}
SOURCES = {}


def first_difference(a, b, where="$"):
    if type(a) is not type(b):
        return "%s: %r != %r" % (where, a, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s: only in %s" % (where, k, "original" if k in a else "wrapped")
            d = first_difference(a[k], b[k], where + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d items != %d" % (where, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (where, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r != %r" % (where, a, b)


def unwrapped_report(pgmortem, files, tmp):
    """The report of the bundle as it was (its path made BUNDLE), and its exit code."""
    plain = os.path.join(tmp, "plain.tar")
    write_tar(plain, files)
    want, want_rc = analyze(pgmortem, plain)
    want, _ = strip(want, plain, {})
    return json.loads(json.dumps(want).replace(plain, "BUNDLE")), want_rc


def differs(pgmortem, path, wrapped, maps, want, want_rc):
    """Writes the wrapped bundle and tells the first way its report differs, or None."""
    write_tar(path, wrapped)
    got, got_rc = analyze(pgmortem, path)
    got, bad = strip(got, path, maps)
    diff = bad[0] if bad else first_difference(want, got)
    if not diff and got_rc != want_rc:
        diff = "exit %d, unwrapped %d" % (got_rc, want_rc)
    return diff


JOURNAL = os.path.join(ROOT, "tests/samples/journal")
JOURNAL_LOGS = {"postgres": "01-leak-hikari/db/postgresql-15-main.log", "orders": "01-leak-hikari/orders/orders.log"}


def recorded_journal(pgmortem, tmp):
    """Incident 01 with its logs as a real journald exported them."""
    incident = os.path.join(ROOT, "fixtures/incidents/01-leak-hikari.tar.zst")
    files = members(incident)
    want, want_rc = unwrapped_report(pgmortem, files, tmp)
    checks = failures = 0
    for form in ("short-iso", "short-precise", "json", "export"):
        maps, wrapped = {}, []
        originals = dict(files)
        for ident, name in JOURNAL_LOGS.items():
            recorded = os.path.join(JOURNAL, "01-%s.%s.zst" % (ident, form))
            data = subprocess.run(["zstd", "-dc", recorded], check=True, capture_output=True).stdout
            # journald keeps one entry per non-empty line, in order
            kept = [no for no, line in enumerate(originals[name].split(b"\n"), 1) if line]
            lines = data.split(b"\n")
            if form == "export":
                at = [no for no, line in enumerate(lines, 1) if line.startswith(b"MESSAGE=") or line == b"MESSAGE"]
            else:
                at = list(range(1, len(lines)))
            where = [None] * (len(lines) + 1)
            for no, orig in zip(at, kept):
                where[no] = orig
            new = name[:-4] + ".journal." + form + ".zst"
            maps[new] = (name, where)
            wrapped.append((new, open(recorded, "rb").read()))
        wrapped += [(n, d) for n, d in files if n not in JOURNAL_LOGS.values()]
        path = os.path.join(tmp, "01-recorded-journal-%s.tar" % form)
        diff = differs(pgmortem, path, wrapped, maps, want, want_rc)
        checks += 1
        if diff:
            failures += 1
            print("FAIL 01 recorded journal %s: %s" % (form, diff[:600]))
    # a host's journal: both logs in one file, told apart by their identifiers
    for form in ("short-iso", "export"):
        recorded = os.path.join(JOURNAL, "01-host.%s.zst" % form)
        data = subprocess.run(["zstd", "-dc", recorded], check=True, capture_output=True).stdout
        lines = data.split(b"\n")
        kept = {ident: iter([no for no, line in enumerate(dict(files)[name].split(b"\n"), 1) if line])
                for ident, name in JOURNAL_LOGS.items()}
        where = [None] * (len(lines) + 1)
        ident = None
        sources = {}
        for no, line in enumerate(lines, 1):
            if form == "export":
                if line.startswith(b"SYSLOG_IDENTIFIER="):
                    ident = line.split(b"=", 1)[1].decode()
                if not (line.startswith(b"MESSAGE=") or line == b"MESSAGE"):
                    continue
                who = ident
            else:
                m = re.match(rb"\S+ \S+ ([^\[]+)\[", line)
                if not m:
                    continue
                who = m.group(1).decode()
            short = who.rsplit("-", 1)[-1]
            sources[who] = JOURNAL_LOGS[short]
            where[no] = (JOURNAL_LOGS[short], next(kept[short]))
        member = "01-leak-hikari/host/journal.%s.zst" % form
        SOURCES[member] = sources
        maps = {member: (JOURNAL_LOGS["postgres"], where)}
        wrapped = [(member, open(recorded, "rb").read())]
        wrapped += [(n, d) for n, d in files if n not in JOURNAL_LOGS.values()]
        path = os.path.join(tmp, "01-recorded-host-journal-%s.tar" % form)
        diff = differs(pgmortem, path, wrapped, maps, want, want_rc)
        checks += 1
        if diff:
            failures += 1
            print("FAIL 01 recorded host journal %s: %s" % (form, diff[:600]))
    return checks, failures


# What only systemd as PID 1 writes cannot be recorded on a machine without
# it: these lines are built from systemd's format strings (src/core/service.c,
# unit.c, job.c: "%s: Main process exited, code=%s, status=%i/%s", "Failed
# with result '%s'.", "Scheduled restart job, restart counter is at %u.",
# "Started %s.") with the unit's name first, as LOG_UNIT_MESSAGE writes it.
SYSTEMD_LINES = [
    ("orders.service: Main process exited, code=killed, status=9/KILL",
     "systemd: orders.service's main process was killed (signal 9/KILL)"),
    ("orders.service: Failed with result 'signal'.", "systemd: orders.service failed (result 'signal')"),
    ("orders.service: Scheduled restart job, restart counter is at 1.",
     "systemd restarts orders.service (its restart counter at 1)"),
    ("Started orders.service - Orders.", "systemd started orders.service - Orders"),
]


def systemd_moments(pgmortem, tmp):
    """Incident 01 in the journal, with what systemd says of orders when it is
    killed and restarted 10 s after the first refusal: the verdict stays, and
    each of systemd's lines is a key moment citing its journal line."""
    incident = os.path.join(ROOT, "fixtures/incidents/01-leak-hikari.tar.zst")
    files = members(incident)
    want, want_rc = unwrapped_report(pgmortem, files, tmp)
    rng = random.Random("systemd")
    wrapped, maps = [], {}
    for name, data in files:
        if LOG_NAME.search(name):
            body, where = wrap("journal", name, data.decode("utf-8", "surrogateescape"), rng)
            new = re.sub(r"\.(log|csv|json)$", ".journal", name)
            maps[new] = (name, where)
            wrapped.append((new, body))
        else:
            wrapped.append((name, data))
    kill = datetime.datetime(2026, 11, 27, 2, 22, 0, tzinfo=datetime.timezone.utc)
    journal = "".join("%s vm systemd[1]: %s\n" % (short_iso(int(kill.timestamp()) * 1000000), line)
                      for line, _ in SYSTEMD_LINES)
    wrapped.append(("01-leak-hikari/host/systemd.journal", journal.encode()))
    path = os.path.join(tmp, "01-systemd-moments.tar")
    write_tar(path, wrapped)
    got, got_rc = analyze(pgmortem, path)
    moments = [(m["text"], m["evidence"][0]["path"].split("!", 1)[-1], m["evidence"][0]["line"], m["t"])
               for m in got["timeline"] if m.get("evidence")]
    problems = []
    for k, (_, text) in enumerate(SYSTEMD_LINES, 1):
        want_moment = (text, "01-leak-hikari/host/systemd.journal#systemd", k, "2026-11-27T02:22:00.000Z")
        if want_moment not in moments:
            problems.append("no key moment %r" % (want_moment,))
    got_v, _ = strip(got, path, maps)
    for key in ("verdict", "exhaustion", "leak"):
        if got_v[key] != want[key]:
            problems.append("%s differs: %r" % (key, first_difference(want[key], got_v[key])))
    for p in problems:
        print("FAIL 01 with systemd's lines: " + p)
    return 1, 1 if problems else 0


def pods_layout(pgmortem, tmp):
    """A node's /var/log/pods layout names the pod and container of an
    application whose lines do not: incident 01's orders log, its
    application name taken out of each line, as the kubelet's CRI file."""
    incident = os.path.join(ROOT, "fixtures/incidents/01-leak-hikari.tar.zst")
    files = dict(members(incident))
    text = files["01-leak-hikari/orders/orders.log"].decode().replace(" [orders] ", " ")
    body, _ = wrap("cri", "01-leak-hikari/orders/orders.log", text, random.Random("pods"))
    wrapped = [(n, d) for n, d in files.items() if n != "01-leak-hikari/orders/orders.log"]
    wrapped.append(("var/log/pods/shop_orders-7d9c8b5f4-x2kq9_0d6f2a1c-5b7e/orders/0.log", body))
    path = os.path.join(tmp, "01-pods.tar")
    write_tar(path, wrapped)
    got, _ = analyze(pgmortem, path)
    texts = [m["text"] for m in got["timeline"]]
    ok = "orders-7d9c8b5f4-x2kq9/orders started its connection pool" in texts
    if not ok:
        print("FAIL 01 in /var/log/pods: the service is not named by its pod and container: %s" %
              [t for t in texts if "pool" in t])
    return 1, 0 if ok else 1


def journal_process(pgmortem, tmp):
    """An application's line that names no process or host takes the
    journal's _PID and _HOSTNAME: what a real journald gave back of incident
    01's orders log (json, export, short-iso), the pid taken out of each line; the
    pool's start then names its process (how a restart without a shutdown is
    told) and its host."""
    problems = []
    for form in ("json", "export", "short-iso"):
        raw = subprocess.run(["zstd", "-dc", os.path.join(JOURNAL, "01-orders.%s.zst" % form)],
                             capture_output=True, check=True).stdout
        body = re.sub(rb"(\d{2}:\d{2}:\d{2}\.\d{3}Z  ?[A-Z]+) \d+ ---", rb"\1 ---", raw)
        if body == raw:
            problems.append("%s: no pid taken out" % form)
        path = os.path.join(tmp, "01-orders-nopid.%s" % form)
        with open(path, "wb") as f:
            f.write(body)
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        r = subprocess.run([pgmortem, "timeline", "--kinds", "hikari.pool.starting", path], capture_output=True,
                           env=env)
        starts = [json.loads(l) for l in r.stdout.decode().splitlines()]
        if not starts or any((e.get("process"), e.get("host")) != ("28157", "vm") for e in starts):
            problems.append("%s: the pool's start names process/host %s, not the journal's 28157/vm" %
                            (form, [(e.get("process"), e.get("host")) for e in starts]))
    for p in problems:
        print("FAIL 01 in a real journal, lines without a pid: " + p)
    return 1, 1 if problems else 0


def compose_together(pgmortem, tmp):
    """Every log of each incident in one `docker compose logs` file (with and
    without --timestamps), each container's lines in their order, the
    containers' interleaved by time as compose prints them as they come: the
    same analysis as the logs apart, each event citing the compose file's line."""
    checks = failures = 0
    for incident in incidents_of([]):
        files = members(incident)
        logs = [(n, d) for n, d in files if LOG_NAME.search(n) and "/k8s/" not in n]
        if not logs:
            continue
        want, want_rc = unwrapped_report(pgmortem, files, tmp)
        for timestamps in (False, True):
            streams, names = [], {}
            for k, (name, data) in enumerate(logs):
                container = compose_name(name)
                if "/db/" not in name and sum(os.path.dirname(n) == os.path.dirname(name) for n, _ in logs) > 1:
                    # replicas' logs named after them (03: catalog-7d9f8c6b5-0.log): their container_name
                    container = os.path.splitext(os.path.basename(name))[0]
                while container in names.values():  # a second log of one service: another replica
                    container = container[:-2] + "-%d" % (int(container[-1]) + 1)
                names[name] = container
                t, rows = 0, []
                for no, line in enumerate(data.decode("utf-8", "surrogateescape").split("\n")[:-1], 1):
                    t = line_time(line, t)
                    rows.append((t, k, no, name, line))
                streams.append(rows)
            out, where = [], [None]
            for t, _, no, name, line in heapq.merge(*streams, key=lambda r: (r[0], r[1])):
                out.append(compose_line(names[name], t if timestamps else None, line))
                where.append((name, no))
            member = os.path.basename(incident).split(".")[0] + "/docker-compose%s.log" % ("-ts" if timestamps else "")
            SOURCES[member] = {c: n for n, c in names.items()}
            maps = {member: (logs[0][0], where)}
            body = ("\n".join(out) + "\n").encode("utf-8", "surrogateescape")
            wrapped = [(member, body)] + [(n, d) for n, d in files if (n, d) not in logs]
            path = os.path.join(tmp, "%s-compose-together%s.tar" % (os.path.basename(incident).split(".")[0],
                                                                   "-ts" if timestamps else ""))
            diff = differs(pgmortem, path, wrapped, maps, want, want_rc)
            checks += 1
            if diff:
                failures += 1
                print("FAIL %s in one docker compose logs file%s: %s" % (
                    os.path.basename(incident), " (--timestamps)" if timestamps else "", diff[:600]))
    return checks, failures


def official_image(pgmortem, tmp):
    """The postgres image's server logs to stderr with its default prefix
    '%m [%p] ' (no user@db): incident 01's server log so, as the kubelet's CRI
    file of a pod, analyses as the same log unwrapped."""
    incident = os.path.join(ROOT, "fixtures/incidents/01-leak-hikari.tar.zst")
    files = []
    for name, data in members(incident):
        if name.endswith("postgresql-15-main.log"):
            data = re.sub(rb"(?m)^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \[\d+\] )\S+@\S+ ", rb"\1", data)
        elif name.endswith("postgresql.conf"):
            data = data.replace(b"log_line_prefix = '%m [%p] %q%u@%d '", b"log_line_prefix = '%m [%p] '")
        files.append((name, data))
    want, want_rc = unwrapped_report(pgmortem, files, tmp)
    maps, wrapped = {}, []
    pod_log = "var/log/pods/shop_postgres-0_6c1d9e2a-77f0/postgres/0.log"
    for name, data in files:
        if name.endswith("postgresql-15-main.log"):
            body, where = wrap("cri", name, data.decode(), random.Random("official"))
            maps[pod_log] = (name, where)
            wrapped.append((pod_log, body))
        else:
            wrapped.append((name, data))
    diff = differs(pgmortem, os.path.join(tmp, "01-official-image.tar"), wrapped, maps, want, want_rc)
    if diff:
        print("FAIL 01 as the postgres image logs it, in a pod's CRI file: " + diff[:600])
    return 1, 1 if diff else 0


def docker_attrs(pgmortem, tmp):
    """Docker's json-file under /var/lib/docker/containers names no service;
    its attrs do (--log-opt tag, or the labels compose sets): incident 01's
    orders log, its application name taken out of each line, as such a file."""
    incident = os.path.join(ROOT, "fixtures/incidents/01-leak-hikari.tar.zst")
    files = dict(members(incident))
    text = files["01-leak-hikari/orders/orders.log"].decode().replace(" [orders] ", " ")
    body, _ = wrap("docker", "01-leak-hikari/orders/orders.log", text, random.Random("attrs"))
    problems = []
    for attrs in ({"tag": "orders"}, {"com.docker.compose.project": "shop", "com.docker.compose.service": "orders"}):
        lines = []
        for l in body.decode().splitlines():
            o = json.loads(l)
            lines.append(json.dumps({"log": o["log"], "stream": o["stream"], "attrs": attrs, "time": o["time"]},
                                    separators=(",", ":")))
        cid = "4f1c2b7e9d0a" * 5 + "4f1c"
        wrapped = [(n, d) for n, d in files.items() if n != "01-leak-hikari/orders/orders.log"]
        wrapped.append(("var/lib/docker/containers/%s/%s-json.log" % (cid, cid), ("\n".join(lines) + "\n").encode()))
        path = os.path.join(tmp, "01-docker-attrs.tar")
        write_tar(path, wrapped)
        got, _ = analyze(pgmortem, path)
        texts = [m["text"] for m in got["timeline"]]
        if "orders started its connection pool" not in texts:
            problems.append("attrs %s do not name the service: %s" % (attrs, [t for t in texts if "pool" in t]))
    for p in problems:
        print("FAIL 01 as Docker's json-file with attrs: " + p)
    return 1, 1 if problems else 0


# `kubectl describe pod`, as describe.go prints it (tabwriter's alignment,
# RFC 1123 times with a numeric zone): no cluster runs here to record one, so
# this text is built from its format strings (describeStatus,
# describeContainerState) for a container the OOM killer ended.
DESCRIBE_POD = """Name:             orders-7d9c8b5f4-x2kq9
Namespace:        shop
Priority:         0
Service Account:  default
Node:             node-1/10.0.0.7
Start Time:       Thu, 27 Nov 2026 02:10:00 +0000
Labels:           app=orders
                  pod-template-hash=7d9c8b5f4
Status:           Running
IP:               10.244.1.12
Controlled By:    ReplicaSet/orders-7d9c8b5f4
Containers:
  orders:
    Container ID:   containerd://4f1c2b7e9d
    Image:          registry.example/orders:1.4.2
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 27 Nov 2026 02:22:01 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Thu, 27 Nov 2026 02:20:30 +0000
      Finished:     Thu, 27 Nov 2026 02:22:00 +0000
    Ready:          True
    Restart Count:  1
    Limits:
      memory:  512Mi
    Environment:
      SPRING_PROFILES_ACTIVE:  prod
Conditions:
  Type              Status
  Ready             True
Events:
  Type     Reason   Age               From     Message
  ----     ------   ----              ----     -------
  Warning  BackOff  2m (x4 over 3m)   kubelet  Back-off restarting failed container orders in pod orders-7d9c8b5f4-x2kq9_shop
"""


def describe_pod(pgmortem, tmp):
    """Incident 01 with the pod's description beside it: the container's end
    (OOMKilled, exit code 137, at its Finished time) is a key moment citing
    its "Last State:" line, and the verdict stays."""
    incident = os.path.join(ROOT, "fixtures/incidents/01-leak-hikari.tar.zst")
    files = members(incident)
    want, _ = unwrapped_report(pgmortem, files, tmp)
    path = os.path.join(tmp, "01-describe.tar")
    write_tar(path, files + [("01-leak-hikari/k8s/orders-pod.txt", DESCRIBE_POD.encode())])
    got, _ = analyze(pgmortem, path)
    line = DESCRIBE_POD.split("\n").index("    Last State:     Terminated") + 1
    want_moment = ("2026-11-27T02:22:00.000Z", "Kubernetes: container orders of pod orders-7d9c8b5f4-x2kq9 "
                   "ended (OOMKilled, exit code 137)", "01-leak-hikari/k8s/orders-pod.txt", line)
    moments = [(m["t"], m["text"], m["evidence"][0]["path"].split("!", 1)[-1], m["evidence"][0]["line"])
               for m in got["timeline"] if m.get("evidence")]
    problems = [] if want_moment in moments else ["no key moment %r" % (want_moment,)]
    got_v, _ = strip(got, path, {})
    if got_v["verdict"] != json.loads(json.dumps(want["verdict"])):
        problems.append("the verdict changed")
    for p in problems:
        print("FAIL 01 with kubectl describe pod: " + p)
    return 1, 1 if problems else 0


# `kubectl get events -o json` (core/v1 Events in a List) and `--watch`'s
# events.k8s.io/v1 objects one after another, for incident 01's orders pod:
# no cluster runs here to record them, so they are written as the API's types
# print (k8s.io/api core/v1 Event, events/v1 Event) and kubectl's JSON printer
# indents them. The table is kubectl's printer for the same events (its
# columns LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; ages relative to its run).
K8S_EVENTS_JSON = json.dumps({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
    {"apiVersion": "v1", "count": 1, "eventTime": None, "firstTimestamp": "2026-11-27T02:10:00Z",
     "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "orders-7d9c8b5f4-x2kq9", "namespace": "shop",
                        "uid": "0d6f2a1c-5b7e-4e2a-9d0e-3f1c2b7e9d11"},
     "kind": "Event", "lastTimestamp": "2026-11-27T02:10:00Z",
     "message": "Successfully assigned shop/orders-7d9c8b5f4-x2kq9 to node-1",
     "metadata": {"creationTimestamp": "2026-11-27T02:10:00Z", "name": "orders-7d9c8b5f4-x2kq9.17e3c2a1b0f4d5e6",
                  "namespace": "shop"},
     "reason": "Scheduled", "reportingComponent": "default-scheduler", "reportingInstance": "",
     "source": {"component": "default-scheduler"}, "type": "Normal"},
    {"apiVersion": "v1", "count": 4, "eventTime": None, "firstTimestamp": "2026-11-27T02:21:55Z",
     "involvedObject": {"apiVersion": "v1", "fieldPath": "spec.containers{orders}", "kind": "Pod",
                        "name": "orders-7d9c8b5f4-x2kq9", "namespace": "shop",
                        "uid": "0d6f2a1c-5b7e-4e2a-9d0e-3f1c2b7e9d11"},
     "kind": "Event", "lastTimestamp": "2026-11-27T02:22:10Z",
     "message": "Readiness probe failed: Get \"http://10.244.1.12:8080/actuator/health/readiness\": context "
                "deadline exceeded (Client.Timeout exceeded while awaiting headers)",
     "metadata": {"creationTimestamp": "2026-11-27T02:21:55Z", "name": "orders-7d9c8b5f4-x2kq9.17e3c2a1b0f4d5f7",
                  "namespace": "shop"},
     "reason": "Unhealthy", "reportingComponent": "kubelet", "reportingInstance": "node-1",
     "source": {"component": "kubelet", "host": "node-1"}, "type": "Warning"}]}, indent=4) + "\n"
K8S_EVENTS_WATCH = "".join(json.dumps(o, indent=4) + "\n" for o in [
    {"apiVersion": "events.k8s.io/v1", "kind": "Event", "eventTime": "2026-11-27T02:22:12.041893Z",
     "metadata": {"name": "orders-7d9c8b5f4-x2kq9.17e3c2a1b0f4d600", "namespace": "shop"},
     "note": "Container orders failed liveness probe, will be restarted", "reason": "Killing",
     "regarding": {"apiVersion": "v1", "fieldPath": "spec.containers{orders}", "kind": "Pod",
                   "name": "orders-7d9c8b5f4-x2kq9", "namespace": "shop"},
     "reportingController": "kubelet", "reportingInstance": "node-1", "type": "Normal", "action": "Killing"},
    {"apiVersion": "events.k8s.io/v1", "kind": "Event", "eventTime": "2026-11-27T02:22:14.500000Z",
     "metadata": {"name": "orders-7d9c8b5f4-x2kq9.17e3c2a1b0f4d611", "namespace": "shop"},
     "note": "Back-off restarting failed container orders in pod orders-7d9c8b5f4-x2kq9_shop", "reason": "BackOff",
     "regarding": {"apiVersion": "v1", "kind": "Pod", "name": "orders-7d9c8b5f4-x2kq9", "namespace": "shop"},
     "series": {"count": 3, "lastObservedTime": "2026-11-27T02:22:18.000000Z"},
     "reportingController": "kubelet", "reportingInstance": "node-1", "type": "Warning", "action": "BackOff"}])
K8S_EVENTS_TABLE = """LAST SEEN   TYPE      REASON      OBJECT                       MESSAGE
12m         Normal    Scheduled   pod/orders-7d9c8b5f4-x2kq9   Successfully assigned shop/orders-7d9c8b5f4-x2kq9 to node-1
95s         Warning   Unhealthy   pod/orders-7d9c8b5f4-x2kq9   Readiness probe failed: Get "http://10.244.1.12:8080/actuator/health/readiness": context deadline exceeded
70s         Normal    Killing     pod/orders-7d9c8b5f4-x2kq9   Container orders failed liveness probe, will be restarted
"""


def k8s_events(pgmortem, tmp):
    """Incident 01 with the namespace's events beside it: their warnings and
    the kubelet's Killing are key moments citing their object's first line,
    Scheduled is none, the verdict stays; the table's ages are said, exit 2,
    and its events are listed without a time."""
    incident = os.path.join(ROOT, "fixtures/incidents/01-leak-hikari.tar.zst")
    files = members(incident)
    want, _ = unwrapped_report(pgmortem, files, tmp)
    path = os.path.join(tmp, "01-events.tar")
    write_tar(path, files + [("01-leak-hikari/k8s/events.json", K8S_EVENTS_JSON.encode()),
                             ("01-leak-hikari/k8s/events-watch.json", K8S_EVENTS_WATCH.encode())])
    got, rc = analyze(pgmortem, path)
    lines = K8S_EVENTS_JSON.split("\n")
    unhealthy = next(i for i, l in enumerate(lines, 1) if l.strip() == "{" and '"count": 4' in lines[i + 1])
    watch = K8S_EVENTS_WATCH.split("\n")
    starts = [i for i, l in enumerate(watch, 1) if l == "{"]
    want_moments = [
        ("2026-11-27T02:21:55.000Z", "Kubernetes: Unhealthy pod/orders-7d9c8b5f4-x2kq9 (4 times, the last at "
         "2026-11-27T02:22:10): Readiness probe failed: Get \"http://10.244.1.12:8080/actuator/health/readiness\": "
         "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
         "01-leak-hikari/k8s/events.json", unhealthy),
        ("2026-11-27T02:22:12.041Z", "Kubernetes: Killing pod/orders-7d9c8b5f4-x2kq9: Container orders failed "
         "liveness probe, will be restarted", "01-leak-hikari/k8s/events-watch.json", starts[0]),
        ("2026-11-27T02:22:14.500Z", "Kubernetes: BackOff pod/orders-7d9c8b5f4-x2kq9 (3 times, the last at "
         "2026-11-27T02:22:18): Back-off restarting failed container orders in pod orders-7d9c8b5f4-x2kq9_shop",
         "01-leak-hikari/k8s/events-watch.json", starts[1])]
    moments = [(m["t"], m["text"], m["evidence"][0]["path"].split("!", 1)[-1], m["evidence"][0]["line"])
               for m in got["timeline"] if m.get("evidence")]
    problems = ["no key moment %r" % (w,) for w in want_moments if w not in moments]
    problems += ["a Normal event is a key moment: %r" % (m,) for m in moments if "Scheduled" in m[1]]
    got_v, _ = strip(got, path, {})
    if got_v["verdict"] != json.loads(json.dumps(want["verdict"])):
        problems.append("the verdict changed")
    if rc != 0:
        problems.append("exit %d with times on every event" % rc)
    path = os.path.join(tmp, "01-events-table.tar")
    write_tar(path, files + [("01-leak-hikari/k8s/events.txt", K8S_EVENTS_TABLE.encode())])
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    r = subprocess.run([pgmortem, "timeline", path], capture_output=True, env=env)
    events = [json.loads(l) for l in r.stdout.decode().splitlines() if '"k8s.event"' in l]
    if [(e["t"], e["reason"], e["age"], e["line"]) for e in events] != [
            (None, "Scheduled", "12m", 2), (None, "Unhealthy", "95s", 3), (None, "Killing", "70s", 4)]:
        problems.append("the table's events are not listed without a time: %r" % events)
    if r.returncode != 2 or "3 Kubernetes event(s) (Scheduled, Unhealthy, Killing) carry only their age" \
            not in r.stderr.decode():
        problems.append("the table's ages are not said (exit %d): %s" % (r.returncode, r.stderr.decode()[-300:]))
    for p in problems:
        print("FAIL 01 with kubectl get events: " + p)
    return 1, 1 if problems else 0


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    pgmortem = os.path.abspath(sys.argv[1])
    incidents = incidents_of(sys.argv[2:])
    failures = checks = 0
    keep = os.environ.get("WRAP_KEEP")  # a directory to leave the wrapped bundles in
    with tempfile.TemporaryDirectory() as scratch:
        tmp = keep or scratch
        for incident in incidents:
            files = members(incident)
            if not any(LOG_NAME.search(name) and "/k8s/" not in name for name, _ in files):
                continue  # its logs came wrapped already (08: a journal export)
            want, want_rc = unwrapped_report(pgmortem, files, tmp)
            for form in FORMS:
                rng = random.Random(form + os.path.basename(incident))
                maps, wrapped = {}, []
                for name, data in files:
                    # Cloud Logging holds what a pod writes to its output and Cloud SQL's stderr
                    # log: no csvlog or jsonlog file (a JSON line a pod writes becomes a
                    # jsonPayload, not a line), no table PgBouncer's SHOW gave; Loki holds the
                    # lines of any file an agent tails, a csvlog's and a jsonlog's too
                    as_is = ((form == "cloud-logging" and not name.endswith(".log")) or
                             (form == "loki-api" and "/show/" in name))
                    if LOG_NAME.search(name) and "/k8s/" not in name and not as_is:
                        body, where = wrap(form, name, data.decode("utf-8", "surrogateescape"), rng)
                        new = re.sub(r"\.(log|csv|json)$", "." + form, name)
                        maps[new] = (name, where)
                        wrapped.append((new, body))
                    else:
                        wrapped.append((name, data))
                path = os.path.join(tmp, "%s-%s.tar" % (os.path.basename(incident).split(".")[0], form))
                diff = differs(pgmortem, path, wrapped, maps, want, want_rc)
                checks += 1
                if diff:
                    failures += 1
                    print("FAIL %s %s: %s" % (os.path.basename(incident), form, diff[:600]))
        for check in ([] if sys.argv[2:] else
                      [recorded_journal, systemd_moments, pods_layout, describe_pod, k8s_events, docker_attrs,
                       official_image, journal_process, compose_together]):
            c, f = check(pgmortem, tmp)
            checks += c
            failures += f
    print("envelope-check: %d of %d wrapped bundles analysed as unwrapped" % (checks - failures, checks))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
