#!/usr/bin/env python3
"""Refreshes the output under every `$ medsave ...` line in README.md's ```console blocks by running the command
with the built binary (default .build/debug/medsave). Warnings come first, then standard output, then the notes,
as a terminal shows them. The test suite (ReadmeTests) checks that what the README shows is what the tool prints;
run this after an intended change, then review the diff."""
import os
import shlex
import subprocess
import sys

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/medsave"
lines = open("README.md", encoding="utf-8").read().split("\n")
out, i, in_console = [], 0, False
while i < len(lines):
    line = lines[i]
    out.append(line)
    i += 1
    if line.startswith("```"):
        in_console = line == "```console"
        continue
    if in_console and line.startswith("$ medsave "):
        run = subprocess.run([binary] + shlex.split(line[len("$ medsave "):]), capture_output=True, text=True,
                             env=dict(os.environ, NO_COLOR="1"))
        err = run.stderr.splitlines()
        out += [l for l in err if not l.startswith("medsave: note:")]
        out += run.stdout.splitlines()
        out += [l for l in err if l.startswith("medsave: note:")]
        while i < len(lines) and not lines[i].startswith("$ ") and not lines[i].startswith("```"):
            i += 1
open("README.md", "w", encoding="utf-8").write("\n".join(out))
