"""Generates the reputation example: synthetic marketplace activity and a score model.

A seller's private activity: completed orders, disputes lost, account age
(months), the share of orders shipped on time, monthly volume (thousands)
and the average review (1..5). The ground truth is a logistic model of
trustworthiness; a small network (6 → 8 ReLU → 1) learns the score (0..1).
From a fixed seed, so `python3 generate.py` rewrites model.onnx, trusted.json,
untrusted.json and sellers.json bit for bit. Needs numpy and onnx
(examples/credit/requirements.txt).
"""
import json
import os

import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import mlp  # noqa: E402  (examples/mlp.py: the network, its training and export)


def sellers(rng, n):
    age = rng.integers(1, 96, n).astype(float)
    orders = np.round(age * rng.lognormal(np.log(6), 0.8, n))
    disputes = rng.poisson(0.02 * orders + 0.3).astype(float)
    ontime = np.clip(rng.beta(9, 1.5, n), 0, 1)
    volume = orders * rng.lognormal(np.log(0.05), 0.5, n) / np.maximum(age, 1)
    reviews = np.clip(4.9 - 0.3 * disputes / np.sqrt(orders + 1) * 5 + rng.normal(0, 0.3, n), 1, 5)
    x = np.stack([orders, disputes, age, ontime, volume, reviews], axis=1)
    z = (np.log1p(orders) * 0.6 - 0.5 * disputes + 0.03 * age + 6 * (ontime - 0.85)
         + 1.5 * (reviews - 4.3) - 2.0)
    return x, 1 / (1 + np.exp(-z))


def main():
    rng = np.random.default_rng(19)
    x, p = sellers(rng, 5000)
    predict = mlp.export(*mlp.train(x, p, rng, 1), os.path.join(HERE, "model.onnx"), "reputation", "activity", "score")
    test, tp = sellers(np.random.default_rng(20), 300)
    pred = predict(test)[:, 0]
    print(f"mean absolute error on 300 new sellers: {np.abs(pred - tp).mean():.3f}")
    r = lambda a: [round(float(v), 3) for v in a]
    for name, ok in (("trusted", lambda s: s > 0.9), ("untrusted", lambda s: s < 0.5)):
        i = next(i for i in range(len(test)) if ok(pred[i]) and test[i, 0] < 2000)
        with open(os.path.join(HERE, f"{name}.json"), "w") as f:
            json.dump({"input_data": [r(test[i])]}, f)
            f.write("\n")
        print(f"{name}.json: score {pred[i]:.3f} (truth {tp[i]:.3f})")
    with open(os.path.join(HERE, "sellers.json"), "w") as f:
        json.dump({"input_data": [sum((r(t) for t in test[:50]), [])], "score": r(tp[:50])}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
