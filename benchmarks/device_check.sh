#!/usr/bin/env bash
# The one command for the lent GPU machine (docs/gpu.md): set up, with no package registry,
# what the tree and the carried bundle (.device/, from benchmarks/device_bundle.sh) hold, then
# run benchmarks/device_check.py: steps machine, gpu and scaling, each under its own time
# budget, one table, and $OUT/device_check.json (a temporary folder when OUT is unset).
#
#   bash benchmarks/device_check.sh                     # there, `.device` named in carry
#   bash benchmarks/device_check.sh --steps scaling     # rerun only the named steps
#   bash benchmarks/device_check.sh --smoke             # anywhere: a slice of ../shared/data,
#                                                       # torch on the CPU, no bundle, no wheels
#
# w2v is imported from the tree (PYTHONPATH=src), not installed: it is pure Python, so pip
# would only copy the same files, and `pip install --no-build-isolation .` would also need
# the machine's setuptools to satisfy pyproject's build requirement and would write build/
# and *.egg-info into the tree. The carried wheels (gensim and smart_open, which the machine
# lacks) go to a folder of their own on PYTHONPATH. PYTHON picks the interpreter (default
# python3, which holds PyTorch there).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
BUNDLE=.device

smoke=0
for arg in "$@"; do
    if [ "$arg" = --smoke ]; then smoke=1; fi
done

args=()
site=""
work=""
if [ "$smoke" = 0 ]; then
    if [ ! -f "$BUNDLE/data/corpus.txt.xz" ]; then
        echo "device_check.sh: no bundle in $BUNDLE/: run 'bash benchmarks/device_bundle.sh'" \
            "before the run and name .device in its carry (or pass --smoke)" >&2
        exit 2
    fi
    t0=$(date +%s)
    work=$(mktemp -d "${TMPDIR:-/tmp}/device_check.XXXXXX")
    site="$work/site"
    installed="wheels installed"
    if ! PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 "$PY" -m pip install -q \
        --no-index --no-deps --no-compile --no-cache-dir --target "$site" "$BUNDLE"/wheels/*.whl
    then
        installed="wheels NOT installed (gensim's scaling rows will fail)"
    fi
    mkdir -p "$work/data"
    "$PY" - "$BUNDLE/data/corpus.txt.xz" "$work/data/corpus.txt" <<'EOF'
import lzma, shutil, sys
with lzma.open(sys.argv[1]) as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
EOF
    ln -s "$PWD/$BUNDLE/data/eval" "$work/data/eval"
    echo "device_check.sh: $installed, corpus unpacked, in $(($(date +%s) - t0)) s" >&2
    args=(--data "$work/data")
fi

export PYTHONPATH="$PWD/src${site:+:$site}${PYTHONPATH:+:$PYTHONPATH}"
rc=0
"$PY" benchmarks/device_check.py ${args[@]+"${args[@]}"} "$@" || rc=$?
if [ -n "$work" ]; then rm -rf "$work"; fi
exit "$rc"
