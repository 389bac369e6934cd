#!/usr/bin/env python3
"""Write a large propensity data set for benches/gpu.sh.

    python3 benches/gpu_data.py ROWS OUT.csv

Rows are drawn by sample-data/generate.py's own `customer()` (the planted
model of sample-data/README.md, same columns as propensity.csv) from
`random.Random(SEED + 100)`, so a given ROWS always writes the same bytes and
a model trained on it reaches about the AUC it reaches on propensity.csv.
Standard library only.
"""

import importlib.util
import os
import random
import sys


def load_generator():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "sample-data", "generate.py")
    spec = importlib.util.spec_from_file_location("lodestar_sample_generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: gpu_data.py ROWS OUT.csv")
    try:
        rows = int(argv[1])
    except ValueError:
        sys.exit("gpu_data.py: ROWS must be a whole number, not %r" % argv[1])
    if rows < 10:
        sys.exit("gpu_data.py: ROWS must be at least 10")
    g = load_generator()
    rng = random.Random(g.SEED + 100)
    cols = g.PROPENSITY_COLUMNS
    with open(argv[2], "w", encoding="utf-8", newline="\n") as f:
        f.write(",".join(cols) + "\n")
        chunk = []
        for i in range(rows):
            r = g.customer(rng, i)
            chunk.append(",".join(g.fmt(r[c]) for c in cols))
            if len(chunk) == 10000:
                f.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            f.write("\n".join(chunk) + "\n")


if __name__ == "__main__":
    main(sys.argv)
