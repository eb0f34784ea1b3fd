#!/usr/bin/env bash
# Benchmarks (issues 4 and 15): import and report on SQLite and PostgreSQL, each beside its floor
# measured in the same run on the same files. Usage: Tools/bench.sh [--backends sqlite,postgres] [SCALE ...]
# (default scales: 1 10). See Tools/bench/bench.py for what is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 Tools/bench/bench.py "$@"
