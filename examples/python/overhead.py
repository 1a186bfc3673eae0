"""What the Python API adds to a CLI prove on examples/credit.

Compiles and sets up the credit model once, then proves its input N times
each way, alternating: `zkinfer prove` run directly, and zkinfer.prove with
the input as a numpy array (written to a file, the proof read back into a
Proof). Prints both medians; docs/CALIBRATION.md quotes the result.

    python examples/python/overhead.py [N]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import zkinfer

CREDIT = Path(__file__).resolve().parents[1] / "credit"


def main(n: int) -> None:
    warnings.simplefilter("ignore")  # the development setup's trust warning
    d = Path(tempfile.mkdtemp(prefix="zkinfer-overhead-")) / "credit"
    zkinfer.compile(CREDIT / "model.onnx", d, progress=False)
    zkinfer.setup(d, progress=False)
    x = np.asarray(json.loads((CREDIT / "input.json").read_text())["input_data"][0], dtype=np.float32)
    cli_args = [zkinfer.binary(), "prove", str(d), "--input", str(CREDIT / "input.json"), "--proof", str(d / "cli.json"), "--quiet"]
    cli, api = [], []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cli_args, check=True, capture_output=True)
        cli.append(time.perf_counter() - t)
        t = time.perf_counter()
        proof = zkinfer.prove(d, x, d / "api.json", progress=False)
        assert proof.outputs is not None
        api.append(time.perf_counter() - t)
    c, a = statistics.median(cli), statistics.median(api)
    print(f"credit prove, median of {n}: CLI {1000 * c:.1f} ms, Python API {1000 * a:.1f} ms ({100 * (a / c - 1):+.1f}%)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
