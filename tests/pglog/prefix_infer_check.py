#!/usr/bin/env python3
"""The prefix found from the lines reads a log as the prefix it was written with.

For each NN.log of DIR (with NN.prefix beside it, the log_line_prefix the
server wrote it under, as fixtures/record/prefixes.sh leaves them), the
timeline read without --log-line-prefix must equal, event for event, the
timeline read with it: kind, time, pid, user, database, application, and no
event of the explicit reading lost. The explicit reading itself must
understand every line (else the recording, not the inference, is wrong).

    prefix_infer_check.py PGMORTEM DIR [--verbose] [--rival-ok]

--rival-ok: logs recorded without connection logging, where nothing names
the user, database and application: a reading that says two prefixes read
the lines equally well (exit 2) passes when its events are the told ones in
kind, time and pid (which name is which is what it could not tell).

Prints one line per log that differs and a closing 'N passed, N failed'.
"""
import json
import os
import subprocess
import sys

KEYS = ("kind", "t", "pid", "user", "db", "app")


def read(binary, path, prefix):
    cmd = [binary, "timeline", "--coverage", "--jobs", "1", path]
    if prefix is not None:
        cmd[2:2] = ["--log-line-prefix", prefix]
    p = subprocess.run(cmd, capture_output=True, text=True)
    events = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    return p.returncode, events, p.stderr


def main():
    binary, folder = sys.argv[1], sys.argv[2]
    verbose = "--verbose" in sys.argv
    rival_ok = "--rival-ok" in sys.argv
    passed = failed = 0
    logs = sorted(f for f in os.listdir(folder) if f.endswith(".log"))
    for name in logs:
        path = os.path.join(folder, name)
        with open(path[:-4] + ".prefix", encoding="utf-8") as f:
            spec = f.read()
        rc_told, told, err_told = read(binary, path, spec)
        rc_found, found, err_found = read(binary, path, None)
        problems = []
        if rc_told != 0 or not told:
            problems.append(f"the explicit reading is not clean (exit {rc_told}): {err_told.strip()[:300]}")
        rival = rc_found == 2 and "read the lines equally well" in err_found
        if rc_found != 0 and not (rival_ok and rival):
            problems.append(f"exit {rc_found}: {err_found.strip()[:300]}")
        # a named rival may have the names the other way round: the rest must hold
        keys = KEYS[:3] if rival_ok and rival else KEYS
        a = [tuple(e.get(k) for k in keys) for e in told]
        b = [tuple(e.get(k) for k in keys) for e in found]
        if a != b:
            missing = len(set(a) - set(b))
            first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            problems.append(f"{len(a)} events told, {len(b)} found, {missing} of the told ones missing; "
                            f"first difference at event {first}: "
                            f"{a[first] if first < len(a) else None} vs {b[first] if first < len(b) else None}")
        if problems:
            failed += 1
            print(f"FAIL {name} '{spec}': " + "; ".join(problems))
            if verbose:
                print("   ", err_found.strip().replace("\n", "\n    "))
        else:
            passed += 1
            if verbose:
                print(f"ok   {name} '{spec}': {len(a)} events")
    print(f"prefix inference: {passed} passed, {failed} failed")
    return 1 if failed or not logs else 0


if __name__ == "__main__":
    sys.exit(main())
