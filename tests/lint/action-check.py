#!/usr/bin/env python3
"""The GitHub Action (action.yml) as a runner would run it, as far as this
machine allows: its shell steps, in order, with GITHUB_ACTION_PATH and the
inputs' defaults (or the values given here) in their env, in a copy of a
repository to lint; `uses:` steps (upload-sarif) cannot run here and are said.
Checks: the SARIF file is written, the annotations name the findings, and the
job fails at fail-on high on the test deployment and passes at never.
Usage: action-check.py REPO_ROOT"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

root = os.path.abspath(sys.argv[1])
action = yaml.safe_load(open(os.path.join(root, "action.yml")))
assert action["runs"]["using"] == "composite", "a composite action"
defaults = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}


def run(inputs, workdir):
    """Runs the shell steps; returns (exit code of the first failing step or 0, output)."""
    out = []
    for step in action["runs"]["steps"]:
        cond = step.get("if", "")
        m = re.search(r"inputs\.([\w-]+) == '([^']*)'", cond)
        if m and inputs[m.group(1)] != m.group(2):
            continue
        if "uses" in step:
            out.append("skipped here: %s (%s)" % (step.get("name"), step["uses"]))
            continue
        env = dict(os.environ, GITHUB_ACTION_PATH=root)
        for k, v in (step.get("env") or {}).items():
            env[k] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], str(v))
        assert step["shell"] == "bash"
        p = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workdir, env=env, capture_output=True, text=True)
        out.append(p.stdout + p.stderr)
        if p.returncode:
            return p.returncode, "\n".join(out)
    return 0, "\n".join(out)


with tempfile.TemporaryDirectory() as tmp:
    repo = os.path.join(tmp, "repo")
    shutil.copytree(os.path.join(root, "tests/lint/deploy"), repo)
    inputs = dict(defaults)
    rc, out = run(inputs, repo)
    assert rc != 0, "the job fails at fail-on high on a deployment with high findings:\n" + out
    assert "::error" in out and "HKC-" in out, "annotations name the findings:\n" + out
    assert os.path.getsize(os.path.join(repo, "pgmortem.sarif")) > 1000, "the SARIF report is written"
    assert "skipped here: Upload to code scanning" in out
    inputs.update({"fail-on": "never", "upload-sarif": "false", "sarif": "out/x.sarif", "paths": "billing db"})
    os.makedirs(os.path.join(repo, "out"))
    rc, out = run(inputs, repo)
    assert rc == 0, "fail-on never passes:\n" + out
    assert os.path.exists(os.path.join(repo, "out/x.sarif")) and "Upload to code scanning" not in out
print("action: its steps build pgmortem with the README's commands, write the SARIF, annotate, and fail the job at fail-on (upload-sarif, a uses: step, runs on GitHub only)")
