"""Exports small PyTorch models as users do, for zkinfer's tests.

Each model is a standard layer (nn.TransformerEncoderLayer,
nn.MultiheadAttention, nn.GRU, nn.Embedding, nn.LayerNorm, nn.GELU in both
approximations, nn.SiLU) in a small network with seeded random weights. Each
is exported with torch.onnx.export, the legacy TorchScript exporter
(dynamo=False) and the dynamo exporter (dynamo=True), at the opsets listed in
MODELS, on default options (model.eval(), no torch.no_grad(): the legacy
exporter then traces the layers' Python code, as in most user scripts).
onnxruntime computes the test vectors' outputs from the exported file.

Writes testdata/torch/NAME.onnx, testdata/torch/NAME.json (the vectors:
inputs, and onnxruntime's outputs, flat and row-major per graph input and
output) and testdata/torch/manifest.json. CI reads the committed files and
needs neither torch nor PyPI. To regenerate (torch is a multi-GB download:
keep the virtual environment outside the repository):

    python3 -m venv /work/.venv-torch
    /work/.venv-torch/bin/pip install -r scripts/requirements-torch.txt
    /work/.venv-torch/bin/python scripts/gen_torch_models.py

The PyPI torch wheel for Linux links CUDA's libraries and will not import
without them, though it runs on the CPU: installing the requirements as
they are (nvidia-* packages included) is what works without a GPU.
"""
import json
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "testdata", "torch")
VECTORS = 8  # test vectors per model


class EncoderLayer(nn.Module):
    """nn.TransformerEncoderLayer called on its input alone. (Exporting the
    bare layer with the legacy exporter fails inside torch: the tracer turns
    its is_causal default into a tensor.)"""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)

    def forward(self, x):
        return self.layer(x)


class SelfAttention(nn.Module):
    """nn.MultiheadAttention as self-attention; both outputs (the attention
    output and the head-averaged weights)."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x)


class GRUHead(nn.Module):
    """A GRU over a sequence, then a linear head on the last step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, batch_first=True)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.head(out[:, -1])


class EmbeddingHead(nn.Module):
    """Token ids through nn.Embedding, mean-pooled, then a linear layer."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, ids):
        return self.head(self.emb(ids).mean(dim=1))


def layernorm_mlp(width):
    return nn.Sequential(nn.Linear(8, width), nn.LayerNorm(width), nn.ReLU(), nn.Linear(width, 4))


def act_mlp(act):
    return nn.Sequential(nn.Linear(8, 16), act, nn.Linear(16, 4))


def floats(*shape):
    return lambda rng: rng.standard_normal(shape).astype(np.float32)


def tokens(*shape):
    return lambda rng: rng.integers(0, 20, shape).astype(np.int64)


L17, L20, D18, D20 = ("legacy", 17), ("legacy", 20), ("dynamo", 18), ("dynamo", 20)

# name: (module factory, input generator, exports)
MODELS = {
    "transformer_encoder": (EncoderLayer, floats(1, 3, 8), [L17, L20, D18]),
    "multihead_attention": (SelfAttention, floats(1, 3, 8), [L20, D18]),
    "gru": (GRUHead, floats(1, 4, 4), [L20, D18]),
    "embedding": (EmbeddingHead, tokens(1, 6), [L20, D18]),
    "layernorm_mlp32": (lambda: layernorm_mlp(32), floats(1, 8), [L17, D18]),
    "layernorm_mlp128": (lambda: layernorm_mlp(128), floats(1, 8), [L20, D20]),
    "layernorm_mlp512": (lambda: layernorm_mlp(512), floats(1, 8), [L20, D18]),
    "gelu_mlp": (lambda: act_mlp(nn.GELU()), floats(1, 8), [L17, L20, D18, D20]),
    "gelu_tanh_mlp": (lambda: act_mlp(nn.GELU(approximate="tanh")), floats(1, 8), [L17, L20, D18]),
    "silu_mlp": (lambda: act_mlp(nn.SiLU()), floats(1, 8), [L20, D18]),
}


def build(factory, seed):
    torch.manual_seed(seed)
    m = factory()
    # LayerNorm's default affine map is the identity: draw one, so the test
    # sees its weights too.
    for mod in m.modules():
        if isinstance(mod, nn.LayerNorm):
            with torch.no_grad():
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.5, 0.5)
    return m.eval()


def export(m, example, path, exporter, opset):
    args = (torch.from_numpy(example),)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter == "legacy":
            torch.onnx.export(m, args, path, dynamo=False, opset_version=opset)
        else:
            prog = torch.onnx.export(m, args, dynamo=True, opset_version=opset, verbose=False)
            prog.save(path)  # weights inside the file, not beside it
    onnx.checker.check_model(onnx.load(path))


def flat(a):
    return [float(v) for v in np.asarray(a).reshape(-1)]


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = []
    for seed, (name, (factory, gen, exports)) in enumerate(MODELS.items()):
        m = build(factory, seed)
        rng = np.random.default_rng(seed)
        inputs = [gen(rng) for _ in range(VECTORS)]
        for exporter, opset in exports:
            tag = f"{name}_{exporter}{opset}"
            path = os.path.join(OUT, tag + ".onnx")
            export(m, inputs[0], path, exporter, opset)
            sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            names = [i.name for i in sess.get_inputs()]
            if len(names) != 1:
                sys.exit(f"{tag}: {len(names)} graph inputs, expected 1")
            vecs = {"inputs": [], "outputs": []}
            for x in inputs:
                outs = sess.run(None, {names[0]: x})
                vecs["inputs"].append([flat(x)])
                vecs["outputs"].append([flat(o) for o in outs])
            with open(os.path.join(OUT, tag + ".json"), "w") as f:
                json.dump(vecs, f)
                f.write("\n")
            g = onnx.load(path)
            manifest.append({
                "name": tag, "module": name, "exporter": exporter, "opset": opset,
                "ops": sorted({n.op_type for n in g.graph.node}),
            })
            print(f"{tag}: {len(g.graph.node)} nodes, {os.path.getsize(path)} bytes")
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__.split("+")[0], "onnx": onnx.__version__,
                   "onnxruntime": ort.__version__, "models": manifest}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
