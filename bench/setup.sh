#!/usr/bin/env bash
# Create bench/.venv and install the pinned peer tools (bench/requirements.txt).
# Idempotent: a stamp file holding the requirements' hash skips the install when nothing changed.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.bench-stamp
want=$(sha256sum requirements.txt | cut -d' ' -f1)

if [[ -x $VENV/bin/python && -f $STAMP && "$(cat "$STAMP")" == "$want" ]]; then
  echo "setup: $VENV up to date (stamp $want)"
else
  [[ -x $VENV/bin/python ]] || "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install -q --disable-pip-version-check -r requirements.txt
  echo "$want" > "$STAMP"
fi

"$VENV/bin/python" - <<'PY'
import sys
from importlib.metadata import version
print("python", sys.version.split()[0])
for p in ["fastwarc", "resiliparse", "warcio", "datatrove", "trafilatura", "zstandard", "orjson", "fsspec", "fasttext-numpy2-wheel"]:
    print(f"{p}=={version(p)}")
PY

# MinHash scripts (bench/dt_import.py): datatrove 0.10.1 needs xxhash<4 to hash str shingles; rensa and
# datasketch share the venv with xxhash 4, so xxhash 3 goes to its own --target folder.
if [[ ! -d .venv-xxhash3/xxhash ]]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check --target .venv-xxhash3 "xxhash==3.6.0"
fi

# Extraction benchmark (bench/extract_bench.py): trafilatura 1.11, the version datatrove pins, lives beside
# trafilatura 2 in a venv of its own.
if [[ ! -x .venv-traf111/bin/python ]]; then
  "$PY" -m venv .venv-traf111
  .venv-traf111/bin/pip install -q --disable-pip-version-check -r requirements-extract.txt
fi

# GPT-2 token counts (bench/tokens.py): Hugging Face tokenizers and tiktoken, pinned in tokens.py.
if [[ ! -x .venv-tokens/bin/python ]]; then
  "$PY" tokens.py setup
fi
