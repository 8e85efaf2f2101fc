#!/bin/sh
# Cross-check of bench_startup.py with hyperfine (Debian: apt-get install -y hyperfine).
# hyperfine runs each command's series in turn (not interleaved): on a busy machine
# prefer bench_startup.py's ratios.  Run from the repository root, venv active.
set -eu
here=$(dirname "$0")
py=${PYTHON:-python}
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX=${PYTHONPYCACHEPREFIX:-/tmp/icansctl-bench/pycache}
export COLUMNS=100 NO_COLOR=1
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-markdown /tmp/icansctl-hyperfine.md \
  -n compare "icansctl compare anakinra defibrotide" \
  -n minimal-table "$py $here/minimal_app.py table anakinra defibrotide" \
  -n help "icansctl --help" \
  -n version "icansctl --version" \
  -n minimal-help "$py $here/minimal_app.py --help"
echo "Markdown table: /tmp/icansctl-hyperfine.md"
