"""Converting Python values into the files the zkinfer CLI reads."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Union

import numpy as np

PathLike = Union[str, "os.PathLike[str]"]


def is_path(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike))


def model_file(model: Any, tmp: Any) -> str:
    """A path to the ONNX model: a path as it is; an onnx.ModelProto (or
    anything with SerializeToString) or bytes written into tmp."""
    if is_path(model):
        return os.fspath(model)
    if isinstance(model, (bytes, bytearray)):
        data = bytes(model)
    elif hasattr(model, "SerializeToString"):
        data = model.SerializeToString()
    else:
        raise TypeError(f"model: want a path, an onnx.ModelProto or bytes, got {type(model).__name__}")
    p = tmp / "model.onnx"
    p.write_bytes(data)
    return str(p)


def _flat(x: Any) -> list:
    a = np.asarray(x)
    if a.dtype == object:
        raise TypeError("input: a ragged or non-numeric array; give one array per model input")
    if a.dtype == bool:
        a = a.astype(np.int64)
    elif not np.issubdtype(a.dtype, np.number):
        raise TypeError(f"input: values of type {a.dtype} are not numbers")
    if np.issubdtype(a.dtype, np.floating) and not np.all(np.isfinite(a)):
        raise ValueError("input: contains NaN or infinity, which have no fixed-point value")
    return a.reshape(-1).tolist()


def input_data(x: Any) -> dict:
    """EZKL's input layout {"input_data": [...]} of x: a dict already in that
    layout; one array (numpy, anything with __array__, nested lists) for a
    model with one input; a list or tuple of arrays, one per input. Each
    input's values are flattened row-major; several samples of one input
    simply follow each other (calibration data)."""
    if isinstance(x, dict):
        if "input_data" not in x:
            raise ValueError('input: a dict must be EZKL\'s layout {"input_data": [...]}')
        return {"input_data": [_flat(v) for v in x["input_data"]]}
    if isinstance(x, (list, tuple)) and x and all(hasattr(v, "__array__") and np.ndim(v) >= 1 for v in x):
        return {"input_data": [_flat(v) for v in x]}
    return {"input_data": [_flat(x)]}


def input_file(x: Any, tmp: Any, name: str = "input.json") -> str:
    """A path to an input file: a path as it is, anything else written in
    EZKL's layout (see input_data)."""
    if is_path(x):
        return os.fspath(x)
    p = tmp / name
    p.write_text(json.dumps(input_data(x)))
    return str(p)


def input_arg(x: Any, tmp: Any) -> tuple:
    """The input argument for x and the standard input to pass: a path as
    it is; anything else in EZKL's layout on the standard input where the
    system names it as a file (no temporary file), else in tmp."""
    if is_path(x):
        return os.fspath(x), None
    from ._cli import STDIN_PATH
    if STDIN_PATH is None:
        return input_file(x, tmp), None
    return STDIN_PATH, json.dumps(input_data(x))


def labels_file(x: Any, tmp: Any) -> str:
    if is_path(x):
        return os.fspath(x)
    p = tmp / "labels.json"
    p.write_text(json.dumps({"labels": [int(v) for v in np.asarray(x).reshape(-1).tolist()]}))
    return str(p)


def flags(options: dict) -> list:
    """Command-line flags of keyword options: param_salt="0x1" is
    --param-salt 0x1, quiet=True is --quiet, False and None are left out."""
    out: list = []
    for k, v in options.items():
        if v is None or v is False:
            continue
        flag = "--" + k.replace("_", "-")
        if v is True:
            out.append(flag)
        else:
            out += [flag, os.fspath(v) if is_path(v) else str(v)]
    return out
