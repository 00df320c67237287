#!/usr/bin/env bash
# Build the original word2vec.c for benchmarks/train_speed.py's `w2v_c` tool.
#
#   bash benchmarks/build_word2vec_c.sh /tmp/w2vc      # then: export W2V_C_BIN=/tmp/w2vc/word2vec
#
# The source comes from the `word2vec` sdist on PyPI (Mikolov's C files, vendored there);
# it is compiled as its own makefile does (-O3 -march=native -funroll-loops). The binary
# goes to the folder given, never into this repository.
set -euo pipefail
out="${1:?usage: build_word2vec_c.sh OUTPUT_DIR}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python -m pip download --quiet --no-deps --no-binary :all: --dest "$work" "word2vec==0.11.1"
tar -xzf "$work"/word2vec-0.11.1.tar.gz -C "$work"
src="$work/word2vec-0.11.1/word2vec/includes/word2vec.c"
gcc -O3 -march=native -funroll-loops -Wall -Wno-unused-result -pthread "$src" -o "$out/word2vec" -lm
echo "built $out/word2vec; export W2V_C_BIN=$out/word2vec"
