#!/usr/bin/env bash
# CI's CUDA stage (called by .ci/run after the CPU tests; runnable alone):
# the `cuda` feature builds (CUDA 13.0 from PyPI wheels, no system toolkit
# needed), and that binary, given a libcuda that finds no device, trains on
# the CPU with the reason under `--device auto` and fails clearly under
# `--device cuda` (tests/cuda_fallback.rs). The dev profile and one GPU
# architecture keep it short; it has its own target dir (target/cuda), so the
# CPU build is never invalidated, and the toolchain's environment stays in a
# subshell.
set -euo pipefail
cd "$(dirname "$0")/.."
cuda_env=$(mktemp)
trap 'rm -f "$cuda_env"' EXIT
(
    eval "$(scripts/cuda-toolchain.sh)"
    export CARGO_TARGET_DIR=target/cuda
    cargo build --features cuda --bin lodestar
    printf 'LODESTAR_CUDA_LIBRARY_PATH=%q\n' "$LODESTAR_CUDA_STUB:$CUDA_HOME/lib" > "$cuda_env"
)
# shellcheck disable=SC1090
source "$cuda_env"
LODESTAR_CUDA_BIN=target/cuda/debug/lodestar LODESTAR_CUDA_LIBRARY_PATH=$LODESTAR_CUDA_LIBRARY_PATH \
    cargo test --release --test cuda_fallback -- --ignored
