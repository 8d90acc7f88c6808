#!/usr/bin/env bash
# Run every tamis benchmark: set up the peers, make the inputs (once), build tamis in release,
# then time WARC reading and JSONL.zst pass-through. Usage: bash bench/run_all.sh [--runs N]
# Env: TAMIS=path (default target/release/tamis), BENCH_NO_BUILD=1 to skip the cargo build.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
export TAMIS=${TAMIS:-$ROOT/target/release/tamis}
PY=$BENCH/.venv/bin/python

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "mem: $(free -g | awk '/Mem:/{print $2" GiB"}')"
echo "kernel: $(uname -r)"
echo "load average: $(cut -d" " -f1-3 /proc/loadavg) (other work on the machine skews timings)"

echo "== setup"
bash "$BENCH/setup.sh"

echo "== inputs"
"$PY" "$BENCH/make_inputs.py"   # skips when bench/work/inputs.json exists

echo "== build tamis"
cd "$ROOT"
cargo --version; rustc --version
if [[ -n ${BENCH_NO_BUILD:-} ]]; then
  echo "BENCH_NO_BUILD set: using $TAMIS as is"
elif cargo pkgid -q tamis >/dev/null 2>&1; then
  cargo build --release -p tamis
else
  cargo build --release --bin tamis
fi
git -C "$ROOT" log -1 --format='tamis commit: %h %s' 2>/dev/null || true
"$TAMIS" --version 2>/dev/null || true

echo "== WARC read"
"$PY" "$BENCH/warc_read.py" "$@"
echo "== JSONL.zst pass-through"
"$PY" "$BENCH/jsonl_passthrough.py" "$@"
echo "results: $BENCH/work/warc_read.json $BENCH/work/jsonl_passthrough.json"
