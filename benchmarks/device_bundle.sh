#!/usr/bin/env bash
# Fill .device/ with what benchmarks/device_check.sh needs on the lent GPU machine, where
# neither ../shared nor a package registry can be reached; the device run names .device in
# its carry (docs/gpu.md). .device/ is in .gitignore: a bundle is never committed.
#
#   bash benchmarks/device_bundle.sh [DATA]       # DATA: the data folder [../shared/data]
#
# It holds data/corpus.txt.xz (the whole corpus, xz -6; reused while the corpus's sha256 is
# unchanged), data/eval/ (questions-words.txt, wordsim353.tsv) and wheels/: the packages
# the machine lacks, for its Python 3.12 on x86-64. Each is downloaded alone (--no-deps):
# gensim needs numpy, scipy and smart_open, and smart_open needs wrapt; the machine has all
# but gensim and smart_open (/work/.library/device/KINDS.md). The tree that travels (tracked
# and untracked-not-ignored files) and the bundle together must stay under 64 MiB; the script
# prints both sizes and fails above that. PYTHON picks the pip to download with [python3].
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
PY=${PYTHON:-python3}
LIMIT=$((64 * 1024 * 1024))
WHEELS=(gensim==4.4.0 smart_open==9.0.4)
# gensim 4.4.0's cp312 wheel is tagged manylinux_2_24/2_28: pip matches these tags exactly.
PLATFORMS=(manylinux_2_28_x86_64 manylinux_2_24_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64)

if [ ! -f "$DATA/corpus.txt" ]; then
    echo "device_bundle.sh: no corpus.txt in $DATA; pass the data folder" >&2
    exit 2
fi
if ! git check-ignore -q .device/; then
    echo "device_bundle.sh: .device/ is not in .gitignore; add it before bundling" >&2
    exit 2
fi

new=.device.new
rm -rf "$new"
mkdir -p "$new/data/eval" "$new/wheels"
trap 'rm -rf "$new"' EXIT

sum=$(sha256sum "$DATA/corpus.txt" | cut -d' ' -f1)
if [ -f .device/data/corpus.txt.xz ] && [ "$(cat .device/data/corpus.sha256 2>/dev/null)" = "$sum" ]; then
    cp .device/data/corpus.txt.xz "$new/data/"
    echo "device_bundle.sh: corpus unchanged, packed copy reused" >&2
else
    t0=$(date +%s)
    nice -n 10 xz -6 -T1 -c "$DATA/corpus.txt" >"$new/data/corpus.txt.xz"
    echo "device_bundle.sh: corpus packed in $(($(date +%s) - t0)) s" >&2
fi
echo "$sum" >"$new/data/corpus.sha256"
cp "$DATA/eval/questions-words.txt" "$DATA/eval/wordsim353.tsv" "$new/data/eval/"

platform_args=()
for p in "${PLATFORMS[@]}"; do platform_args+=(--platform "$p"); done
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp "${platform_args[@]}" -d "$new/wheels" "${WHEELS[@]}"

rm -rf .device
mv "$new" .device
trap - EXIT

tree=$(git ls-files -z -co --exclude-standard | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
bundle=$(du -sb .device | cut -f1)
total=$((tree + bundle))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
du -b .device/data/corpus.txt.xz .device/wheels/*.whl | awk '{ printf "  %6.1f MiB  %s\n", $1 / 1048576, $2 }'
echo "tree $(mib "$tree") + bundle $(mib "$bundle") = $(mib "$total") (limit 64 MiB)"
if [ "$total" -ge "$LIMIT" ]; then
    echo "device_bundle.sh: tree and bundle are $(mib "$total"), over the 64 MiB a run carries" >&2
    exit 1
fi
