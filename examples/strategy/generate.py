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

import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import mlp  # noqa: E402  (examples/mlp.py: the network, its training and export)
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


def main():
    rng = np.random.default_rng(19)
    x, y = snapshots(rng, 6000)
    predict = mlp.export(*mlp.train(x, y, rng, 3, epochs=300, lr=0.05, loss="softmax"), os.path.join(HERE, "model.onnx"),
                         "strategy", "market", "logits")
    mlp.export(*mlp.train(x, y, np.random.default_rng(7), 3, epochs=30, lr=0.05, loss="softmax"),
               os.path.join(HERE, "other_model.onnx"), "strategy", "market", "logits")
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
