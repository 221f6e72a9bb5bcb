#!/usr/bin/env bash
# Checks tiergate's alert rules and runs their unit tests with promtool (Debian/Ubuntu: apt-get install prometheus).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: install Prometheus (Debian/Ubuntu: apt-get install prometheus)" >&2
  exit 2
fi
promtool check rules tiergate-rules.yaml
promtool test rules tiergate-rules.test.yaml
