"""Generates ONNX's own ai.onnx.ml node tests into conformance/testdata/ai_onnx_ml.

Debian's libonnx-testdata does not carry them; the onnx Python package has
their case generators (onnx/backend/test/case/node/ai_onnx_ml). This
collects those cases and writes each as ONNX's backend test tool lays out a
node test (model.onnx, test_data_set_0/input_*.pb and output_*.pb). Needs
scripts/requirements-ml.txt.

    .venv/ml/bin/python scripts/gen_ml_conformance.py
"""
import os
import shutil
import warnings

import numpy as np
from onnx import TensorProto, numpy_helper
from onnx.backend.test.case import node

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "conformance", "testdata", "ai_onnx_ml")


def tensor(value, name):
    if isinstance(value, TensorProto):
        return value.SerializeToString()
    return numpy_helper.from_array(np.asarray(value), name).SerializeToString()


def main():
    warnings.filterwarnings("ignore")
    np.random.seed(0)  # the Binarizer case draws its input
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    for case in node.collect_testcases(None):
        if not case.name.startswith("test_ai_onnx_ml_"):
            continue
        d = os.path.join(OUT, case.name)
        os.makedirs(d)
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        for i, (inputs, outputs) in enumerate(case.data_sets):
            ds = os.path.join(d, f"test_data_set_{i}")
            os.makedirs(ds)
            for kind, vals, decl in (("input", inputs, case.model.graph.input), ("output", outputs, case.model.graph.output)):
                for j, v in enumerate(vals):
                    with open(os.path.join(ds, f"{kind}_{j}.pb"), "wb") as f:
                        f.write(tensor(v, decl[j].name))
        print(case.name)


if __name__ == "__main__":
    main()
