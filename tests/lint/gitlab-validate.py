#!/usr/bin/env python3
"""Checks a `pgmortem lint -f gitlab` report against GitLab's documented
Code Quality format (docs.gitlab.com/ci/testing/code_quality, "Code Quality
report format"): a JSON array of issues, each with description, check_name,
fingerprint (unique in the report: GitLab shows only the first of one),
severity (info, minor, major, critical or blocker) and location.path with
location.lines.begin. Usage: gitlab-validate.py REPORT"""
import json
import sys

issues = json.load(open(sys.argv[1]))
assert isinstance(issues, list), "the report is a JSON array"
seen = set()
for n, x in enumerate(issues):
    where = "issue %d" % n
    for field in ("description", "check_name", "fingerprint", "severity", "location"):
        assert field in x, "%s lacks %s" % (where, field)
    for field in ("description", "check_name", "fingerprint"):
        assert isinstance(x[field], str) and x[field], "%s: %s is an empty or non-string value" % (where, field)
    assert x["severity"] in ("info", "minor", "major", "critical", "blocker"), "%s: severity %r" % (where, x["severity"])
    loc = x["location"]
    assert isinstance(loc.get("path"), str) and loc["path"] and not loc["path"].startswith("./"), "%s: path %r" % (where, loc.get("path"))
    begin = loc.get("lines", {}).get("begin")
    assert isinstance(begin, int) and begin >= 1, "%s: lines.begin %r" % (where, begin)
    assert x["fingerprint"] not in seen, "%s: fingerprint %s twice" % (where, x["fingerprint"])
    seen.add(x["fingerprint"])
print("gitlab: %d issue(s) in GitLab's Code Quality format" % len(issues))
