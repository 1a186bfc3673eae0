"""Generates the strategy example: synthetic market features and a trading model.

Each market snapshot has six public features: returns over 1, 4 and 24 hours
(%), 24-hour volatility (%), a relative-strength index scaled to 0..1 and a
volume z-score. The strategy's rule (its secret edge, learned by the network
and never published) buys on momentum when volatility is low and the RSI
is not stretched, sells on the mirror image, and holds otherwise. The network
(6 → 8 ReLU → 3 logits: sell, hold, buy) is trained on it. From a fixed seed,
so `python3 generate.py` rewrites model.onnx, other_model.onnx (another
strategy of the same architecture), market.json, buy.json and sell.json bit for
bit. Needs numpy and onnx (examples/credit/requirements.txt).
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
SELL, HOLD, BUY = 0, 1, 2


def snapshots(rng, n):
    r1 = rng.normal(0, 0.8, n)
    r4 = r1 + rng.normal(0, 1.2, n)
    r24 = r4 + rng.normal(0, 2.5, n)
    vol = np.abs(rng.normal(2.5, 1.0, n))
    rsi = np.clip(0.5 + r24 / 12 + rng.normal(0, 0.08, n), 0, 1)
    volz = rng.normal(0, 1, n)
    x = np.stack([r1, r4, r24, vol, rsi, volz], axis=1)
    momentum = 0.5 * r1 + 0.3 * r4 + 0.2 * r24 + 0.3 * volz * np.sign(r4)
    calm = vol < 3.2
    y = np.full(n, HOLD)
    y[(momentum > 0.9) & calm & (rsi < 0.8)] = BUY
    y[(momentum < -0.9) & calm & (rsi > 0.2)] = SELL
    return x, y


def train(x, y, rng, hidden=8, epochs=300, lr=0.05):
    mean, std = x.mean(0), x.std(0)
    xn = (x - mean) / std
    w1, b1 = rng.normal(0, np.sqrt(2 / 6), (6, hidden)), np.zeros(hidden)
    w2, b2 = rng.normal(0, np.sqrt(2 / hidden), (hidden, 3)), np.zeros(3)
    onehot = np.eye(3)[y]
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(x)), len(x) // 64):
            h = np.maximum(xn[batch] @ w1 + b1, 0)
            z = h @ w2 + b2
            e = np.exp(z - z.max(1, keepdims=True))
            g = (e / e.sum(1, keepdims=True) - onehot[batch]) / len(batch)
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
    nodes = [helper.make_node("Sub", ["market", "mean"], ["centered"], name="center"),
             helper.make_node("Mul", ["centered", "inv_std"], ["h0"], name="normalize"),
             helper.make_node("Gemm", ["h0", "fc0.weight", "fc0.bias"], ["z1"], name="fc0", transB=1),
             helper.make_node("Relu", ["z1"], ["h1"], name="relu0"),
             helper.make_node("Gemm", ["h1", "fc1.weight", "fc1.bias"], ["logits"], name="fc1", transB=1)]
    g = helper.make_graph(nodes, "strategy",
                          [helper.make_tensor_value_info("market", TensorProto.FLOAT, [1, 6])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkinfer-examples")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return lambda x: np.maximum(((x - mean) / std) @ w1 + b1, 0) @ w2 + b2


def main():
    rng = np.random.default_rng(19)
    x, y = snapshots(rng, 6000)
    predict = export(*train(x, y, rng), os.path.join(HERE, "model.onnx"))
    export(*train(x, y, np.random.default_rng(7), epochs=30), os.path.join(HERE, "other_model.onnx"))
    test, ty = snapshots(np.random.default_rng(20), 500)
    pred = predict(test).argmax(1)
    print(f"agreement with the rule on 500 new snapshots: {(pred == ty).mean():.3f}")
    r = lambda a: [round(float(v), 3) for v in a]
    for name, want in (("buy", BUY), ("sell", SELL)):
        i = next(i for i in range(len(test)) if pred[i] == want and ty[i] == want)
        with open(os.path.join(HERE, f"{name}.json"), "w") as f:
            json.dump({"input_data": [r(test[i])]}, f)
            f.write("\n")
        print(f"{name}.json: logits {r(predict(test[i:i + 1])[0])}")
    with open(os.path.join(HERE, "market.json"), "w") as f:
        json.dump({"input_data": [sum((r(t) for t in test[:50]), [])], "rule": [int(v) for v in ty[:50]]}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
