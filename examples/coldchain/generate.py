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

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
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


def train(x, p, rng, hidden=8, epochs=400, lr=0.03):
    mean, std = x.mean(0), x.std(0)
    xn = (x - mean) / std
    w1, b1 = rng.normal(0, np.sqrt(2 / HOURS), (HOURS, hidden)), np.zeros(hidden)
    w2, b2 = rng.normal(0, np.sqrt(2 / hidden), (hidden, 1)), np.zeros(1)
    y = p[:, None]
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(x)), len(x) // 64):
            h = np.maximum(xn[batch] @ w1 + b1, 0)
            out = h @ w2 + b2
            g = 2 * (out - y[batch]) / len(batch)
            gw2, gb2 = h.T @ g, g.sum(0)
            gh = (g @ w2.T) * (h > 0)
            gw1, gb1 = xn[batch].T @ gh, gh.sum(0)
            w1 -= lr * gw1; b1 -= lr * gb1; w2 -= lr * gw2; b2 -= lr * gb2
    return mean, std, (w1, b1, w2, b2)


def export(mean, std, params, path):
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    w1, b1, w2, b2 = params
    inits = [numpy_helper.from_array(f32(mean), "mean"), numpy_helper.from_array(f32(1 / std), "inv_std"),
             numpy_helper.from_array(f32(w1.T), "fc0.weight"), numpy_helper.from_array(f32(b1), "fc0.bias"),
             numpy_helper.from_array(f32(w2.T), "fc1.weight"), numpy_helper.from_array(f32(b2), "fc1.bias")]
    nodes = [helper.make_node("Sub", ["readings", "mean"], ["centered"], name="center"),
             helper.make_node("Mul", ["centered", "inv_std"], ["h0"], name="normalize"),
             helper.make_node("Gemm", ["h0", "fc0.weight", "fc0.bias"], ["z1"], name="fc0", transB=1),
             helper.make_node("Relu", ["z1"], ["h1"], name="relu0"),
             helper.make_node("Gemm", ["h1", "fc1.weight", "fc1.bias"], ["spoilage_risk"], name="fc1", transB=1)]
    g = helper.make_graph(nodes, "coldchain",
                          [helper.make_tensor_value_info("readings", TensorProto.FLOAT, [1, HOURS])],
                          [helper.make_tensor_value_info("spoilage_risk", TensorProto.FLOAT, [1, 1])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkinfer-examples")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return lambda x: np.maximum(((x - mean) / std) @ w1 + b1, 0) @ w2 + b2


def main():
    rng = np.random.default_rng(19)
    x, p = shipments(rng, 4000)
    mean, std, params = train(x, p, rng)
    predict = export(mean, std, params, os.path.join(HERE, "model.onnx"))
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
