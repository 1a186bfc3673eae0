"""Shared fixtures: the repository's credit model and a tiny ONNX model."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CREDIT = REPO / "examples" / "credit"


@pytest.fixture(scope="session")
def credit() -> Path:
    """examples/credit: model.onnx, input.json, input_risky.json."""
    return CREDIT


@pytest.fixture(scope="session")
def credit_dir(tmp_path_factory: pytest.TempPathFactory, credit: Path) -> Path:
    """The credit model compiled and set up once for the session."""
    import zkinfer
    d = tmp_path_factory.mktemp("credit") / "circuit"
    zkinfer.compile(credit / "model.onnx", d, progress=False)
    zkinfer.setup(d, progress=False)
    return d
