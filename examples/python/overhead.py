"""What the Python API adds to a CLI prove on examples/credit.

Compiles and sets up the credit model once, then proves its input N times
each way, alternating: `zkinfer prove` run directly, and zkinfer.prove with
the input as a numpy array (written to a file, the proof read back into a
Proof). Prints both medians, and the median time zkinfer.prove spends
outside the zkinfer process; docs/CALIBRATION.md quotes the result.

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
    # The time zkinfer.prove spends in the child process, so that its own
    # work can be told apart from the noise of a shared machine.
    child = []
    run = subprocess.run

    def timed_run(*args, **kwargs):
        t = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            child.append(time.perf_counter() - t)

    zkinfer._cli.subprocess.run = timed_run
    cli, api = [], []
    for _ in range(n):
        t = time.perf_counter()
        run(cli_args, check=True, capture_output=True)
        cli.append(time.perf_counter() - t)
        t = time.perf_counter()
        proof = zkinfer.prove(d, x, d / "api.json", progress=False)
        assert proof.outputs is not None
        api.append(time.perf_counter() - t)
    zkinfer._cli.subprocess.run = run
    c, a = statistics.median(cli), statistics.median(api)
    own = statistics.median(x - y for x, y in zip(api, child))
    print(f"credit prove, median of {n}: CLI {1000 * c:.1f} ms, Python API {1000 * a:.1f} ms ({100 * (a / c - 1):+.1f}%); "
          f"the API's own work around the process: {1000 * own:.2f} ms ({100 * own / c:.1f}% of the CLI's time)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
