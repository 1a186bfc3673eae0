"""examples/python/breast_cancer.py runs end to end."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python" / "breast_cancer.py"


def test_breast_cancer_example(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("skl2onnx")
    spec = importlib.util.spec_from_file_location("breast_cancer", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.main(tmp_path)
    out = capsys.readouterr().out
    assert "outside the range" in out  # the defaults cannot hold the raw measurements
    assert res["settings"].data["target_met"]
    assert res["report"].agreement >= 0.999 and res["report"].labels["fixed"] >= 0.9
    assert res["verified"].startswith("verified:") and "output1[1] >= 0.9" in res["verified"]
    assert res["proof"].outputs is None  # secret under the claim
    assert res["solidity"].is_file()
    assert "does not hold" in out
