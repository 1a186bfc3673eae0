"""zkinfer from Python: prove that an ONNX model produced an output, with
Groth16 or PLONK on BN254, without revealing the input.

    import zkinfer
    settings = zkinfer.calibrate("model.onnx", samples, "settings.json")
    zkinfer.compile("model.onnx", "out", settings=settings, claim="output1[1] >= 0.7")
    zkinfer.setup("out")
    proof = zkinfer.prove("out", x)
    zkinfer.verify("out", proof)

Every function runs the zkinfer binary built into the package (or
$ZKINFER_BINARY); a failure raises zkinfer.Error carrying the command's
one-line message. Models are paths, onnx.ModelProto or bytes; inputs are
paths, numpy arrays, anything with __array__ (torch tensors), lists of
those (one per model input) or EZKL's {"input_data": [...]}.
"""

from ._cli import Error, binary
from .api import (AccuracyReport, Compiled, Proof, Settings, accuracy, calibrate, calldata, commit, compile,
                  export_verifier, prove, run, setup, verify)
from .convert import from_sklearn, from_torch

__all__ = [
    "Error", "binary", "Proof", "Compiled", "Settings", "AccuracyReport",
    "run", "calibrate", "compile", "setup", "prove", "verify", "commit", "export_verifier", "calldata",
    "accuracy", "from_sklearn", "from_torch",
]
__version__ = "0.1.0"
