#!/usr/bin/env python3
"""Lint on configuration other people wrote (../shared/corpus/configs), against
the verdicts a reader wrote down for each finding (tests/lint/corpus-verdicts.tsv).

Fails when a finding is not in the verdict file or a listed one is no longer
found (the file must be judged again), when fewer than 95% of the findings are
right, when a high or critical one is wrong, or when any is noise. Then reads
the corpus together with a project that has a server (tests/lint/deploy) as one
input and checks that the server's connection budget sums its own pools only.
Skipped with a message where ../shared is absent (a user's clone).

usage: corpus_check.py PGMORTEM CORPUS_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VERDICTS = os.path.join(HERE, "corpus-verdicts.tsv")


def findings(binary, cwd, *inputs):
    out = subprocess.run([binary, "lint", "-q", "-f", "json", "--fail-on", "never", *inputs],
                         cwd=cwd, capture_output=True, text=True)
    if out.returncode not in (0, 2):
        sys.exit("corpus-lint: pgmortem lint exited %d: %s" % (out.returncode, out.stderr.strip()))
    return json.loads(out.stdout)["findings"]


def main():
    binary, corpus = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not os.path.isdir(corpus):
        print("corpus-lint: skipped: %s is absent (the outside corpus is not in a user's clone)" % corpus)
        return 0
    got = set()
    for f in findings(binary, corpus, "."):
        path = f["path"][2:] if f["path"].startswith("./") else f["path"]
        got.add((f["rule"], f["severity"], path, str(f["line"]), f.get("key", "")))
    listed = {}
    with open(VERDICTS) as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("rule\t") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            if len(cells) != 7 or cells[5] not in ("right", "wrong", "noise") or not cells[6]:
                sys.exit("corpus-lint: %s: a row needs rule, severity, path, line, key, verdict "
                         "(right/wrong/noise) and why: %r" % (VERDICTS, line))
            listed[tuple(cells[:5])] = cells[5]
    fail = 0
    for k in sorted(got - set(listed)):
        print("corpus-lint: FAIL: a finding nobody judged (add it to corpus-verdicts.tsv): %s" % "\t".join(k))
        fail += 1
    for k in sorted(set(listed) - got):
        print("corpus-lint: FAIL: a judged finding is no longer reported: %s" % "\t".join(k))
        fail += 1
    n = len(listed)
    right = sum(1 for v in listed.values() if v == "right")
    for k, v in sorted(listed.items()):
        if v == "wrong" and k[1] in ("high", "critical"):
            print("corpus-lint: FAIL: a wrong %s finding: %s" % (k[1], "\t".join(k)))
            fail += 1
        if v == "noise":
            print("corpus-lint: FAIL: a noisy finding: %s" % "\t".join(k))
            fail += 1
    if n and right * 100 < 95 * n:
        print("corpus-lint: FAIL: %d of %d findings right (%.1f%%), under 95%%" % (right, n, 100.0 * right / n))
        fail += 1

    # one input holding seven repositories and a project with a server: the
    # server's budget names its own pools, no other repository's
    with tempfile.TemporaryDirectory() as tmp:
        mixed = os.path.join(tmp, "mixed")
        shutil.copytree(corpus, mixed)
        shutil.copytree(os.path.join(HERE, "deploy"), os.path.join(mixed, "deploy"))
        fleet = [f for f in findings(binary, tmp, "mixed") if f["rule"].startswith("HKC-FLEET")]
        own = ("billing-db 1 x 15 + billing:app.datasource.reports 1 x 5 + orders-db 8 x 25 + worker 1 x 5 = 225")
        if len(fleet) != 1 or own not in fleet[0]["message"] or "deploy/db/" not in fleet[0]["path"]:
            print("corpus-lint: FAIL: the budget of deploy/db mixes servers or is missing: %s" %
                  json.dumps(fleet, indent=1))
            fail += 1
    print("corpus-lint: %d finding(s) on %s, %d right, %d wrong, %d noise (tests/lint/corpus-verdicts.tsv); "
          "one budget, its own pools only, when read with other repositories"
          % (n, corpus, right, sum(v == "wrong" for v in listed.values()), sum(v == "noise" for v in listed.values())))
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
