#!/usr/bin/env python3
"""Monitoring drift: lodestar vs pandas + numpy on a 1,000,000-row scored CSV.

Generates (deterministic) benches/out/psi/batch-1m.csv: rows drawn from the
example's data/propensity.csv with `age` shifted down by 8 years in half of
them and a `probability` column, as `lodestar predict` writes it. Then times,
three times each, with /usr/bin/time -v (wall clock and peak resident memory):

  (a) lodestar: target/release/examples/psi_stream, which bins the training
      data and streams the batch through lodestar::train::drift exactly as
      `lodestar monitor` does, and prints the PSI per feature;
  (b) pandas + numpy: read_csv of both files, the same bins (lower decile
      cut points of each numeric training column, categories of the others,
      one bin for unseen ones), np.searchsorted, bincount, the same PSI, in a
      fresh python3 process.

Both print every feature's PSI so the results can be compared. Run from the
repository root:

  pip install pandas
  cargo build --release --example psi_stream
  python3 benches/psi_vs_pandas.py
"""
import os
import random
import re
import shutil
import statistics
import subprocess
import sys

ROWS = 1_000_000
OUT = os.path.join("benches", "out", "psi")
TRAIN = "training.csv"
BATCH = "batch-1m.csv"
LODESTAR = os.path.join("target", "release", "examples", "psi_stream")
SOURCE = os.path.join("workspaces", "example", "data", "propensity.csv")

PANDAS = r"""
import sys, time
t0 = time.perf_counter()
import numpy as np, pandas as pd
t1 = time.perf_counter()
train = pd.read_csv(sys.argv[1])
batch = pd.read_csv(sys.argv[2])
t2 = time.perf_counter()
out = []
for col in train.columns:
    if col in ("customer_id", "accepted_offer"):
        continue
    t = train[col]
    b = batch[col]
    if pd.api.types.is_numeric_dtype(t):
        v = np.sort(t.dropna().to_numpy(dtype=float))
        n = len(v)
        edges = []
        for k in range(1, 10):
            e = v[max(-(-k * n // 10) - 1, 0)]
            if (not edges or edges[-1] < e) and e < v[-1]:
                edges.append(e)
        edges = np.array(edges)
        bins = len(edges) + 1
        ct = np.bincount(np.searchsorted(edges, v, side="left"), minlength=bins)
        bv = b.dropna().to_numpy(dtype=float)
        cb = np.bincount(np.searchsorted(edges, bv, side="left"), minlength=bins)
    else:
        cats = sorted(t.fillna("").astype(str).unique())
        index = {c: i for i, c in enumerate(cats)}
        bins = len(cats) + 1
        ct = np.bincount(t.fillna("").astype(str).map(index).to_numpy(), minlength=bins)
        cb = np.bincount(b.fillna("").astype(str).map(index).fillna(len(cats)).astype(int).to_numpy(), minlength=bins)
    e = np.maximum(ct / ct.sum(), 1e-4)
    a = np.maximum(cb / cb.sum(), 1e-4)
    out.append((float(np.sum((a - e) * np.log(a / e))), col))
t3 = time.perf_counter()
out.sort(key=lambda x: (-x[0], x[1]))
print(f"rows {len(batch)} features {len(out)} psi " + ",".join(f"{c}={p:.4f}" for p, c in out)
      + f" import {t1 - t0:.4f} read {t2 - t1:.4f} seconds {t3 - t1:.4f}")
"""


def generate():
    """The training data as shipped, and 1,000,000 batch rows drawn from it."""
    os.makedirs(OUT, exist_ok=True)
    shutil.copyfile(SOURCE, os.path.join(OUT, TRAIN))
    path = os.path.join(OUT, BATCH)
    if os.path.exists(path):
        return
    rng = random.Random(20261201)
    with open(SOURCE) as f:
        header = f.readline().rstrip("\n").split(",")
        rows = [line.rstrip("\n").split(",") for line in f]
    target = header.index("accepted_offer")
    age = header.index("age")
    keep = [i for i in range(len(header)) if i != target]
    with open(path, "w", newline="") as f:
        f.write(",".join(header[i] for i in keep) + ",probability\n")
        for n in range(ROWS):
            r = list(rng.choice(rows))
            if n % 2:
                r[age] = str(max(18, int(r[age]) - 8))
            f.write(",".join(r[i] for i in keep) + f",{rng.random():.4f}\n")


def timed(cmd):
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", p.stderr).group(1))
              for k in ("User", "System"))
    return seconds, rss_kb / 1024, p.stdout.strip(), cpu


def main():
    if not os.path.exists(LODESTAR):
        sys.exit(f"{LODESTAR} is missing: cargo build --release --example psi_stream")
    generate()
    size = os.path.getsize(os.path.join(OUT, BATCH)) / 1e6
    print(f"batch: {OUT}/{BATCH}, {ROWS:,} rows, {size:.1f} MB; cores: {os.cpu_count()}")
    runs = {
        "lodestar": [LODESTAR, OUT, TRAIN, BATCH, "accepted_offer"],
        "pandas": [sys.executable, "-c", PANDAS, os.path.join(OUT, TRAIN), os.path.join(OUT, BATCH)],
    }
    for name, cmd in runs.items():
        results = [timed(cmd) for _ in range(3)]
        walls = [r[0] for r in results]
        rss = max(r[1] for r in results)
        cpu = statistics.median(r[3] for r in results)
        print(f"{name:9} wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
              f"CPU median {cpu:.3f} s ({ROWS / cpu:,.0f} rows per CPU-second), peak RSS {rss:.1f} MiB")
        print(f"          {results[-1][2]}")


if __name__ == "__main__":
    main()
