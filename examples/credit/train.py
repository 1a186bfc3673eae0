"""Trains and exports zkinfer's demo model: a small credit-scoring network.

The data are synthetic applicants drawn from a fixed seed, so the model is
reproducible bit for bit: `python3 train.py` rewrites model.onnx, input.json
and reference.json next to this file. Needs: pip install -r requirements.txt

Features (raw units, the model normalizes them itself):
  income_k            yearly income, thousands
  debt_to_income      monthly debt / monthly income
  history_years       length of credit history
  late_payments       late payments in the last 12 months
  utilization         revolving credit used / available
  age                 years
  loan_k              requested amount, thousands
  employment_years    years at the current employer
The output "score" is the estimated probability (0..1) that the loan is repaid.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURES = ["income_k", "debt_to_income", "history_years", "late_payments",
            "utilization", "age", "loan_k", "employment_years"]


def applicants(rng, n):
    income = rng.lognormal(np.log(55), 0.45, n)
    dti = np.clip(rng.normal(0.32, 0.12, n), 0.0, 0.9)
    age = rng.integers(21, 70, n).astype(float)
    history = np.clip(age - 18 - rng.exponential(4, n), 0, None)
    late = rng.poisson(0.6, n).astype(float)
    util = np.clip(rng.beta(2, 3, n), 0, 1)
    loan = rng.lognormal(np.log(15), 0.6, n)
    employ = np.clip(rng.exponential(5, n), 0, age - 18)
    x = np.stack([income, dti, history, late, util, age, loan, employ], axis=1)
    # Ground truth: a logistic model of repayment the network has to learn.
    z = (1.2 + 0.025 * (income - 55) - 4.0 * (dti - 0.32) + 0.06 * history
         - 0.9 * late - 1.5 * (util - 0.4) - 0.03 * (loan - 15) + 0.05 * employ)
    p = 1 / (1 + np.exp(-z))
    return x, p


def train(x, p, rng, hidden=(16, 8), epochs=300, lr=0.05):
    mean, std = x.mean(0), x.std(0)
    xn = (x - mean) / std
    sizes = (x.shape[1],) + hidden + (1,)
    ws = [rng.normal(0, np.sqrt(2 / a), (a, b)) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b) for b in sizes[1:]]
    y = p[:, None]
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(x)), len(x) // 64):
            acts = [xn[batch]]
            for i, (w, b) in enumerate(zip(ws, bs)):
                h = acts[-1] @ w + b
                acts.append(np.maximum(h, 0) if i < len(ws) - 1 else h)
            grad = 2 * (acts[-1] - y[batch]) / len(batch)
            for i in reversed(range(len(ws))):
                gw, gb = acts[i].T @ grad, grad.sum(0)
                if i > 0:
                    grad = (grad @ ws[i].T) * (acts[i] > 0)
                ws[i] -= lr * gw
                bs[i] -= lr * gb
    return mean, std, ws, bs


def export(mean, std, ws, bs, path):
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    inits = [numpy_helper.from_array(f32(mean), "mean"), numpy_helper.from_array(f32(1 / std), "inv_std")]
    nodes = [helper.make_node("Sub", ["features", "mean"], ["centered"], name="center"),
             helper.make_node("Mul", ["centered", "inv_std"], ["h0"], name="normalize")]
    for i, (w, b) in enumerate(zip(ws, bs)):
        inits += [numpy_helper.from_array(f32(w.T), f"fc{i}.weight"), numpy_helper.from_array(f32(b), f"fc{i}.bias")]
        out = "score" if i == len(ws) - 1 else f"z{i + 1}"
        nodes.append(helper.make_node("Gemm", [f"h{i}", f"fc{i}.weight", f"fc{i}.bias"], [out], name=f"fc{i}", transB=1))
        if i < len(ws) - 1:
            nodes.append(helper.make_node("Relu", [out], [f"h{i + 1}"], name=f"relu{i}"))
    graph = helper.make_graph(
        nodes, "credit_score",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", len(FEATURES)])],
        [helper.make_tensor_value_info("score", TensorProto.FLOAT, ["batch", 1])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkinfer-examples")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    rng = np.random.default_rng(20261124)
    x, p = applicants(rng, 20000)
    mean, std, ws, bs = train(x[:16000], p[:16000], rng)
    path = os.path.join(HERE, "model.onnx")
    export(mean, std, ws, bs, path)

    applicant = [[48.0, 0.28, 9.0, 0.0, 0.35, 33.0, 12.0, 5.0]]
    risky = [38.0, 0.45, 4.0, 1.0, 0.7, 27.0, 20.0, 1.5]
    for name, row in (("input.json", applicant[0]), ("input_risky.json", risky)):
        with open(os.path.join(HERE, name), "w") as f:
            json.dump({"input_data": [row]}, f)
            f.write("\n")
    import onnxruntime as ort
    sess = ort.InferenceSession(path)
    score = sess.run(None, {"features": np.asarray(applicant, dtype=np.float32)})[0]
    test = sess.run(None, {"features": x[16000:].astype(np.float32)})[0][:, 0]
    mae = float(np.abs(test - p[16000:]).mean())
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump({"outputs": [{"name": "score", "dims": [1, 1], "data": score.flatten().tolist()}],
                   "test_mae": round(mae, 4)}, f)
        f.write("\n")
    print(f"wrote {path}: applicant score {score[0, 0]:.4f}, held-out mean abs error {mae:.4f}")


if __name__ == "__main__":
    main()
