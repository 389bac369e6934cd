#!/usr/bin/env python3
"""Peers for `lodestar train` on the same data and the same split.

Trains scikit-learn's MLPClassifier(hidden_layer_sizes=(128, 64),
batch_size=32, solver="adam") and the seed's Keras model
(Dense(128, relu) → Dense(64, relu) → Dense(1, sigmoid), Adam, binary
cross-entropy, batch 32, 10 epochs, validation_split=0.2) on the example
workspace's propensity.csv, encoded exactly as lodestar encodes it:
customer_id dropped; numeric columns standardised with the statistics of the
training part (the first 80 % of rows) and missing values set to the mean;
text columns one-hot with the categories of the training part (an empty
cell is its own category); validation = the last 20 % of rows, unshuffled.

Prints one JSON line per peer: val_auc, samples_per_second (training rows ×
epochs / fit seconds), seconds. Keras' fit time includes its per-epoch
validation pass, as lodestar's wall time does; lodestar's samples_per_second
counts step time only.

Usage: python3 benches/train_peers.py [--csv PATH] [--epochs 10] [--seed 42] [--only sklearn|keras]
"""

import argparse
import csv
import json
import math
import sys
import time

import numpy as np


def load(path, target="accepted_offer", positive="yes", exclude=("customer_id",), split=0.2):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    n = len(rows)
    n_train = math.floor(n * (1.0 - split))
    ti = header.index(target)
    y = np.array([1.0 if r[ti].strip() == positive else 0.0 for r in rows], dtype=np.float32)
    cols = []
    for i, name in enumerate(header):
        if i == ti or name in exclude:
            continue
        cells = [r[i].strip() for r in rows]

        def num(s):
            try:
                v = float(s)
                return v if math.isfinite(v) else None
            except ValueError:
                return None

        missing = lambda s: s == "" or s.lower() in ("na", "n/a", "nan", "null")
        present = [s for s in cells if not missing(s)]
        if present and all(num(s) is not None for s in present):
            train_vals = [num(s) for s in cells[:n_train] if not missing(s)]
            mean = sum(train_vals) / len(train_vals)
            std = math.sqrt(sum((v - mean) ** 2 for v in train_vals) / len(train_vals)) or 1.0
            cols.append(np.array([0.0 if missing(s) else (num(s) - mean) / std for s in cells], dtype=np.float32)[:, None])
        else:
            cats = sorted(set(cells[:n_train]))
            index = {c: k for k, c in enumerate(cats)}
            m = np.zeros((n, len(cats)), dtype=np.float32)
            for r, s in enumerate(cells):
                if s in index:
                    m[r, index[s]] = 1.0
            cols.append(m)
    x = np.hstack(cols)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def auc(scores, labels):
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def run_sklearn(xt, yt, xv, yv, epochs, seed):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(128, 64), batch_size=32, solver="adam", max_iter=epochs, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t = time.perf_counter()
        clf.fit(xt, yt)
        s = time.perf_counter() - t
    return {"peer": "sklearn-mlp", "val_auc": auc(clf.predict_proba(xv)[:, 1], yv), "samples_per_second": len(yt) * clf.n_iter_ / s, "seconds": s, "epochs": clf.n_iter_}


def run_keras(xt, yt, xv, yv, epochs, seed):
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(xt.shape[1],)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    # The seed's call: fit on all rows with validation_split=0.2 (the last 20 %).
    x = np.vstack([xt, xv])
    y = np.concatenate([yt, yv])
    t = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=epochs, validation_split=0.2, verbose=0)
    s = time.perf_counter() - t
    p = model.predict(xv, verbose=0)[:, 0]
    return {"peer": "keras", "val_auc": auc(p, yv), "samples_per_second": len(yt) * epochs / s, "seconds": s, "epochs": epochs}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", default="workspaces/example/data/propensity.csv")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--only", choices=["sklearn", "keras"])
    a = ap.parse_args()
    xt, yt, xv, yv = load(a.csv)
    print(json.dumps({"rows_train": len(yt), "rows_valid": len(yv), "features": xt.shape[1]}))
    if a.only in (None, "sklearn"):
        print(json.dumps(run_sklearn(xt, yt, xv, yv, a.epochs, a.seed)), flush=True)
    if a.only in (None, "keras"):
        try:
            print(json.dumps(run_keras(xt, yt, xv, yv, a.epochs, a.seed)), flush=True)
        except ImportError as e:
            print(json.dumps({"peer": "keras", "skipped": f"keras/tensorflow not installed ({e})"}), file=sys.stderr)


if __name__ == "__main__":
    main()
