"""The small network the example generators train and export: inputs
standardised, one hidden ReLU layer, a linear output (n → hidden → k),
trained by minibatch SGD in numpy, written as ONNX (Sub, Mul, Gemm, Relu,
Gemm) with the standardisation's mean and 1/std as initializers.

Used by examples/{coldchain,reputation,strategy}/generate.py, each from a
fixed seed so that its outputs are rewritten bit for bit.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def train(x, target, rng, outputs, hidden=8, epochs=400, lr=0.03, loss="mse"):
    """Fits the network to target (one row per sample: values for "mse",
    class indices for "softmax" cross-entropy); returns (mean, std, params)."""
    n_in = x.shape[1]
    mean, std = x.mean(0), x.std(0)
    xn = (x - mean) / std
    w1, b1 = rng.normal(0, np.sqrt(2 / n_in), (n_in, hidden)), np.zeros(hidden)
    w2, b2 = rng.normal(0, np.sqrt(2 / hidden), (hidden, outputs)), np.zeros(outputs)
    y = np.eye(outputs)[target] if loss == "softmax" else target[:, None]
    for _ in range(epochs):
        for batch in np.array_split(rng.permutation(len(x)), len(x) // 64):
            h = np.maximum(xn[batch] @ w1 + b1, 0)
            z = h @ w2 + b2
            if loss == "softmax":
                e = np.exp(z - z.max(1, keepdims=True))
                g = (e / e.sum(1, keepdims=True) - y[batch]) / len(batch)
            else:
                g = 2 * (z - y[batch]) / len(batch)
            gw2, gb2 = h.T @ g, g.sum(0)
            gh = (g @ w2.T) * (h > 0)
            gw1, gb1 = xn[batch].T @ gh, gh.sum(0)
            w1 -= lr * gw1; b1 -= lr * gb1; w2 -= lr * gw2; b2 -= lr * gb2
    return mean, std, (w1, b1, w2, b2)


def export(mean, std, params, path, name, input_name, output_name):
    """Writes the trained network to path as ONNX (opset 13) and returns
    its float predictor."""
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    w1, b1, w2, b2 = params
    inits = [numpy_helper.from_array(f32(mean), "mean"), numpy_helper.from_array(f32(1 / std), "inv_std"),
             numpy_helper.from_array(f32(w1.T), "fc0.weight"), numpy_helper.from_array(f32(b1), "fc0.bias"),
             numpy_helper.from_array(f32(w2.T), "fc1.weight"), numpy_helper.from_array(f32(b2), "fc1.bias")]
    nodes = [helper.make_node("Sub", [input_name, "mean"], ["centered"], name="center"),
             helper.make_node("Mul", ["centered", "inv_std"], ["h0"], name="normalize"),
             helper.make_node("Gemm", ["h0", "fc0.weight", "fc0.bias"], ["z1"], name="fc0", transB=1),
             helper.make_node("Relu", ["z1"], ["h1"], name="relu0"),
             helper.make_node("Gemm", ["h1", "fc1.weight", "fc1.bias"], [output_name], name="fc1", transB=1)]
    g = helper.make_graph(nodes, name,
                          [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, len(mean)])],
                          [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [1, w2.shape[1]])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkinfer-examples")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return lambda x: np.maximum(((x - mean) / std) @ w1 + b1, 0) @ w2 + b2
