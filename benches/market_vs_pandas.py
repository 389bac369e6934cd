#!/usr/bin/env python3
"""Market series: lodestar vs pandas on a 1,000,000-row CSV.

Generates benches/out/series-1m.csv (deterministic), then times, three times
each, with /usr/bin/time -v (wall clock and peak resident memory):

  (a) lodestar: target/release/examples/market_load, which streams the file
      through lodestar::market::series::load_file (csv crate, byte records)
      and sums the rows into monthly periods;
  (b) pandas: read_csv + pd.to_datetime(format="%Y-%m-%d") + monthly
      groupby-sum, the same aggregation, in a fresh python3 process.

Both print the number of periods and the grand total so the results can be
compared. Run from the repository root:

  pip install pandas
  cargo build --release --example market_load
  python3 benches/market_vs_pandas.py
"""
import os
import random
import re
import statistics
import subprocess
import sys

ROWS = 1_000_000
OUT = os.path.join("benches", "out")
CSV = os.path.join(OUT, "series-1m.csv")
LODESTAR = os.path.join("target", "release", "examples", "market_load")

PANDAS = r"""
import sys, time
t0 = time.perf_counter()
import pandas as pd
t1 = time.perf_counter()
df = pd.read_csv(sys.argv[1], usecols=["date", "value"], dtype={"date": str, "value": "float64"})
month = pd.to_datetime(df["date"], format="%Y-%m-%d").dt.to_period("M")
by_month = df["value"].groupby(month).sum()
t2 = time.perf_counter()
print(f"rows {len(df)} periods {len(by_month)} first {by_month.index[0]} last {by_month.index[-1]} "
      f"total {by_month.sum():.2f} import {t1 - t0:.4f} seconds {t2 - t1:.4f}")
"""


def generate():
    """1,000,000 order rows over 2015-01-01 … 2024-12-31, about 274 a day,
    with a store column that neither side needs (as in real exports)."""
    if os.path.exists(CSV):
        return
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(20261129)
    import datetime
    start = datetime.date(2015, 1, 1)
    days = (datetime.date(2024, 12, 31) - start).days + 1
    with open(CSV, "w", newline="") as f:
        f.write("date,store,value\n")
        for i in range(ROWS):
            d = start + datetime.timedelta(days=i * days // ROWS)
            f.write(f"{d.isoformat()},S{rng.randrange(1, 400):03d},{rng.uniform(5, 250):.2f}\n")


def timed(cmd):
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return seconds, rss_kb / 1024, p.stdout.strip()


def main():
    if not os.path.exists(LODESTAR):
        sys.exit(f"{LODESTAR} is missing: cargo build --release --example market_load")
    generate()
    size = os.path.getsize(CSV) / 1e6
    print(f"file: {CSV}, {ROWS:,} rows, {size:.1f} MB; cores: {os.cpu_count()}")
    runs = {
        "lodestar": [LODESTAR, CSV, "date", "value", "monthly"],
        "pandas": [sys.executable, "-c", PANDAS, CSV],
    }
    for name, cmd in runs.items():
        results = [timed(cmd) for _ in range(3)]
        walls = [r[0] for r in results]
        rss = max(r[1] for r in results)
        print(f"{name:9} wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
              f"peak RSS {rss:.1f} MiB")
        print(f"          {results[-1][2]}")


if __name__ == "__main__":
    main()
