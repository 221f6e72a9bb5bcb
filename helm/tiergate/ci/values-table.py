#!/usr/bin/env python3
"""Prints the values table of helm/tiergate/README.md from values.yaml and its comments (helm-docs style).

A key's meaning is its trailing comment, or else the comment lines right above it. Below `tiergate:` (the
application's own keys) only the top key is listed. Usage: helm/tiergate/ci/values-table.py > table.md
"""
import json
import os
import re
import sys

import yaml

CHART = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP_BELOW = {"tiergate"}


def comments(lines):
    """Maps each key path to the comment written beside it or right above it."""
    found, stack, above = {}, [], []
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("- ") or stripped == "-":
            above = [] if not stripped else above
            continue
        if stripped.startswith("#"):
            text = stripped.lstrip("#").strip()
            if not text.startswith("----"):
                above.append(text)
            continue
        m = re.match(r"^( *)([A-Za-z0-9_.-]+):(.*)$", line)
        if not m:
            above = []
            continue
        indent, key, rest = len(m.group(1)), m.group(2), m.group(3)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        path = ".".join(k for _, k in stack)
        trailing = rest.split(" #", 1)[1].strip() if " #" in rest else ""
        found[path] = trailing or " ".join(above)
        above = []
    return found


def leaves(prefix, values):
    for key, value in values.items():
        path = prefix + key
        if isinstance(value, dict) and value and path not in SKIP_BELOW:
            yield from leaves(path + ".", value)
        else:
            yield path, value


def default(value):
    if isinstance(value, dict) and value and len(json.dumps(value)) > 40:
        return "see values.yaml"
    text = json.dumps(value) if not isinstance(value, str) else ('`""`' if value == "" else f"`{value}`")
    if not text.startswith("`"):
        text = f"`{text}`" if len(text) <= 60 else "see values.yaml"
    return text.replace("|", "\\|")


def parent_comment(notes, path):
    parts = path.split(".")
    while len(parts) > 1:
        parts.pop()
        note = notes.get(".".join(parts))
        if note:
            # a block's comment, shortened to its first sentence for each of its keys
            return note.split(". ")[0].rstrip(".") + (" (see `" + ".".join(parts) + "`)" if ". " in note else "")
    return ""


def main():
    with open(os.path.join(CHART, "values.yaml")) as f:
        text = f.read()
    notes = comments(text.splitlines())
    rows = ["| key | default | meaning |", "| --- | --- | --- |"]
    for path, value in leaves("", yaml.safe_load(text)):
        meaning = notes.get(path) or parent_comment(notes, path)
        rows.append(f"| `{path}` | {default(value)} | {meaning.replace('|', chr(92) + '|')} |")
    sys.stdout.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
