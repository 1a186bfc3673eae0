"""The zkinfer pipeline as Python functions over the zkinfer binary."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from . import _cli
from ._io import PathLike, flags, input_arg, input_file, is_path, labels_file, model_file

Outputs = List[List[float]]


class Proof:
    """A proof file: what `zkinfer prove` wrote.

    Attributes:
        path: the proof file.
        data: its JSON (protocol, model_sha256, proof, public_inputs, outputs).
    """

    def __init__(self, path: PathLike) -> None:
        self.path = Path(path)
        self.data: Dict[str, Any] = json.loads(self.path.read_text())

    @property
    def outputs(self) -> Optional[Outputs]:
        """The proven outputs, dequantized, one flat list per model output
        (None when they stay secret, as with a claim)."""
        return self.data.get("outputs")

    @property
    def protocol(self) -> str:
        return self.data.get("protocol", "")

    def to_json(self) -> str:
        """The proof file's JSON text."""
        return json.dumps(self.data)

    def __repr__(self) -> str:
        return f"Proof({str(self.path)!r}, protocol={self.protocol!r}, outputs={self.outputs!r})"


class Compiled:
    """A compiled directory (`zkinfer compile`): the circuit, its settings
    and, after setup, its keys.

    Attributes:
        dir: the directory.
        settings: its settings.json (number format, visibility, shapes,
            constraints, ...).
        message: what the last command said about it.
    """

    def __init__(self, dir: PathLike, message: str = "") -> None:
        self.dir = Path(dir)
        self.settings: Dict[str, Any] = json.loads((self.dir / "settings.json").read_text())
        self.message = message

    @property
    def constraints(self) -> int:
        return int(self.settings.get("constraints", 0))

    @property
    def backend(self) -> str:
        return str(self.settings.get("backend", ""))

    def __fspath__(self) -> str:
        return str(self.dir)

    def __repr__(self) -> str:
        return f"Compiled({str(self.dir)!r}, backend={self.backend!r}, constraints={self.constraints})"


class Settings:
    """A settings file from `zkinfer calibrate` (compile and run take it).

    Attributes:
        path: the file.
        data: its JSON: target, quant (scale, param_scale, act_bits),
            range_check, constraints, accuracy, ...
    """

    def __init__(self, path: PathLike, message: str = "") -> None:
        self.path = Path(path)
        self.data: Dict[str, Any] = json.loads(self.path.read_text())
        self.message = message

    @property
    def scale(self) -> int:
        return int(self.data["quant"]["scale"])

    @property
    def param_scale(self) -> int:
        return int(self.data["quant"]["param_scale"])

    @property
    def act_bits(self) -> int:
        return int(self.data["quant"]["act_bits"])

    @property
    def range_check(self) -> str:
        return str(self.data.get("range_check", "auto"))

    @property
    def accuracy(self) -> Optional["AccuracyReport"]:
        a = self.data.get("accuracy")
        return AccuracyReport(a) if a else None

    def __fspath__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return (f"Settings(scale={self.scale}, param_scale={self.param_scale}, act_bits={self.act_bits}, "
                f"range_check={self.range_check!r}, target={self.data.get('target')!r}, "
                f"constraints={self.data.get('constraints')})")


class AccuracyReport:
    """Fixed point against float on samples (`zkinfer accuracy --json`).

    Attributes:
        data: the report: samples, agreement, max_rel, worst_sample,
            outputs (max_abs, mean_abs, max_rel, mean_rel of each), labels.
    """

    def __init__(self, data: Dict[str, Any]) -> None:
        self.data = data

    @property
    def samples(self) -> int:
        return int(self.data["samples"])

    @property
    def agreement(self) -> float:
        """The share of samples whose class is float's (1 without classes)."""
        return float(self.data["agreement"])

    @property
    def max_rel(self) -> float:
        """The largest relative error, max|fixed - float| / max(1, max|float|)."""
        return float(self.data["max_rel"])

    @property
    def worst_sample(self) -> int:
        return int(self.data["worst_sample"])

    @property
    def outputs(self) -> List[Dict[str, Any]]:
        return list(self.data["outputs"])

    @property
    def labels(self) -> Optional[Dict[str, Any]]:
        """With labels: their number and the accuracy of float and of fixed point."""
        return self.data.get("labels")

    def __repr__(self) -> str:
        return (f"AccuracyReport(samples={self.samples}, agreement={self.agreement:.4f}, "
                f"max_rel={self.max_rel:.3g}, labels={self.labels!r})")


class _Tmp:
    """A temporary directory made on first use (os.fspath), removed on exit:
    a call whose arguments are all files makes none."""

    def __init__(self) -> None:
        self.dir: Optional[tempfile.TemporaryDirectory] = None

    def __enter__(self) -> "_Tmp":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.dir is not None:
            self.dir.cleanup()

    def __truediv__(self, name: str) -> Path:
        if self.dir is None:
            self.dir = tempfile.TemporaryDirectory(prefix="zkinfer-")
        return Path(self.dir.name) / name


def _tmp() -> _Tmp:
    return _Tmp()


def _quant(settings: Any, scale: Optional[int], param_scale: Optional[int], act_bits: Optional[int]) -> list:
    return flags({"settings": os.fspath(settings) if settings is not None else None,
                  "scale": scale, "param_scale": param_scale, "act_bits": act_bits})


def run(model: Any, input: Any, *, settings: Any = None, scale: Optional[int] = None,
        param_scale: Optional[int] = None, act_bits: Optional[int] = None) -> Outputs:
    """Runs the fixed-point model on one input: exactly what a proof proves.

    Args:
        model: a path, an onnx.ModelProto or the model's bytes.
        input: a path to an EZKL input file, a numpy array (or anything with
            __array__, e.g. a torch tensor) for a one-input model, a list of
            arrays (one per input), or {"input_data": [...]}.
        settings: a settings file (path or Settings) from calibrate.
        scale, param_scale, act_bits: the number format (override settings).

    Returns:
        The outputs, one flat list per model output.
    """
    with _tmp() as tmp:
        path, stdin = input_arg(input, tmp)
        args = [model_file(model, tmp), "--input", path, *_quant(settings, scale, param_scale, act_bits)]
        return json.loads(_cli.run("run", args, stdin=stdin))["outputs"]


def calibrate(model: Any, data: Any, out: Optional[PathLike] = None, *, target: str = "balanced",
              headroom: int = 1, progress: Optional[bool] = None) -> Settings:
    """Chooses the number format from calibration samples.

    Args:
        model: a path, an onnx.ModelProto or the model's bytes.
        data: the samples: an array of shape (n, ...) for a one-input model
            (samples back to back), a list of such arrays (one per input), a
            path or an EZKL dict.
        out: the settings file to write (default: settings.json in the
            current directory).
        target: "accuracy", "balanced" or "resources" (docs/CALIBRATION.md).
        headroom: bits of range beyond the largest calibration values.
        progress: show progress (None: on a terminal or in a notebook).
    """
    out = Path(out) if out is not None else Path("settings.json")
    with _tmp() as tmp:
        args = [model_file(model, tmp), "--data", input_file(data, tmp, "data.json"), "--out", str(out),
                "--target", target, "--headroom", str(headroom)]
        msg = _cli.run("calibrate", args, progress=progress)
    return Settings(out, msg.strip())


def compile(model: Any, dir: PathLike, *, settings: Any = None, scale: Optional[int] = None,
            param_scale: Optional[int] = None, act_bits: Optional[int] = None, backend: str = "groth16",
            claim: Optional[str] = None, progress: Optional[bool] = None, **options: Any) -> Compiled:
    """Compiles the model's circuit into dir.

    Args:
        model: a path, an onnx.ModelProto or the model's bytes.
        dir: the directory to write (created).
        settings: a settings file from calibrate (explicit flags override it).
        backend: "groth16", "plonk" or "sumcheck" (transparent: no setup,
            MLPs and plain CNNs; docs/TRANSPARENT.md).
        claim: a claim on the outputs, e.g. "output[0] >= 0.7".
        options: any other compile flag, e.g. param_visibility="hashed",
            range_check="lookup", max_constraints=100000.
    """
    with _tmp() as tmp:
        args = [model_file(model, tmp), "--out", os.fspath(dir), *_quant(settings, scale, param_scale, act_bits),
                *flags({"backend": backend, "claim": claim, **options})]
        msg = _cli.run("compile", args, progress=progress)
    return Compiled(dir, msg.strip())


def setup(dir: PathLike, *, progress: Optional[bool] = None, **options: Any) -> Compiled:
    """Writes the proving and verifying keys into dir (Groth16: this
    machine's randomness, for development; PLONK: srs="FILE.ptau")."""
    msg = _cli.run("setup", [os.fspath(dir), *flags(options)], progress=progress)
    return Compiled(dir, msg.strip())


def prove(dir: PathLike, input: Any, proof: Optional[PathLike] = None, *, model: Any = None,
          progress: Optional[bool] = None, **options: Any) -> Proof:
    """Proves an inference on input (see run for the forms it takes).

    Args:
        dir: the compiled directory (after setup).
        proof: the proof file to write (default: proof.json in dir).
        model: the model with its weights, when they are secret.
        options: any other prove flag, e.g. param_salt="0x1234", context="0x...".
    """
    proof = Path(proof) if proof is not None else Path(os.fspath(dir)) / "proof.json"
    with _tmp() as tmp:
        path, stdin = input_arg(input, tmp)
        args = [os.fspath(dir), "--input", path, "--proof", str(proof)]
        if model is not None:
            args += ["--model", model_file(model, tmp)]
        _cli.run("prove", args + flags(options), progress=progress, stdin=stdin)
    return Proof(proof)


def _proof_path(proof: Any) -> str:
    if isinstance(proof, Proof):
        return str(proof.path)
    if is_path(proof):
        return os.fspath(proof)
    raise TypeError(f"proof: want a Proof or a path, got {type(proof).__name__}")


def verify(dir: PathLike, proof: Any, **options: Any) -> str:
    """Verifies a proof and returns what it proves; raises Error when it is
    invalid. options: e.g. model_commitment="0x...", context="0x..."."""
    return _cli.run("verify", [os.fspath(dir), "--proof", _proof_path(proof), *flags(options)]).strip()


def commit(dir: PathLike, model: Any, **options: Any) -> str:
    """The commitment to the model's secret weights (hashed visibility), as
    `zkinfer commit` prints it. options: e.g. param_salt="0x1234"."""
    with _tmp() as tmp:
        args = [os.fspath(dir), "--model", model_file(model, tmp), *flags(options)]
        return _cli.run("commit", args).strip()


def export_verifier(dir: PathLike, out: PathLike, **options: Any) -> Path:
    """Writes the Solidity verifier (out, a .sol file), its wrapper contract
    beside it and their ABIs; returns out. options: e.g. name="MyModel"."""
    _cli.run("export-verifier", [os.fspath(dir), "--out", os.fspath(out), *flags(options)])
    return Path(out)


def calldata(dir: PathLike, proof: Any, *, call: str = "verifier", **options: Any) -> str:
    """The hex calldata of the verifier's call (call="verify" or "check":
    the wrapper's), after verify's checks."""
    return _cli.run("calldata", [os.fspath(dir), "--proof", _proof_path(proof), "--call", call, *flags(options)]).strip()


def accuracy(model: Any, data: Any, *, settings: Any = None, labels: Any = None, scale: Optional[int] = None,
             param_scale: Optional[int] = None, act_bits: Optional[int] = None) -> AccuracyReport:
    """Compares the fixed-point model with float on samples (see calibrate
    for data), and with labels (one class per sample) the accuracy of both."""
    with _tmp() as tmp:
        args = [model_file(model, tmp), "--data", input_file(data, tmp, "data.json"), "--json",
                *_quant(settings, scale, param_scale, act_bits)]
        if labels is not None:
            args += ["--labels", labels_file(labels, tmp)]
        return AccuracyReport(json.loads(_cli.run("accuracy", args)))
