#!/usr/bin/env python3
"""Generates the benchmark's own models at growing sizes, each in a directory
laid out like the EZKL corpus: network.onnx, input.json ({"input_data": ...})
and reference.json (onnxruntime's float outputs).

    python3 bench/genmodels.py OUTDIR [NAME...]

Families (weights He-initialised from a fixed seed, so every run builds the
same files; nothing is trained, which does not matter for proving cost):

  mlp_hN   1x256 -> Gemm(N) -> Relu -> Gemm(N) -> Relu -> Gemm(10)
  cnn_cN   1x3x32x32 -> Conv(3->N, 3x3, pad 1) -> Relu -> MaxPool 2
           -> Conv(N->2N, 3x3, pad 1) -> Relu -> MaxPool 2 -> Flatten
           -> Gemm(56) -> Relu -> Gemm(10)

  resnet_cN  1x3x32x32 -> Conv(3->N) -> Relu -> MaxPool 2            (stem, 16x16)
           -> block(N) -> block(N->2N, stride 2) -> block(2N->4N, stride 2)
           -> GlobalAveragePool -> Flatten -> Gemm(10)
           block(a->b): Conv(a->b, 3x3) -> Relu -> Conv(b->b, 3x3), plus the
           block's input (through a 1x1 Conv(a->b) when it changes shape),
           -> Add -> Relu
           Every Conv has BatchNorm folded into its weights and bias, as
           exporters write a network in eval mode (no BatchNormalization node).

cnn_c32 has 249,394 parameters and a 3x32x32 input: the issue's "about 250k
parameters" CNN. resnet_c32, issue 18's residual model, has 307,978
parameters (8,192 values cross a cut after its stem or first block, 4,096
after the second, 2,048 after the third); it is proven unsegmented and in
segments (BENCHMARKS.md, "Segmented proving").
Needs onnx, numpy and onnxruntime (bench/requirements.txt).
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

MLP_WIDTHS = [32, 128, 512, 1024, 2048]
CNN_CHANNELS = [4, 8, 16, 32, 64]
RESNET_CHANNELS = [32]


def _he(rng, shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def _gemm(rng, nodes, inits, x, n_in, n_out, name):
    w = _he(rng, (n_out, n_in), n_in)
    b = (rng.standard_normal(n_out) * 0.01).astype(np.float32)
    inits += [numpy_helper.from_array(w, name + ".W"), numpy_helper.from_array(b, name + ".b")]
    nodes.append(helper.make_node("Gemm", [x, name + ".W", name + ".b"], [name], name=name, transB=1))
    return name


def _relu(nodes, x):
    nodes.append(helper.make_node("Relu", [x], [x + ".relu"], name=x + ".relu"))
    return x + ".relu"


def mlp(width, rng):
    nodes, inits = [], []
    x = _relu(nodes, _gemm(rng, nodes, inits, "input", 256, width, "fc1"))
    x = _relu(nodes, _gemm(rng, nodes, inits, x, width, width, "fc2"))
    _gemm(rng, nodes, inits, x, width, 10, "fc3")
    nodes[-1].output[0] = "output"
    return nodes, inits, [1, 256]


def _conv(rng, nodes, inits, x, c_in, c_out, name):
    w = _he(rng, (c_out, c_in, 3, 3), c_in * 9)
    b = (rng.standard_normal(c_out) * 0.01).astype(np.float32)
    inits += [numpy_helper.from_array(w, name + ".W"), numpy_helper.from_array(b, name + ".b")]
    nodes.append(helper.make_node("Conv", [x, name + ".W", name + ".b"], [name], name=name,
                                  kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1],
                                  dilations=[1, 1], group=1))  # EZKL wants them spelled out
    return name


def _maxpool(nodes, x):
    nodes.append(helper.make_node("MaxPool", [x], [x + ".pool"], name=x + ".pool",
                                  kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0]))
    return x + ".pool"


def cnn(c, rng):
    nodes, inits = [], []
    x = _maxpool(nodes, _relu(nodes, _conv(rng, nodes, inits, "input", 3, c, "conv1")))
    x = _maxpool(nodes, _relu(nodes, _conv(rng, nodes, inits, x, c, 2 * c, "conv2")))
    nodes.append(helper.make_node("Flatten", [x], ["flat"], name="flat"))
    x = _relu(nodes, _gemm(rng, nodes, inits, "flat", 2 * c * 8 * 8, 56, "fc1"))
    _gemm(rng, nodes, inits, x, 56, 10, "fc2")
    nodes[-1].output[0] = "output"
    return nodes, inits, [1, 3, 32, 32]


def _conv_bn(rng, nodes, inits, x, c_in, c_out, name, k=3, stride=1):
    """A k x k Conv followed by BatchNorm, folded as exporters fold it:
    W' = W * g / sqrt(v + eps) per output channel, b' = beta - mean * g / sqrt(v + eps)
    (the conv before a BatchNorm has no bias of its own)."""
    w = _he(rng, (c_out, c_in, k, k), c_in * k * k)
    gamma = rng.uniform(0.5, 1.0, c_out)
    beta = rng.standard_normal(c_out) * 0.05
    mean = rng.standard_normal(c_out) * 0.05
    var = rng.uniform(0.5, 1.5, c_out)
    g = gamma / np.sqrt(var + 1e-5)
    w = (w * g[:, None, None, None]).astype(np.float32)
    b = (beta - mean * g).astype(np.float32)
    inits += [numpy_helper.from_array(w, name + ".W"), numpy_helper.from_array(b, name + ".b")]
    p = k // 2
    nodes.append(helper.make_node("Conv", [x, name + ".W", name + ".b"], [name], name=name,
                                  kernel_shape=[k, k], pads=[p, p, p, p], strides=[stride, stride],
                                  dilations=[1, 1], group=1))
    return name


def _block(rng, nodes, inits, x, c_in, c_out, stride, name):
    """A basic residual block: conv-relu-conv plus the input (projected by a
    1x1 conv when the shape changes), then ReLU."""
    y = _relu(nodes, _conv_bn(rng, nodes, inits, x, c_in, c_out, name + ".conv1", stride=stride))
    y = _conv_bn(rng, nodes, inits, y, c_out, c_out, name + ".conv2")
    skip = x
    if stride != 1 or c_in != c_out:
        skip = _conv_bn(rng, nodes, inits, x, c_in, c_out, name + ".down", k=1, stride=stride)
    nodes.append(helper.make_node("Add", [y, skip], [name + ".add"], name=name + ".add"))
    return _relu(nodes, name + ".add")


def resnet(c, rng):
    nodes, inits = [], []
    x = _maxpool(nodes, _relu(nodes, _conv_bn(rng, nodes, inits, "input", 3, c, "stem")))
    x = _block(rng, nodes, inits, x, c, c, 1, "layer1")
    x = _block(rng, nodes, inits, x, c, 2 * c, 2, "layer2")
    x = _block(rng, nodes, inits, x, 2 * c, 4 * c, 2, "layer3")
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flat"))
    _gemm(rng, nodes, inits, "flat", 4 * c, 10, "fc")
    nodes[-1].output[0] = "output"
    return nodes, inits, [1, 3, 32, 32]


def build(name):
    family, size = name.split("_")
    rng = np.random.default_rng(sum(map(ord, name)))
    if family == "mlp":
        nodes, inits, shape = mlp(int(size[1:]), rng)
    elif family == "cnn":
        nodes, inits, shape = cnn(int(size[1:]), rng)
    elif family == "resnet":
        nodes, inits, shape = resnet(int(size[1:]), rng)
    else:
        raise SystemExit("unknown model family: " + name)
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkinfer-bench")
    m.ir_version = 8
    onnx.checker.check_model(m)
    params = sum(int(np.prod(t.dims)) for t in inits)
    x = rng.uniform(-1, 1, size=shape).astype(np.float32)
    return m, x, params


def write(outdir, name):
    m, x, params = build(name)
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(m, os.path.join(d, "network.onnx"))
    json.dump({"input_data": [x.flatten().tolist()]}, open(os.path.join(d, "input.json"), "w"))
    sess = ort.InferenceSession(os.path.join(d, "network.onnx"), providers=["CPUExecutionProvider"])
    out = sess.run(None, {"input": x})[0]
    json.dump({"input_shapes": [list(x.shape)],
               "outputs": [{"name": "output", "dims": list(out.shape), "type": "float32",
                            "data": out.flatten().tolist()}]},
              open(os.path.join(d, "reference.json"), "w"))
    json.dump({"params": params, "input_shape": list(x.shape)}, open(os.path.join(d, "meta.json"), "w"))
    print("%s: %d parameters" % (name, params), file=sys.stderr)
    return d


ALL = ["mlp_h%d" % w for w in MLP_WIDTHS] + ["cnn_c%d" % c for c in CNN_CHANNELS] + \
      ["resnet_c%d" % c for c in RESNET_CHANNELS]
FAMILIES = ("mlp", "cnn", "resnet")


def generated(name):
    """Whether name is a model this script generates (FAMILY_hN or FAMILY_cN)."""
    family, _, size = name.partition("_")
    return family in FAMILIES and size[:1] in ("h", "c") and size[1:].isdigit()

if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    for n in sys.argv[2:] or ALL:
        write(sys.argv[1], n)
