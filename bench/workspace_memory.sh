#!/usr/bin/env bash
# Peak memory of `lodestar check` on the generated 10,000-records-per-file
# workspace, against the size of its files. Run from the repository root.
set -euo pipefail
cargo build --release --quiet
dir=target/bench-workspace-10k
if [[ ! -d $dir ]]; then
  cargo bench --bench workspace -- --test >/dev/null
fi
size_kib=$(du -sk --apparent-size "$dir" | cut -f1)
peak_kib=$( { /usr/bin/time -v target/release/lodestar check "$dir" >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
echo "workspace files: ${size_kib} KiB"
echo "peak RSS of lodestar check: ${peak_kib} KiB ($(awk -v p="$peak_kib" -v s="$size_kib" 'BEGIN{printf "%.1f", p/s}')× the files)"
