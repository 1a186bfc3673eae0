"""zkinfer from Python, end to end, as a notebook would run it.

Trains a scikit-learn classifier on the breast-cancer data set that
scikit-learn ships, exports it to ONNX, calibrates the number format on
held-out samples, compiles a circuit whose claim is that the tumour is
benign with probability at least 0.9, sets it up, proves the claim for one
patient without revealing their measurements, verifies the proof and
exports the Solidity verifier.

    pip install ./python 'scikit-learn==1.9.1' 'skl2onnx==1.20.0' 'onnx==1.23.2'
    python examples/python/breast_cancer.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import zkinfer

CLAIM_P = 0.9  # the claim: P(benign) >= 0.9


def main(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    data = load_breast_cancer()
    x = data.data.astype(np.float32)  # raw measurements: areas reach ~4,000
    y = data.target  # 1: benign
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    clf.fit(x_train, y_train)
    print(f"trained {clf.steps[-1][0]} on {len(x_train)} patients; scikit-learn test accuracy {clf.score(x_test, y_test):.3f}")

    model = zkinfer.from_sklearn(clf, x_train[:1])
    model_path = out / "model.onnx"
    model_path.write_bytes(model.SerializeToString())

    # The defaults (--scale 12 --act-bits 24) hold values below 2,048 only:
    # the largest tumour's area is beyond them.
    try:
        zkinfer.run(model, x[x.max(axis=1).argmax()])
    except zkinfer.Error as e:
        print(f"with the defaults: {e}")

    settings = zkinfer.calibrate(model, x_test, out / "settings.json", target="balanced")
    print(f"calibrated: {settings.message}")
    report = zkinfer.accuracy(model, x_test, settings=settings, labels=y_test)
    print(f"accuracy: {report}")

    compiled = zkinfer.compile(model_path, out / "circuit", settings=settings, claim=f"output1[1] >= {CLAIM_P}")
    print(compiled.message)
    zkinfer.setup(compiled)

    probs = clf.predict_proba(x_test)[:, 1]
    patient = int(np.argmax(probs >= 0.99))  # a patient the model finds clearly benign
    proof = zkinfer.prove(compiled, x_test[patient], out / "proof.json")
    print(f"proved the claim for patient {patient} (P(benign) = {probs[patient]:.4f} in float): "
          f"{len(proof.data['proof']) // 2} bytes, outputs {proof.outputs} (secret under a claim)")
    verified = zkinfer.verify(compiled, proof)
    print(verified)

    risky = int(np.argmin(probs))
    try:
        zkinfer.prove(compiled, x_test[risky], out / "risky.json")
        raise AssertionError("a proof for a malignant-looking patient")
    except zkinfer.Error as e:
        print(f"patient {risky} (P(benign) = {probs[risky]:.4f}): {e}")

    sol = zkinfer.export_verifier(compiled, out / "Verifier.sol")
    print(f"wrote {sol} and its wrapper contract")
    return {"settings": settings, "report": report, "compiled": compiled, "proof": proof, "verified": verified,
            "solidity": sol}


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="zkinfer-example-")))
