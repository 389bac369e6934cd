#!/usr/bin/env bash
# Training data load: a 1,000,000-row x 100-column CSV (90 numbers, 9
# categories with some cells empty, a yes/no target; deterministic,
# benches/train_load.rs writes it) loaded and encoded the way `lodestar
# train` does (a coding pass, then encoded f32 training and validation
# matrices), against pandas read_csv + one-hot (get_dummies) +
# to_numpy(float32) in the same session. Wall time, CPU time (user + sys)
# and peak resident memory from /usr/bin/time -v, three runs each.
# Figures go to docs/PERFORMANCE.md (Training).
#
# The load average (1 minute) is printed before each run: on a machine
# shared with other work, compare CPU time and read wall time with it.
#
#   benches/load_1m.sh                 # needs python3 with pandas for the peer
#   ROWS=100000 benches/load_1m.sh     # a smaller file
#   BEFORE=/path/to/old/train_load benches/load_1m.sh   # and an older build
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
ROWS=${ROWS:-1000000}
out=benches/out/load
mkdir -p "$out"
csv="$out/train-$ROWS.csv"
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet --example train_load
bin=target/release/examples/train_load
[ -f "$csv" ] || "$bin" generate "$csv" "$ROWS"
ls -l "$csv" | awk '{printf "file %s bytes\n", $5}'
cat "$csv" > /dev/null   # both sides read it from the page cache

measure() {  # label, command...
  local label=$1; shift
  for _ in 1 2 3; do
    printf 'load %s  ' "$(cut -d' ' -f1 /proc/loadavg)"
    /usr/bin/time -v "$@" > "$out/stdout" 2> "$out/time" || { cat "$out/time"; exit 1; }
    awk -v label="$label" -v said="$(tail -1 "$out/stdout")" '
      /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); wall = p[n] + (n > 1 ? p[n-1] * 60 : 0) }
      /User time/ { user = $NF } /System time/ { sys = $NF }
      /Maximum resident set size/ { rss = $NF / 1024 }
      END { printf "%-8s wall %5.2f s  cpu %5.2f s  peak %6.0f MB  | %s\n", label, wall, user + sys, rss, said }' "$out/time"
  done
}

measure lodestar "$bin" "$csv" y yes 0.2
[ -z "${BEFORE:-}" ] || measure before "$BEFORE" "$csv" y yes 0.2
if "$PYTHON" -c 'import pandas' 2>/dev/null; then
  measure pandas "$PYTHON" -c '
import sys, time
import numpy as np, pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
y = (df.pop("y") == "yes").to_numpy(dtype=np.float32)
x = pd.get_dummies(df, columns=[f"c{j}" for j in range(9)], dummy_na=True).to_numpy(dtype=np.float32)
print(f"rows {x.shape[0]} features {x.shape[1]} matrix_bytes {x.nbytes} positive_share {y.mean():.4f} seconds {time.perf_counter() - t:.3f}")
' "$csv"
else
  echo "pandas: not installed for $PYTHON (skipped)"
fi
