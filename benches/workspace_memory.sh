#!/usr/bin/env bash
# Peak memory of `lodestar check` on the generated 10,000-records-per-file
# workspace, against the size of its files. Run from the repository root.
# LODESTAR=path/to/binary measures another build (a peer) instead of this one.
set -euo pipefail
bin=${LODESTAR:-target/release/lodestar}
[[ -n ${LODESTAR:-} ]] || cargo build --release --quiet
dir=target/bench-workspace-10k
if [[ ! -d $dir ]]; then
  cargo bench --bench workspace -- --test >/dev/null
fi
size_kib=$(du -sk --apparent-size "$dir" | cut -f1)
peak_kib=$( { /usr/bin/time -v "$bin" check "$dir" >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
echo "workspace files: ${size_kib} KiB"
echo "peak RSS of $bin check: ${peak_kib} KiB ($(awk -v p="$peak_kib" -v s="$size_kib" 'BEGIN{printf "%.1f", p/s}')× the files)"
