#!/usr/bin/env bash
# Training benchmark: lodestar at batch 32 and 1024 (the fused CPU step and
# the candle autograd engine, candle at 1 thread and at its default), the
# machine's fp32 GEMM throughput, and the peers (scikit-learn, Keras) on the
# same split, all in one session. Figures go to docs/PERFORMANCE.md.
#
#   benches/train.sh            # needs python3 with scikit-learn (and tensorflow for Keras)
#   PYTHON=/path/to/python benches/train.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
out=benches/out/train
rm -rf "$out" && mkdir -p "$out"
cp -r workspaces/example "$out/ws"   # runs/ is written there, not into the repo
cargo build --release --quiet --bin lodestar
bin=target/release/lodestar
# Best of 3 runs (the machine is shared; the best run is the least disturbed).
best() {
  for _ in 1 2 3; do "$@" --format json; echo; done | "$PYTHON" -c '
import json, sys
text, dec, at, runs = sys.stdin.read(), json.JSONDecoder(), 0, []
while text[at:].strip():
    at += len(text[at:]) - len(text[at:].lstrip())
    obj, at = dec.raw_decode(text, at)
    runs.append(obj)
j = max(runs, key=lambda r: r["samples_per_second"])
b = j["epochs"][j["best_epoch"] - 1]
sps, threads, engine = j["samples_per_second"], j["threads"], j["engine"]
print(f"{sps:>9.0f} samples/s  threads {threads}  engine {engine:<10}  val_auc best epoch %.4f  last %.4f" % (b["val_auc"], j["epochs"][-1]["val_auc"]))'
}
for batch in 32 1024; do
  for args in "" "--threads 1" "--threads 2" "--engine candle"; do
    printf 'batch %-5s %-13s ' "$batch" "${args:-(auto)}"
    best "$bin" train "$out/ws" --device cpu --batch-size "$batch" $args
  done
done
for batch in 32 1024; do
  printf 'batch %-5s candle, RAYON_NUM_THREADS=1 ' "$batch"
  RAYON_NUM_THREADS=1 best "$bin" train "$out/ws" --device cpu --batch-size "$batch" --engine candle
done
cargo bench --quiet --bench gemm
RAYON_NUM_THREADS=1 cargo bench --quiet --bench gemm | grep candle
if "$PYTHON" -c 'import sklearn' 2>/dev/null; then
  for _ in 1 2 3; do "$PYTHON" benches/train_peers.py --only sklearn | tail -1; done
else
  echo "scikit-learn: not installed for $PYTHON (skipped)"
fi
if "$PYTHON" -c 'import keras' 2>/dev/null; then
  "$PYTHON" benches/train_peers.py --only keras | tail -1
else
  echo "keras: not installed for $PYTHON (skipped)"
fi
