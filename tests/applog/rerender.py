#!/usr/bin/env python3
"""Every recorded incident's application logs, re-rendered under the layouts
Java applications are commonly run with, must tell the same story as the
logs as they were recorded (Spring Boot's layout).

For each incident in fixtures/incidents whose application logs are plain
files, each entry (time, level, thread, logger, message and the stack trace
under it) is written again as each layout writes it, the bundle is written to
a new tar with those logs in place of the originals (each member's mtime the
time of its last entry, as a log file's is), and `pgmortem analyze -f json`
is run on both. Compared, with every application-log evidence line mapped
back to the recorded line of its entry:
  - the events by kind (every one an application log gave),
  - the verdict, the suspect, the leak's code locations (frame, file:line,
    count, first and last report),
  - the applications' pool timeouts and who was hit,
  - the key moments the application logs give (pool starts, restarts...).
Times are compared to the layout's precision: milliseconds, seconds for
java.util.logging's SimpleFormatter, none for `%msg%n` (its events must
come without times, in the same numbers; without a time they are no key
moments).

The layouts, as their frameworks write them (the frameworks' documented
default patterns):
  logback          logback's default: %d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n
  log4j2           log4j2's DefaultConfiguration: %d{HH:mm:ss.SSS} [%t] %-5level %logger{36} - %msg%n
  micronaut        Micronaut's logback.xml: %cyan(%d{HH:mm:ss.SSS}) %gray([%thread])
                   %highlight(%-5level) %magenta(%logger{36}) - %msg%n (ANSI colours)
  quarkus          %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{3.}] (%t) %s%e%n
  wildfly          WildFly's console: %d{HH:mm:ss,SSS} %-5p [%c] (%t) %s%e%n
  tomcat           Tomcat's OneLineFormatter: dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] class.method msg
  jul              java.util.logging.SimpleFormatter's default: "%1$tb %1$td, %1$tY %1$tl:%1$tM:%1$tS
                   %1$Tp %2$s%n%4$s: %5$s%6$s%n" (two lines an entry, seconds)
  dropwizard       %-5p [%d{ISO8601,UTC}] %c: %m%n%rEx (trace lines prefixed "! ")
  log4j1           log4j 1.x: %d{ISO8601} %-5p [%t] %c{1}:%L - %m%n
  log4j2-json      log4j2's JsonLayout (compact, eventEol): instant, thrown.extendedStackTrace
  gelf             GELF 1.1 (logstash-gelf): short_message, full_message with the trace, syslog level
  msg              %msg%n alone

Usage: rerender.py PGMORTEM [INCIDENT...]   (exit 1 on any difference)
"""
import datetime
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "envelope"))
from wrap import members  # noqa: E402  (an incident archive's files, as the envelope test reads them)
LAYOUTS = ["logback", "log4j2", "micronaut", "quarkus", "wildfly", "tomcat", "jul", "dropwizard", "log4j1",
           "log4j2-json", "gelf", "msg"]
PRECISION = {"jul": "s", "msg": None}  # the rest: milliseconds
BOOT = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z\s+([A-Z]+) +(\d+) --- "
                  r"(?:\[([^\]]*)\] )?\[([^\]]*)\] (\S+)\s+: (.*)$")
JUL_LEVEL = {"ERROR": "SEVERE", "WARN": "WARNING", "INFO": "INFO", "DEBUG": "FINE", "TRACE": "FINEST"}
SYSLOG_LEVEL = {"ERROR": 3, "WARN": 4, "INFO": 6, "DEBUG": 7, "TRACE": 7}
ANSI = {"cyan": "36", "gray": "1;30", "magenta": "35"}
HIGHLIGHT = {"ERROR": "1;31", "WARN": "31", "INFO": "34"}


class Entry:
    def __init__(self, line, us, level, pid, thread, logger, message):
        self.line, self.us, self.level, self.pid = line, us, level, pid
        self.thread, self.logger, self.message = thread, logger, message
        self.trace = []


def entries_of(text):
    """A Spring Boot log's entries, or None when a line before the first is no entry."""
    out = []
    for no, line in enumerate(text.split("\n"), 1):
        m = BOOT.match(line)
        if m:
            y, mo, d, h, mi, s, ms = (int(m.group(k)) for k in range(1, 8))
            t = datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)
            us = int(t.timestamp()) * 1000000 + ms * 1000
            out.append(Entry(no, us, m.group(8), m.group(9), m.group(11).strip(), m.group(12), m.group(13)))
        elif out:
            out[-1].trace.append(line)
        elif line:
            return None
    for e in out:  # Spring Boot's blank lines around a trace are its own
        while e.trace and not e.trace[0].strip():
            e.trace.pop(0)
        while e.trace and not e.trace[-1].strip():
            e.trace.pop()
    return out


def utc(us):
    return datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc).replace(microsecond=us % 1000000)


def hms(us, sep="."):
    return utc(us).strftime("%H:%M:%S") + sep + "%03d" % (us // 1000 % 1000)


def ymd_hms(us, sep=",", t=" "):
    return utc(us).strftime("%Y-%m-%d") + t + hms(us, sep)


def logback_abbrev(name, width):
    """logback's %logger{N}: packages cut to their first letter, leftmost first, until it fits."""
    if len(name) <= width:
        return name
    parts = name.split(".")
    for i in range(len(parts) - 1):
        parts[i] = parts[i][0]
        if len(".".join(parts)) <= width:
            break
    return ".".join(parts)


def jboss_abbrev(name):
    """JBoss LogManager's %c{3.}: every package cut to three letters."""
    parts = name.split(".")
    return ".".join([p[:3] for p in parts[:-1]] + parts[-1:])


def color(code, text):
    return "\x1b[%sm%s\x1b[0;39m" % (code, text)


def frames_of(trace):
    """log4j2's thrown: name, message, extendedStackTrace, cause, from a printed trace."""
    root, cur = None, None
    for line in trace:
        s = line.strip()
        m = re.match(r"at (\S+)\.([^.(]+)\(([^:)]*)(?::(\d+))?\)", s)
        if m and cur is not None:
            cur["extendedStackTrace"].append({"class": m.group(1), "method": m.group(2), "file": m.group(3),
                                              "line": int(m.group(4) or -1), "exact": True,
                                              "location": "?", "version": "?"})
            continue
        if s.startswith("... "):
            continue
        head = s[len("Caused by: "):] if s.startswith("Caused by: ") else s
        name, _, msg = head.partition(": ")
        node = {"commonElementCount": 0, "localizedMessage": msg, "message": msg, "name": name,
                "extendedStackTrace": []}
        if cur is None:
            root = node
        else:
            cur["cause"] = node
        cur = node
    return root


def render(layout, e):
    """The lines one entry becomes; the first is the one evidence cites."""
    lv = e.level
    if layout in ("logback", "log4j2"):
        logger = logback_abbrev(e.logger, 36) if layout == "logback" else e.logger
        return ["%s [%s] %-5s %s - %s" % (hms(e.us), e.thread, lv, logger, e.message)] + e.trace
    if layout == "micronaut":
        return ["%s %s %s %s - %s" % (color(ANSI["cyan"], hms(e.us)), color(ANSI["gray"], "[%s]" % e.thread),
                                      color(HIGHLIGHT.get(lv, "39"), "%-5s" % lv),
                                      color(ANSI["magenta"], logback_abbrev(e.logger, 36)), e.message)] + e.trace
    if layout == "quarkus":
        return ["%s %-5s [%s] (%s) %s" % (ymd_hms(e.us), lv, jboss_abbrev(e.logger), e.thread, e.message)] + e.trace
    if layout == "wildfly":
        return ["%s %-5s [%s] (%s) %s" % (hms(e.us, ","), lv, e.logger, e.thread, e.message)] + e.trace
    if layout == "tomcat":
        t = utc(e.us)
        return ["%s %s %s [%s] %s.log %s" % (t.strftime("%d-%b-%Y"), hms(e.us), JUL_LEVEL[lv], e.thread, e.logger,
                                             e.message)] + e.trace
    if layout == "jul":
        t = utc(e.us)
        head = "%s %s, %s %d:%s %s %s log" % (t.strftime("%b"), t.strftime("%d"), t.strftime("%Y"),
                                              (t.hour + 11) % 12 + 1, t.strftime("%M:%S"),
                                              "AM" if t.hour < 12 else "PM", e.logger)
        return [head, "%s: %s" % (JUL_LEVEL[lv], e.message)] + e.trace
    if layout == "dropwizard":
        return ["%-5s [%s] %s: %s" % (lv, ymd_hms(e.us), e.logger, e.message)] + \
            ["! " + line.lstrip("\t") for line in e.trace]
    if layout == "log4j1":
        return ["%s %-5s [%s] %s:%d - %s" % (ymd_hms(e.us), lv, e.thread, e.logger.rsplit(".", 1)[-1], 84,
                                             e.message)] + e.trace
    if layout == "log4j2-json":
        o = {"instant": {"epochSecond": e.us // 1000000, "nanoOfSecond": e.us % 1000000 * 1000},
             "thread": e.thread, "level": lv, "loggerName": e.logger, "message": e.message}
        if e.trace:
            o["thrown"] = frames_of(e.trace)
        o.update({"endOfBatch": False, "loggerFqcn": "org.apache.logging.slf4j.Log4jLogger", "threadId": 1,
                  "threadPriority": 5})
        return [json.dumps(o, separators=(",", ":"))]
    if layout == "gelf":
        o = {"version": "1.1", "host": "app-7d9c8b5f4-x2kq9", "short_message": e.message,
             "timestamp": float("%d.%03d" % (e.us // 1000000, e.us // 1000 % 1000)),
             "level": SYSLOG_LEVEL[lv], "_Thread": e.thread, "_Severity": lv, "_LoggerName": e.logger}
        if e.trace:
            o["full_message"] = "\n".join([e.message] + e.trace)
        return [json.dumps(o, separators=(",", ":"))]
    if layout == "msg":
        return [e.message] + e.trace
    raise ValueError(layout)


def rerender(layout, entries):
    """The file's text and, per line (from 1), the recorded line of the entry it starts."""
    out, where = [], [None]
    for e in entries:
        lines = render(layout, e)
        for k, line in enumerate(lines):
            out.append(line)
            where.append(e.line if k == 0 else None)
    return ("\n".join(out) + "\n").encode(), where


def write_tar(path, files):
    with tarfile.open(path, "w") as t:
        for name, data, mtime in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = mtime
            t.addfile(info, io.BytesIO(data))


def analyze(pgmortem, path):
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    p = subprocess.run([pgmortem, "analyze", "-f", "json", path], capture_output=True, env=env)
    if p.returncode not in (0, 1, 2, 3):
        sys.exit("%s: analyze crashed (exit %d): %s" % (path, p.returncode, p.stderr.decode()[-2000:]))
    return json.loads(p.stdout)


def clip(t, precision):
    """An ISO time to the layout's precision: None drops it."""
    if t is None or precision is None:
        return None
    return t[:19] + "Z" if precision == "s" else t


def app_facts(report, maps, precision):
    """What the application logs told, evidence mapped to recorded lines."""
    def ev(items):
        out = []
        for x in items or []:
            path = x["path"].split("!", 1)[-1]
            line = x["line"]
            if maps.get(path) is not None:
                line = maps[path][line] if line < len(maps[path]) else "beyond %d" % line
            out.append((path, line))
        return out

    def is_app(items):
        return any(x["path"].split("!", 1)[-1] in app_paths for x in items or [])

    app_paths = set(maps)
    kinds = {k: v for k, v in report["stats"]["events_by_kind"].items()}
    leak = report.get("leak") or {}
    locs = [(c["frame"], c["at"], c["count"], clip(c["first"], precision), clip(c["last"], precision),
             ev(c["evidence"])) for c in leak.get("code_locations") or []]
    ex = report.get("exhaustion") or {}
    hit = [(h["who"], h["how"], h["count"], clip(h["first"], precision), ev(h["evidence"]))
           for h in ex.get("hit") or [] if is_app(h["evidence"])]
    moments = sorted((clip(m["t"], precision), m["text"], ev(m["evidence"]))
                     for m in report.get("timeline") or [] if is_app(m.get("evidence")))
    facts = {"events_by_kind": kinds, "verdict": report["verdict"]["kind"],
             "suspect": leak.get("suspect"), "code_locations": locs, "app_timeouts": ex.get("app_timeouts"),
             "hit": hit}
    if precision is not None:  # an event without a time is no moment of the timeline
        facts["moments"] = moments
    return facts


def diff(a, b, where=""):
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += diff(a.get(k), b.get(k), "%s.%s" % (where, k))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, "%s[%d]" % (where, i))
        return out
    return [] if a == b else ["%s: recorded %s, re-rendered %s" % (where or ".", json.dumps(a, default=str)[:300],
                                                                    json.dumps(b, default=str)[:300])]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    pgmortem = os.path.abspath(sys.argv[1])
    wanted = sys.argv[2:]
    incidents = sorted(f for f in os.listdir(os.path.join(ROOT, "fixtures", "incidents"))
                       if re.search(r"\.(tar\.zst|tar\.gz|zip)$", f))
    failures = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in incidents:
            if wanted and not any(w in name for w in wanted):
                continue
            path = os.path.join(ROOT, "fixtures", "incidents", name)
            files = members(path)
            logs = {}
            for member, data in files:
                if member.endswith(".log") and "/db/" not in member:
                    entries = entries_of(data.decode("utf-8", "surrogateescape"))
                    if entries:
                        logs[member] = entries
            if not logs:
                continue
            recorded = analyze(pgmortem, path)
            for layout in LAYOUTS:
                out, maps = [], {}
                for member, data in files:
                    mtime = 1796256000
                    if member in logs:
                        data, maps[member] = rerender(layout, logs[member])
                        mtime = logs[member][-1].us // 1000000 + 1
                    out.append((member, data, mtime))
                tar = os.path.join(tmp, "%s.%s.tar" % (name.split(".")[0], layout))
                write_tar(tar, out)
                precision = PRECISION.get(layout, "ms")
                # tuples as lists, both sides alike
                want = json.loads(json.dumps(app_facts(recorded, {m: None for m in logs}, precision)))
                got = json.loads(json.dumps(app_facts(analyze(pgmortem, tar), maps, precision)))
                problems = diff(want, got)
                checked += 1
                if problems:
                    failures += 1
                    print("FAIL %s %s" % (name, layout))
                    for p in problems[:12]:
                        print("     " + p)
                    if len(problems) > 12:
                        print("     ... %d more" % (len(problems) - 12))
                elif os.environ.get("VERBOSE"):
                    print("ok   %s %s" % (name, layout))
    print("rerender: %d of %d (incident, layout) pairs tell the recorded story: %d layouts (%s)"
          % (checked - failures, checked, len(LAYOUTS), ", ".join(LAYOUTS)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
