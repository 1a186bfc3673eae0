"""Trains and exports zkinfer's second credit example: gradient-boosted trees.

The same synthetic applicants as examples/credit (its train.py draws them),
each labelled repaid or not by a draw from their true repayment
probability; an XGBoost classifier (100 trees of depth 4) learns them and
onnxmltools exports it with its default options, as a lender would:
TreeEnsembleClassifier (ai.onnx.ml) with a label and two probabilities.
`python3 train.py` rewrites model.onnx, input.json, input_risky.json and
reference.json next to this file, bit for bit. Needs:
pip install -r ../../scripts/requirements-ml.txt
"""
import json
import os
import sys

import numpy as np
import onnxmltools
import onnxruntime as ort
from onnxmltools.convert.common.data_types import FloatTensorType
from xgboost import XGBClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "credit"))
from train import FEATURES, applicants  # noqa: E402  (examples/credit/train.py)


def main():
    rng = np.random.default_rng(20261130)
    x, p = applicants(rng, 20000)
    y = (rng.random(len(p)) < p).astype(int)
    x = x.astype(np.float32)
    model = XGBClassifier(n_estimators=100, max_depth=4, learning_rate=0.1, random_state=7)
    model.fit(x[:16000], y[:16000])
    onx = onnxmltools.convert_xgboost(model, initial_types=[("features", FloatTensorType([None, len(FEATURES)]))])
    onx.graph.name = "credit_gbt"  # onnxmltools draws a random one
    path = os.path.join(HERE, "model.onnx")
    with open(path, "wb") as f:
        f.write(onx.SerializeToString())

    applicant = [48.0, 0.28, 9.0, 0.0, 0.35, 33.0, 12.0, 5.0]
    risky = [38.0, 0.45, 4.0, 1.0, 0.7, 27.0, 20.0, 1.5]
    for name, row in (("input.json", applicant), ("input_risky.json", risky)):
        with open(os.path.join(HERE, name), "w") as f:
            json.dump({"input_data": [row]}, f)
            f.write("\n")
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outs = {}
    for name, row in (("applicant", applicant), ("risky", risky)):
        label, prob = sess.run(None, {"features": np.asarray([row], dtype=np.float32)})
        outs[name] = {"label": int(label[0]), "probabilities": [float(v) for v in prob[0]]}
    _, prob = sess.run(None, {"features": x[16000:]})
    acc = float(((prob[:, 1] > 0.5) == y[16000:]).mean())
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump({**outs, "test_accuracy": round(acc, 4)}, f)
        f.write("\n")
    print(f"wrote {path}: applicant repays with p = {outs['applicant']['probabilities'][1]:.4f}, "
          f"risky p = {outs['risky']['probabilities'][1]:.4f}, held-out accuracy {acc:.4f}")


if __name__ == "__main__":
    main()
