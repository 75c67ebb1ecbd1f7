# SPDX-License-Identifier: Apache-2.0
"""Runs smpdfu-blesim and reads its JSON report; shared by the BLE bench scripts."""
import json
import subprocess


def run(binary, args, size=None):
    """One simulated upload: the report as a dict (raises with the simulator's words on failure)."""
    cmd = [str(binary), "--json"] + [str(a) for a in args]
    if size is not None:
        cmd += ["--size", str(size)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        raise RuntimeError(f"{' '.join(cmd)} -> {r.returncode}\n{r.stdout}{r.stderr}")
    report = json.loads(r.stdout)
    if not report["ok"] or report["match"] is False:
        raise RuntimeError(f"{' '.join(cmd)}: upload failed\n{r.stdout}")
    return report


def command(binary, args, size=None):
    """The command line of run(), as the docs print it."""
    extra = [] if size is None else ["--size", str(size)]
    return " ".join([str(binary)] + [str(a) for a in args] + extra)


def kv(prefix, report, *keys):
    """name=value lines of a report's fields, each name prefixed."""
    return [f"{prefix}.{k}={report[k]}" for k in keys]
