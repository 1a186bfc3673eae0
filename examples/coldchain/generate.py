"""Generates the cold-chain example: synthetic shipments and a spoilage model.

A shipment is 24 hourly temperature readings (°C) from the container's
sensor. Most stay near 4 °C; some have an excursion (a door left open, a
failing reefer unit) of random length and height. The ground truth is a
logistic model of spoilage in the degree-hours spent above 8 °C and the peak
temperature; a small network (24 → 8 ReLU → 1) learns the spoilage risk
(0..1) from the raw readings. From a fixed seed, so `python3 generate.py`
rewrites model.onnx, shipments.json, safe.json and spoiled.json bit for bit.
Needs numpy and onnx (examples/credit/requirements.txt).
"""
import json
import os

import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import mlp  # noqa: E402  (examples/mlp.py: the network, its training and export)
HOURS = 24


def shipments(rng, n):
    t = 4.0 + rng.normal(0, 0.6, (n, HOURS))
    for i in range(n):
        if rng.random() < 0.5:  # an excursion
            start = rng.integers(0, HOURS - 1)
            length = rng.integers(1, 10)
            height = rng.uniform(2, 14)
            t[i, start:start + length] += height
    excess = np.clip(t - 8.0, 0, None).sum(1)  # degree-hours above 8 °C
    z = 0.35 * (excess - 12.0) + 0.4 * (t.max(1) - 13.0)
    return t, 1 / (1 + np.exp(-z))


def main():
    rng = np.random.default_rng(19)
    x, p = shipments(rng, 4000)
    mean, std, params = mlp.train(x, p, rng, 1)
    predict = mlp.export(mean, std, params, os.path.join(HERE, "model.onnx"), "coldchain", "readings", "spoilage_risk")
    test, tp = shipments(np.random.default_rng(20), 200)
    pred = predict(test)[:, 0]
    print(f"mean absolute error on 200 new shipments: {np.abs(pred - tp).mean():.3f}")
    r = lambda a: [round(float(v), 2) for v in a]
    # The two example shipments among the new ones: the first with an
    # excursion above 8 °C that the model still scores safe (risk < 0.05),
    # and the first it scores spoiled (risk > 0.9).
    safe = next(i for i in range(len(test)) if test[i].max() > 8 and pred[i] < 0.05)
    spoiled = next(i for i in range(len(test)) if pred[i] > 0.9)
    for name, i in (("safe", safe), ("spoiled", spoiled)):
        with open(os.path.join(HERE, f"{name}.json"), "w") as f:
            json.dump({"input_data": [r(test[i])]}, f)
            f.write("\n")
        print(f"{name}.json: risk {pred[i]:.3f} (truth {tp[i]:.3f})")
    with open(os.path.join(HERE, "shipments.json"), "w") as f:
        json.dump({"input_data": [sum((r(t) for t in test[:50]), [])], "risk": r(tp[:50])}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
