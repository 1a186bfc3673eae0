"""ONNX export for scikit-learn and PyTorch models (optional imports)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ._cli import Error


def from_sklearn(model: Any, sample: Any, *, target_opset: int | None = None) -> Any:
    """Exports a fitted scikit-learn model (or pipeline) to ONNX with
    skl2onnx, for inputs like sample (one row is enough).

    Classifiers give two outputs, the label and the probabilities of each
    class (no ZipMap): a claim reads them as output0 and output1.

    Returns:
        an onnx.ModelProto, which every zkinfer function takes as a model.
    """
    try:
        from skl2onnx import to_onnx  # type: ignore
    except ImportError as e:
        raise ImportError("zkinfer.from_sklearn needs skl2onnx: pip install 'zkinfer[sklearn]'") from e
    x = np.asarray(sample, dtype=np.float32)
    if x.ndim == 1:
        x = x.reshape(1, -1)
    options = {}
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    if hasattr(final, "predict_proba") or hasattr(final, "classes_"):
        options = {id(final): {"zipmap": False}}
    kw = {"target_opset": target_opset} if target_opset is not None else {}
    try:
        return to_onnx(model, x[:1], options=options or None, **kw)
    except Exception as e:  # skl2onnx raises many types; keep its message
        raise Error("", f"skl2onnx cannot export {type(model).__name__}: {e}".splitlines()[0], 1) from e


def from_torch(module: Any, sample: Any, *, opset_version: int = 17, input_names: list | None = None) -> Any:
    """Exports a PyTorch module to ONNX with torch.onnx.export (the
    TorchScript exporter), traced on sample (a tensor, or a tuple of
    tensors for several inputs).

    Returns:
        an onnx.ModelProto.
    """
    try:
        import torch  # type: ignore
        import onnx  # type: ignore
    except ImportError as e:
        raise ImportError("zkinfer.from_torch needs torch and onnx") from e
    args = sample if isinstance(sample, tuple) else (sample,)
    args = tuple(a if isinstance(a, torch.Tensor) else torch.as_tensor(np.asarray(a), dtype=torch.float32) for a in args)
    names = input_names or [f"input{i}" if len(args) > 1 else "input" for i in range(len(args))]
    buf = io.BytesIO()
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            torch.onnx.export(module, args, buf, opset_version=opset_version, input_names=names,
                              output_names=["output"], dynamo=False)
    finally:
        module.train(was_training)
    return onnx.load_from_string(buf.getvalue())
