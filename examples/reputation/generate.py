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

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


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


def train(x, p, rng, hidden=8, epochs=400, lr=0.03):
    mean, std = x.mean(0), x.std(0)
    xn = (x - mean) / std
    w1, b1 = rng.normal(0, np.sqrt(2 / 6), (6, hidden)), np.zeros(hidden)
    w2, b2 = rng.normal(0, np.sqrt(2 / hidden), (hidden, 1)), np.zeros(1)
    y = p[:, None]
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(x)), len(x) // 64):
            h = np.maximum(xn[batch] @ w1 + b1, 0)
            g = 2 * (h @ w2 + b2 - y[batch]) / len(batch)
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
    nodes = [helper.make_node("Sub", ["activity", "mean"], ["centered"], name="center"),
             helper.make_node("Mul", ["centered", "inv_std"], ["h0"], name="normalize"),
             helper.make_node("Gemm", ["h0", "fc0.weight", "fc0.bias"], ["z1"], name="fc0", transB=1),
             helper.make_node("Relu", ["z1"], ["h1"], name="relu0"),
             helper.make_node("Gemm", ["h1", "fc1.weight", "fc1.bias"], ["score"], name="fc1", transB=1)]
    g = helper.make_graph(nodes, "reputation",
                          [helper.make_tensor_value_info("activity", TensorProto.FLOAT, [1, 6])],
                          [helper.make_tensor_value_info("score", TensorProto.FLOAT, [1, 1])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkinfer-examples")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return lambda x: np.maximum(((x - mean) / std) @ w1 + b1, 0) @ w2 + b2


def main():
    rng = np.random.default_rng(19)
    x, p = sellers(rng, 5000)
    predict = export(*train(x, p, rng), os.path.join(HERE, "model.onnx"))
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
