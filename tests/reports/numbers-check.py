#!/usr/bin/env python3
"""One computation of every number, and one shape, whatever the format: for
each recorded incident, each application's highest count of open sessions is
the same in the JSON series (by_application), the Markdown's diagnosis
("Application X: at most N open") and the HTML chart's legend ("X (at most
N)"); the peak and the usable slots agree between the JSON and both texts;
the Markdown's sections are the postmortem template's, in its order (a
health check's fewer), the HTML's carry the same titles with their ids, and
the JSON's report.sections lists them; every citation is an input's short id
and line (E3:92) that the appendix lists (in the HTML, a link to its row), and
no full path is cited outside the appendix.
  tests/reports/numbers-check.py BIN
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bundle_lines  # noqa: E402

INCIDENTS = "fixtures/incidents"


def main():
    binary = sys.argv[1]
    failures = []
    compared = 0
    for name in sorted(os.listdir(INCIDENTS)):
        if not re.search(r"\.(tar\.zst|tar\.gz|zip)$", name):
            continue
        path = os.path.join(INCIDENTS, name)
        out = {f: subprocess.run([binary, "analyze", "-q", "-f", f, path], capture_output=True, text=True).stdout
               for f in ("json", "md", "html")}
        report = json.loads(out["json"])
        # the template: Summary, Impact, Timeline, Root cause and trigger, Detection, Resolution,
        # Action items, Lessons, Appendix (a health check: Summary, Impact, Timeline, Diagnosis,
        # What was checked, Configuration risks found, Appendix)
        healthy = report["verdict"]["kind"] == "none"
        want = (["Summary", "Impact", "Timeline", "Diagnosis", "What was checked", "Configuration risks found",
                 "Appendix: the inputs"] if healthy else
                ["Summary", "Impact", "Timeline", "Root cause and trigger", "Detection", "Resolution", "Action items",
                 "Lessons", "Appendix: the inputs"])
        got_md = re.findall(r"^## (.+)$", out["md"], re.M)
        if got_md != want:
            failures.append(f"{name}: the Markdown's sections {got_md}, not the template's {want}")
        got_html = re.findall(r'<h2 id="[a-z-]+">([^<]+)</h2>', out["html"])
        if got_html != want:
            failures.append(f"{name}: the HTML's sections {got_html}, not the template's {want}")
        ids = [x["title"] for x in report["report"]["sections"] if x["title"] in want]
        if ids != want:
            failures.append(f"{name}: report.sections {ids}, not the template's {want}")
        # citations: short ids of the appendix's inputs, each one there (and in the HTML, a link to its row)
        rows = set(re.findall(r"^\| (E\d+) \| `", out["md"], re.M))
        cited = set(re.findall(r"\b(E\d+):\d+", out["md"]))
        if not cited or cited - rows:
            failures.append(f"{name}: Markdown citations {sorted(cited - rows)[:5]} name no input of the appendix "
                            f"({len(cited)} cited)")
        # every citation quoted in the appendix, the quote holding the cited line as the bundle has it
        # (read here with Python's readers), redacted where it holds a secret
        body, _, quoted = out["md"].partition("### Evidence quoted")
        cited_md = set(re.findall(r"\b(E\d+:\d+)\b", body))
        quotes = dict(re.findall(r"^(E\d+:\d+)\n\n```text\n(?:.*\n)*?>\s+\d+ \| (.*)\n", quoted, re.M))
        if cited_md - set(quotes):
            failures.append(f"{name}: citations with no quote in the appendix: {sorted(cited_md - set(quotes))[:5]}")
        inputs = {f"E{i + 1}": x["path"] for i, x in enumerate(report["inputs"])}
        for c, text in quotes.items():
            ident, line = c.split(":")
            raw = bundle_lines.cited_line(inputs[ident], int(line))
            if text != raw and "[REDACTED]" not in text:
                failures.append(f"{name}: the quote of {c} is {text[:80]!r}, the bundle's line {raw[:80]!r}")
        compared += len(quotes)
        # every link of the HTML leads to its target: a quote, else an input
        anchors = set(re.findall(r' id="(E\d+(?:-\d+)?)"', out["html"]))
        links = set(re.findall(r'href="#(E\d+(?:-\d+)?)"', out["html"]))
        if not links or links - anchors:
            failures.append(f"{name}: HTML links {sorted(links - anchors)[:5]} lead to nothing in the appendix")
        if not any("-" in x for x in links):
            failures.append(f"{name}: no HTML citation links to its quote")
        long_paths = [l for l in out["md"].splitlines() if "fixtures/incidents/" in l and not l.startswith("| E")]
        if long_paths:
            failures.append(f"{name}: a citation by its full path outside the appendix: {long_paths[0][:120]}")
        compared += 3
        title = re.match(r"# (.+)", out["md"])
        if not title or title.group(1) != report["report"]["title"]:
            failures.append(f"{name}: the Markdown's title {title and title.group(1)} is not the JSON's")
        compared += 4
        series = report["series"]
        if series["connections_source"] != "server log":
            continue
        by_app = {app: max(p["open"] for p in pts) for app, pts in series["by_application"].items() if pts}
        md = {m.group(1): int(m.group(2)) for m in re.finditer(r"^- Application `([^`]+)`: at most (\d+) open", out["md"],
                                                              re.M)}
        html = {m.group(1): int(m.group(2)) for m in
                re.finditer(r'<span class="key band\d+"></span> ([^<]+?) \(at most (\d+)\)', out["html"])}
        for app, n in md.items():
            if n and by_app.get(app) != n:
                failures.append(f"{name}: {app}: the Markdown says at most {n}, the JSON series {by_app.get(app)}")
            compared += 1
        for app, n in html.items():
            if app in by_app and by_app[app] != n:
                failures.append(f"{name}: {app}: the HTML legend says at most {n}, the JSON series {by_app[app]}")
            compared += 1
        # a chart stacked by user (the log names no applications): each user's maximum is the JSON's by_user
        if "Open sessions by user" in out["html"]:
            by_user = {u: max(p["open"] for p in pts) for u, pts in series["by_user"].items() if pts}
            for user, n in html.items():
                if user != "other" and by_user.get(user) != n:
                    failures.append(f"{name}: user {user}: the HTML legend says at most {n}, the JSON by_user "
                                    f"{by_user.get(user)}")
                compared += 1
        # an application split by pod: each pod's highest count the same in the three
        by_pod = {pod: max((p["open"] for p in pts), default=0)
                  for pod, pts in ((series.get("by_pod") or {}).get("pods") or {}).items()}
        md_pods = {m.group(1): int(m.group(2)) for m in re.finditer(r"^  - Pod `([^`]+)`: at most (\d+) open", out["md"],
                                                                    re.M)}
        if md_pods != by_pod:
            failures.append(f"{name}: the Markdown's pods {md_pods}, the JSON's by_pod {by_pod}")
        for pod, n in by_pod.items():
            if pod in html and html[pod] != n or (pod not in html and n):
                failures.append(f"{name}: pod {pod}: the HTML legend says {html.get(pod)}, the JSON by_pod {n}")
            compared += 1
        peak = report["sessions"].get("peak_connections") if isinstance(report.get("sessions"), dict) else None
        overall = max(p["open"] for p in series["connections"])
        m = re.search(r"peaked at \**(\d+)\** against (\d+) usable", out["md"])
        if m and int(m.group(1)) != overall:
            failures.append(f"{name}: the Markdown's peak {m.group(1)} is not the JSON curve's {overall}")
        h = re.search(r"peaked at (\d+) against (\d+) usable", out["html"])
        if m and (not h or h.groups() != m.groups()):
            failures.append(f"{name}: the HTML's peak sentence {h and h.groups()} is not the Markdown's {m.groups()}")
        if peak is not None and peak != overall:
            failures.append(f"{name}: sessions.peak_connections {peak} is not the curve's {overall}")
        compared += 2
    for f in failures:
        print("FAIL numbers:", f)
    if failures:
        return 1
    print(f"numbers: {compared} figures and section lists agree between the JSON, the Markdown and the HTML of the "
          "recorded incidents (the postmortem template's sections, in its order)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
