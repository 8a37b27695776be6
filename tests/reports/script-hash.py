#!/usr/bin/env python3
"""The HTML report's inline script runs only because its SHA-256 is in the
page's Content-Security-Policy. This recomputes the hash of every <script> in
a report and fails when one is not allowed by the CSP (an edit of the script
in analyzer/report/html.c without its hash), or when the CSP allows anything
but hashes.
    tests/reports/script-hash.py REPORT.html"""
import base64
import hashlib
import re
import sys


def main():
    html = open(sys.argv[1], encoding="utf-8").read()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    if not csp:
        print("FAIL script-hash: no Content-Security-Policy")
        return 1
    script_src = re.search(r"script-src ([^;]*)", csp.group(1))
    allowed = script_src.group(1).split() if script_src else []
    if any(not a.startswith("'sha256-") for a in allowed):
        print(f"FAIL script-hash: script-src allows more than hashes: {allowed}")
        return 1
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    if not scripts:
        print("FAIL script-hash: the report has no script (the hover details are missing)")
        return 1
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        if f"'sha256-{digest}'" not in allowed:
            print(f"FAIL script-hash: a script's hash sha256-{digest} is not in the CSP {allowed}: "
                  "update HOVER_SCRIPT_SHA256 in analyzer/report/html.c")
            return 1
    print(f"script-hash: {len(scripts)} inline script(s) allowed by their hash, nothing else may run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
