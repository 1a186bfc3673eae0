"""Builds the zkinfer binary with Go while the package is built.

`pip install ./python` runs this from the checkout: `go build ./cmd/zkinfer`
in the repository above this directory (or in $ZKINFER_SOURCE), into the
package's bin/ directory. The wheel is then specific to the platform, as
the binary is.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py


def source_root() -> Path:
    root = Path(os.environ.get("ZKINFER_SOURCE") or Path(__file__).resolve().parent.parent)
    if not (root / "go.mod").is_file() or not (root / "cmd" / "zkinfer").is_dir():
        sys.exit(f"zkinfer: {root} is not the zkinfer checkout (no go.mod and cmd/zkinfer): "
                 "install from the repository (pip install ./python) or set ZKINFER_SOURCE")
    return root


class BuildWithGo(build_py):
    """build_py that also compiles the zkinfer binary into the package."""

    def run(self) -> None:
        super().run()
        go = shutil.which("go")
        if go is None:
            sys.exit("zkinfer: building the package needs Go (1.26, see go.mod) on PATH")
        out = Path(self.build_lib).resolve() / "zkinfer" / "bin" / "zkinfer"
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [go, "build", "-buildvcs=false", "-o", str(out), "./cmd/zkinfer"]
        print("zkinfer: " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, cwd=source_root(), check=True)


class BinaryDistribution(Distribution):
    """The package carries a native binary: the wheel is not pure."""

    def has_ext_modules(self) -> bool:
        return True


setup(cmdclass={"build_py": BuildWithGo}, distclass=BinaryDistribution)
