#!/usr/bin/env python3
"""Every recorded incident, its logs rotated into pieces, must give the same
analysis as the bundle as it was.

A log's life is cut into pieces the way its rotator names them, the pieces
written to a new bundle, and `pgmortem analyze -f json` run on it; the report
is compared with the whole bundle's, less `inputs`, `stats` and `tool`, after
each evidence {path, line} is mapped back to the line of the whole log it is
(tests/envelope/wrap.py does the comparing). The forms:
  logrotate      x.log.2.gz, x.log.1, x.log, cut between any two lines (a
                 stack trace's lines may fall in two pieces)
  kubelet        the logs as CRI files, x.log.<date>.gz, x.log.<date>, x.log,
                 cut between any two whole lines (after an F)
  previous       kubectl logs --previous saved beside the current: x-previous.log,
                 x.log, cut between entries (the run before ended whole)
  collector      the server's log as its logging collector names it by default
                 (log_filename postgresql-%Y-%m-%d_%H%M%S.log), each piece by
                 the second its first entry was written; the collector rotates
                 between whole messages: cut between entries
  spring         Spring Boot's logback default (logging.logback.rollingpolicy.
                 file-name-pattern ${LOG_FILE}.%d{yyyy-MM-dd}.%i.gz): x.log.DATE.0.gz,
                 x.log.DATE.1.gz (%i counts up: .0 the older), x.log
  logback        logback's own example (mylog-%d{yyyy-MM-dd}.%i.log): x-DATE.0.log,
                 x-DATE.1.log, x.log
  weekday        the same with log_filename postgresql-%a.log (the docs'
                 example with log_truncate_on_rotation): Wed, Thu, Fri,
                 which sort newest first. Nothing in the names ties the
                 pieces together: the analysis takes a piece on as the
                 server's because it begins where the log got to, and says so
Other logs than the server's are left whole in the last two.
and the bundles:
  in order       a tar with the pieces oldest first
  newest first   a tar with the pieces newest first (tar --sort=name does it):
                 the analysis reads the bundle again, the pieces in their order,
                 and says so
  directory      the tar unpacked: the walk sorts the pieces oldest first

And one log as a real server's logging collector wrote it in pieces
(tests/rotation/collector/, fixtures/record/collector.sh: log_filename
postgresql-%S.log, rotated every few seconds across a minute's turn, so its
names sort 01, 05, 44 ... where it was written 44 ... 01, 05; a session's
lines in two pieces): as a tar in the order written, as a tar in the names'
order and as a directory, it must give the report of the pieces joined into
one file.

Newest first, an entry cut in two (its head in the older piece, the rest at
the start of the newer one read before it) is not joined again: the pieces are
cut between entries there, and one more check shows that such a cut is said
(its lines "not understood") rather than silently lost.

Usage: rotated.py PGMORTEM [INCIDENT...]   (exit 1 on any difference)
"""
import gzip
import json
import os
import random
import re
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests/envelope"))
import wrap as W  # noqa: E402

FORMS = ["logrotate", "kubelet", "previous", "collector", "weekday", "spring", "logback"]
COLLECTOR_FORMS = ("collector", "weekday")
SERVER_LOG = re.compile(r"/db/postgresql[^/]*\.(log|csv|json)$")
ORDERS = ["in-order", "newest-first", "directory"]
ENTRY = re.compile(r"^(\d{4}-\d{2}-\d{2}|\{|[A-Z][a-z]{2} [ \d]\d )")


def starts_entry(line):
    """A line that begins an entry of a server or application log (not a trace's)."""
    return bool(ENTRY.match(line))


def pieces(form, name, data, rng, between_entries):
    """[(piece name, bytes, where)]: oldest first; where[n] is the whole log's line of the piece's line n."""
    if form == "kubelet":
        body, where = W.wrap("cri", name, data.decode("utf-8", "surrogateescape"), rng)
        lines = body.split(b"\n")[:-1]
        inner = [l.split(b" ", 3)[3].decode("utf-8", "surrogateescape") if l.count(b" ") >= 3 else "" for l in lines]
        ok = [i for i in range(1, len(lines)) if b" F " in lines[i - 1][:40]
              and (not between_entries or (starts_entry(inner[i]) and b" P " not in lines[i - 1][:40]))]
        base = re.sub(r"\.(log|csv|json)$", ".cri", name)
        names = [base + ".20261127-021500.gz", base + ".20261127-022000", base]
    elif form in COLLECTOR_FORMS:
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        where = list(range(len(lines) + 1))
        ok = [i for i in range(1, len(lines)) if starts_entry(lines[i].decode("utf-8", "surrogateescape"))]
        folder, ext = os.path.dirname(name), os.path.splitext(name)[1]
        names = [os.path.join(folder, "postgresql-%s%s" % (day, ext)) for day in ("Wed", "Thu", "Fri")]
    else:
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        where = list(range(len(lines) + 1))
        ok = [i for i in range(1, len(lines))
              if not between_entries or starts_entry(lines[i].decode("utf-8", "surrogateescape"))]
        if form == "previous":
            stem, ext = os.path.splitext(name)
            names = [stem + "-previous" + ext, name]
        elif form == "logback":
            stem, ext = os.path.splitext(name)
            names = [stem + "-2026-11-27.0" + ext, stem + "-2026-11-27.1" + ext, name]
        elif form == "spring":
            names = [name + ".2026-11-27.0.gz", name + ".2026-11-27.1.gz", name]
        else:
            names = [name + ".2.gz", name + ".1", name]
    if len(ok) < len(names) - 1:
        return [(name, data, where)] if form != "kubelet" else [(names[-1], body, where)]
    cuts = sorted(rng.sample(ok, len(names) - 1))
    if form == "collector":
        # each piece named by the second of its first entry, as the collector names it when it opens
        # it; two pieces begun in one second would have one name: cut elsewhere
        def named(cuts):
            out = []
            for a in [0] + cuts:
                m = W.TIME.search(lines[a].decode("utf-8", "surrogateescape"))
                stamp = "%s-%s-%s_%s%s%s" % m.groups()[:6] if m else "%d" % a
                out.append(os.path.join(os.path.dirname(name), "postgresql-%s%s" % (stamp, os.path.splitext(name)[1])))
            return out
        names = named(cuts)
        for _ in range(50):
            if len(set(names)) == len(names):
                break
            cuts = sorted(rng.sample(ok, len(names) - 1))
            names = named(cuts)
        else:
            return [(name, data, where)]
    out = []
    for piece, a, b in zip(names, [0] + cuts, cuts + [len(lines)]):
        blob = b"\n".join(lines[a:b]) + b"\n" if b > a else b""
        if piece.endswith(".gz"):
            blob = gzip.compress(blob, mtime=0)
        out.append((piece, blob, [None] + where[1 + a:1 + b]))
    return out


def written(path, members, directory):
    """The members as a tar at path, or unpacked beside it: the bundle's path."""
    W.write_tar(path, members)
    if not directory:
        return path
    d = path[:-4]
    os.makedirs(d, exist_ok=True)
    with tarfile.open(path) as t:
        t.extractall(d)
    return d


def rotated_bundle(form, order, files, rng, tmp, tag):
    """The bundle's path (a tar or a directory), the evidence maps and the pieces' names."""
    maps, out = {}, []
    for name, data in files:
        # snapshots (pg_stat_activity, PgBouncer's SHOW results) are not logs that rotate
        if W.LOG_NAME.search(name) and "/k8s/" not in name and "pg_stat_activity" not in name and \
                "pgbouncer/show/" not in name and (form not in COLLECTOR_FORMS or SERVER_LOG.search(name)):
            # a --previous file is another run of the process: it ends between entries
            ps = pieces(form, name, data, rng, order == "newest-first" or form in ("previous",) + COLLECTOR_FORMS)
            if order == "newest-first":
                ps = ps[::-1]
            for piece, blob, where in ps:
                maps[piece] = (name, where)
                out.append((piece, blob))
        else:
            out.append((name, data))
    return written(os.path.join(tmp, "%s-%s-%s.tar" % (tag, form, order)), out, order == "directory"), maps


def as_members(report, path):
    """A directory's report with its files' paths as a tar's members: DIR!member."""
    return json.loads(json.dumps(report).replace(path + "/", path + "!")) if os.path.isdir(path) else report


def whole_directory(pgmortem, files, tmp, tag):
    """The report of the whole bundle unpacked, as unwrapped_report's of its tar."""
    d = written(os.path.join(tmp, "whole-" + tag + ".tar"), files, True)
    want, rc, _ = W.analyze_said(pgmortem, d)
    want, _ = W.strip(as_members(want, d), d, {})
    return json.loads(json.dumps(want)), rc


def compare(pgmortem, path, maps, want, want_rc):
    got, got_rc, err = W.analyze_said(pgmortem, path)
    got = as_members(got, path)
    # longer piece names first: "x.log" is the start of "x.log.1"
    ordered = dict(sorted(maps.items(), key=lambda kv: -len(kv[0])))
    got, bad = W.strip(got, path, ordered)
    diff = bad[0] if bad else W.first_difference(want, got)
    if not diff and got_rc != want_rc:
        diff = "exit %d, whole %d" % (got_rc, want_rc)
    return diff, err


def cut_trace_is_said(pgmortem, files, tmp):
    """Newest first, an entry whose trace went on in the newer piece: the
    trace's lines are said, not lost without a word."""
    name, data = next((n, d) for n, d in files if n.endswith("orders/orders.log"))
    lines = data.split(b"\n")
    k = next(i for i in range(1, len(lines)) if lines[i].startswith(b"\tat ") or lines[i].startswith(b"java."))
    out = [(n, d) for n, d in files if n != name]
    out += [(name, b"\n".join(lines[k:])), (name + ".1", b"\n".join(lines[:k]) + b"\n")]
    path = os.path.join(tmp, "cut-trace.tar")
    W.write_tar(path, out)
    _, rc, err = W.analyze_said(pgmortem, path)
    said = re.search(re.escape(name) + r": \d+ line\(s\) before the first entry not understood", err)
    again = "reading the bundle again, each log's pieces oldest first" in err
    problems = []
    if not said:
        problems.append("the trace's lines cut off its entry are not said")
    if not again:
        problems.append("the second reading is not said")
    if rc != 0 and rc != 2:
        problems.append("exit %d" % rc)
    for p in problems:
        print("FAIL 01 with a trace cut across pieces read newest first: " + p)
    return 1 if problems else 0


def collector_recording(pgmortem, tmp):
    """The collector's pieces as one log: 0 when so, else 1 (said)."""
    here = os.path.join(HERE, "collector")
    order = open(os.path.join(here, "order.txt")).read().split()
    pieces, maps, whole, at = [], {}, b"", 0
    for name in order:
        data = open(os.path.join(here, name), "rb").read()
        n = data.count(b"\n")
        member = "db/" + name
        pieces.append((member, data))
        maps[member] = ("db/postgresql.log", [None] + list(range(at + 1, at + n + 1)))
        whole, at = whole + data, at + n
    plain = os.path.join(tmp, "collector-whole.tar")
    W.write_tar(plain, [("db/postgresql.log", whole)])
    want, want_rc = W.analyze(pgmortem, plain)
    want, _ = W.strip(want, plain, {})
    want = json.loads(json.dumps(want).replace(plain, "BUNDLE"))
    failures = 0
    for how in ORDERS:
        members = sorted(pieces) if how != "in-order" else pieces
        path = written(os.path.join(tmp, "collector-%s.tar" % how), members, how == "directory")
        w = want
        if how == "directory":
            w, _ = whole_directory(pgmortem, [("db/postgresql.log", whole)], tmp, "collector")
        diff, err = compare(pgmortem, path, maps, w, want_rc)
        if not diff and how != "in-order" and "reading the bundle again" not in err:
            diff = "the second reading is not said"
        if not diff and "read as one server's log" not in err:
            diff = "the pieces taken on by their times are not said"
        if diff:
            failures += 1
            said = {"in-order": "a tar in the order written", "newest-first": "a tar in the names' order"}
            print("FAIL the collector's pieces (%s): %s" % (said.get(how, how), diff[:600]))
    return failures


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    pgmortem = os.path.abspath(sys.argv[1])
    incidents = W.incidents_of(sys.argv[2:])
    failures = checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        for incident in incidents:
            files = W.members(incident)
            if not any(W.LOG_NAME.search(n) and "/k8s/" not in n for n, _ in files):
                continue  # its logs came as a journal export
            tag = os.path.basename(incident).split(".")[0]
            want_tar = W.unwrapped_report(pgmortem, files, tmp)
            want_dir = whole_directory(pgmortem, files, tmp, tag)
            for form in FORMS:
                for order in ORDERS:
                    want, want_rc = want_dir if order == "directory" else want_tar
                    rng = random.Random(form + order + tag)
                    path, maps = rotated_bundle(form, order, files, rng, tmp, tag)
                    diff, err = compare(pgmortem, path, maps, want, want_rc)
                    checks += 1
                    split = len(maps) > len(set(orig for orig, _ in maps.values()))
                    if not diff and order == "newest-first" and split and "reading the bundle again" not in err:
                        diff = "the second reading is not said"
                    # the weekdays' names do not tie the pieces: their times do, said
                    if not diff and form == "weekday" and split and "read as one server's log" not in err:
                        diff = "the pieces taken on by their times are not said"
                    if diff:
                        failures += 1
                        print("FAIL %s %s %s: %s" % (tag, form, order, diff[:600]))
        if not sys.argv[2:]:
            checks += 1
            failures += cut_trace_is_said(pgmortem, W.members(os.path.join(ROOT, "fixtures/incidents/"
                                                                             "01-leak-hikari.tar.zst")), tmp)
            checks += len(ORDERS)
            failures += collector_recording(pgmortem, tmp)
    print("rotation-check: %d of %d rotated bundles analysed as whole" % (checks - failures, checks))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
