#!/usr/bin/env bash
# Training benchmark: lodestar at batch 32 and 1024 (fused CPU step and the
# plain candle-ops step), the machine's fp32 GEMM throughput, and the peers
# (scikit-learn, Keras) on the same split. Figures go to docs/PERFORMANCE.md.
#
#   bench/train.sh            # needs python3 with scikit-learn (and tensorflow for Keras)
#   PYTHON=/path/to/python bench/train.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
out=bench/out/train
rm -rf "$out" && mkdir -p "$out"
cp -r workspaces/example "$out/ws"   # runs/ is written there, not into the repo
cargo build --release --quiet --bin lodestar
bin=target/release/lodestar
sps() { "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin); print(f"{j[\"samples_per_second\"]:>9.0f} samples/s  threads {j[\"threads\"]}  engine {j[\"engine\"]}  best val_auc {j[\"epochs\"][j[\"best_epoch\"]-1][\"val_auc\"]:.4f}  last val_auc {j[\"epochs\"][-1][\"val_auc\"]:.4f}")'; }
for batch in 32 1024; do
  for args in "" "--threads 1" "--threads 2" "--engine ops"; do
    printf 'batch %-5s %-13s ' "$batch" "${args:-(auto)}"
    "$bin" train "$out/ws" --device cpu --batch-size "$batch" $args --format json | sps
  done
done
echo "candle-ops with RAYON_NUM_THREADS=1 (batch 32):"
RAYON_NUM_THREADS=1 "$bin" train "$out/ws" --device cpu --engine ops --format json | sps
cargo bench --quiet --bench gemm
RAYON_NUM_THREADS=1 cargo bench --quiet --bench gemm | grep candle
"$PYTHON" bench/train_peers.py
