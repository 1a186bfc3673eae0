"""Failures become zkinfer.Error carrying the CLI's one-line message."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import zkinfer


@pytest.mark.parametrize("call, command, want", [
    (lambda c, t: zkinfer.run(t / "missing.onnx", c / "input.json"), "run", "missing.onnx"),
    (lambda c, t: zkinfer.run(c / "model.onnx", np.zeros(3)), "run", "has 3 values"),
    (lambda c, t: zkinfer.run(c / "model.onnx", np.full(8, 1e6)), "run", "outside the range"),
    (lambda c, t: zkinfer.calibrate(c / "model.onnx", np.zeros(13), t / "s.json"), "calibrate", "not a multiple"),
    (lambda c, t: zkinfer.calibrate(c / "model.onnx", c / "input.json", t / "s.json", target="speed"), "calibrate", "target"),
    (lambda c, t: zkinfer.compile(c / "model.onnx", t / "d", settings=t / "none.json"), "compile", "none.json"),
    (lambda c, t: zkinfer.compile(c / "model.onnx", t / "d", backend="stark"), "compile", "stark"),
    (lambda c, t: zkinfer.setup(t / "nodir"), "setup", "nodir"),
    (lambda c, t: zkinfer.accuracy(c / "model.onnx", c / "input.json", labels=[0, 1]), "accuracy", "2 labels for 1 samples"),
])
def test_errors(credit: Path, tmp_path: Path, call, command: str, want: str) -> None:
    with pytest.raises(zkinfer.Error) as e:
        call(credit, tmp_path)
    err = e.value
    assert err.command == command
    assert want in str(err), str(err)
    assert "\n" not in str(err) and err.code != 0


def test_claim_that_does_not_hold(credit: Path, tmp_path: Path) -> None:
    d = tmp_path / "claim"
    zkinfer.compile(credit / "model.onnx", d, claim="output[0] >= 0.7", progress=False)
    zkinfer.setup(d, progress=False)
    with pytest.raises(zkinfer.Error, match=r'the claim "output\[0\] >= 0.7" does not hold'):
        zkinfer.prove(d, credit / "input_risky.json", progress=False)


def test_tampered_proof(credit: Path, credit_dir: Path, tmp_path: Path) -> None:
    p = zkinfer.prove(credit_dir, credit / "input.json", tmp_path / "p.json", progress=False)
    data = json.loads(p.to_json())
    data["outputs"] = [[0.5]]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(zkinfer.Error, match="INVALID"):
        zkinfer.verify(credit_dir, bad)


def test_bad_arguments(credit: Path) -> None:
    with pytest.raises(TypeError):
        zkinfer.run(object(), credit / "input.json")
    with pytest.raises(ValueError, match="NaN"):
        zkinfer.run(credit / "model.onnx", np.full(8, np.nan))
    with pytest.raises(TypeError):
        zkinfer.verify(credit / "x", 42)


def test_no_binary(monkeypatch: pytest.MonkeyPatch, credit: Path) -> None:
    monkeypatch.setenv("ZKINFER_BINARY", "/nonexistent/zkinfer")
    with pytest.raises(zkinfer.Error, match="cannot start"):
        zkinfer.run(credit / "model.onnx", credit / "input.json")
