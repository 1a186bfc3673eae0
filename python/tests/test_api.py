"""The zkinfer package's API over the credit model: every function, the
forms its arguments take, and what it returns."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import zkinfer


def credit_input(credit: Path) -> np.ndarray:
    return np.asarray(json.loads((credit / "input.json").read_text())["input_data"][0], dtype=np.float32)


class ArrayLike:
    """Anything with __array__, as a torch tensor is."""

    def __init__(self, a: np.ndarray) -> None:
        self.a = a

    def __array__(self, dtype=None, copy=None):
        return self.a if dtype is None else self.a.astype(dtype)


def test_run_forms(credit: Path) -> None:
    want = zkinfer.run(credit / "model.onnx", credit / "input.json")
    x = credit_input(credit)
    assert len(want) == 1 and len(want[0]) == 1 and 0 < want[0][0] < 1
    onx = (credit / "model.onnx").read_bytes()
    for model, inp in [
        (str(credit / "model.onnx"), x),
        (onx, x.tolist()),
        (credit / "model.onnx", ArrayLike(x)),
        (credit / "model.onnx", [x]),
        (credit / "model.onnx", {"input_data": [x.tolist()]}),
    ]:
        assert zkinfer.run(model, inp) == want


def test_run_onnx_model_proto(credit: Path) -> None:
    onnx = pytest.importorskip("onnx")
    proto = onnx.load(str(credit / "model.onnx"))
    assert zkinfer.run(proto, credit_input(credit)) == zkinfer.run(credit / "model.onnx", credit / "input.json")


def test_calibrate_accuracy_compile(credit: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = credit_input(credit)
    samples = x + rng.normal(0, 0.1, size=(32, x.size)).astype(np.float32) * np.abs(x)
    s = zkinfer.calibrate(credit / "model.onnx", samples, tmp_path / "s.json", progress=False)
    assert isinstance(s, zkinfer.Settings) and s.path.is_file()
    assert s.data["target"] == "balanced" and s.data["target_met"]
    assert s.accuracy is not None and s.accuracy.samples == 32 and s.accuracy.max_rel <= 0.01
    assert "wrote" in s.message
    report = zkinfer.accuracy(credit / "model.onnx", samples, settings=s)
    assert report.samples == 32 and report.max_rel == pytest.approx(s.accuracy.max_rel)
    labels = (np.asarray([o[0] for o in (zkinfer.run(credit / "model.onnx", r)[0] for r in samples[:4])]) >= 0.5)
    with_labels = zkinfer.accuracy(credit / "model.onnx", samples[:4], settings=s, labels=labels.astype(int))
    assert with_labels.labels == {"labels": 4, "float": 1.0, "fixed": 1.0}
    c = zkinfer.compile(credit / "model.onnx", tmp_path / "c", settings=s, progress=False)
    assert c.settings["quant"] == s.data["quant"]
    assert c.constraints > 0 and c.backend.startswith("groth16") and "expected error" in c.message
    c2 = zkinfer.compile(credit / "model.onnx", tmp_path / "c2", settings=s, scale=s.scale + 1, progress=False)
    assert c2.settings["quant"]["scale"] == s.scale + 1  # an explicit flag overrides the file


def test_prove_verify(credit: Path, credit_dir: Path, tmp_path: Path) -> None:
    p = zkinfer.prove(credit_dir, credit_input(credit), tmp_path / "p.json", progress=False)
    assert isinstance(p, zkinfer.Proof) and p.protocol
    assert p.outputs == zkinfer.run(credit / "model.onnx", credit / "input.json")
    assert json.loads(p.to_json()) == json.loads((tmp_path / "p.json").read_text())
    assert zkinfer.verify(credit_dir, p).startswith("verified:")
    assert zkinfer.verify(credit_dir, tmp_path / "p.json").startswith("verified:")
    data = zkinfer.calldata(credit_dir, p)
    assert data.startswith("0x") and len(data) > 10
    sol = zkinfer.export_verifier(credit_dir, tmp_path / "Verifier.sol")
    assert sol.is_file() and "contract" in sol.read_text()


def test_hashed_weights_commit(credit: Path, tmp_path: Path) -> None:
    d = tmp_path / "hashed"
    zkinfer.compile(credit / "model.onnx", d, param_visibility="hashed", param_bits=20, progress=False)
    zkinfer.setup(d, progress=False)
    c = zkinfer.commit(d, credit / "model.onnx", param_salt="0x1234")
    assert c.startswith("0x")
    p = zkinfer.prove(d, credit_input(credit), model=credit / "model.onnx", param_salt="0x1234", progress=False)
    assert zkinfer.verify(d, p, model_commitment=c).startswith("verified:")


def test_from_sklearn() -> None:
    pytest.importorskip("skl2onnx")
    from sklearn.linear_model import LogisticRegression
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 3)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    clf = LogisticRegression().fit(x, y)
    onx = zkinfer.from_sklearn(clf, x[:1])
    label, probs = zkinfer.run(onx, x[0])
    assert label == [float(clf.predict(x[:1])[0])]
    np.testing.assert_allclose(probs, clf.predict_proba(x[:1])[0], atol=2e-3)


def test_from_torch() -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("onnx")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    x = torch.randn(1, 4)
    onx = zkinfer.from_torch(net, x)
    got = zkinfer.run(onx, x)  # a torch tensor: __array__
    np.testing.assert_allclose(got[0], net(x).detach().numpy()[0], atol=5e-3)


def test_progress(credit: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """With progress on, compile's progress lines reach stderr (a tqdm bar,
    or one rewritten line without tqdm) and stdout stays clean."""
    import builtins
    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    c = zkinfer.compile(credit / "model.onnx", tmp_path / "c", progress=True)
    out, err = capsys.readouterr()
    assert c.constraints > 0 and out == ""
    assert "\rcompile: " in err and err.endswith("\r")
