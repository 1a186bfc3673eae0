"""Trains small models on the data scikit-learn ships and exports them to
ONNX as users do, default options included, with test vectors computed by
onnxruntime: zkinfer's ai.onnx.ml test corpus (ops/ml/testdata/models).

    python3 -m venv .venv/ml && .venv/ml/bin/pip install -r scripts/requirements-ml.txt
    .venv/ml/bin/python scripts/gen_ml_models.py

Writes, per model, NAME.onnx and NAME.json (the settings zkinfer compiles
it with, the ONNX outputs per test vector, the vectors to prove), and per
dataset datasets/NAME.json (the test vectors: every row of the data set,
as the float32 values onnxruntime reads, in their shortest float32 text).
Everything is seeded: a rerun with the pinned versions rewrites the same
numbers.
"""
import json
import os
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from sklearn import datasets
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import Binarizer, Normalizer, OneHotEncoder, StandardScaler
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeRegressor

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "ops", "ml", "testdata", "models")
SEED = 20261130


def load(name):
    x, y = getattr(datasets, "load_" + name)(return_X_y=True)
    return x.astype(np.float32), y


def f32text(v):
    """The shortest text that reads back as the same float32."""
    t = float(np.format_float_positional(np.float32(v), unique=True, trim="-"))
    return int(t) if t == int(t) and abs(t) < 2**53 else t


def skl(model, x):
    from skl2onnx import to_onnx
    return to_onnx(model, x[:1])  # x: an array, or a DataFrame (one input per column)


def onnxml(model, x, kind):
    import onnxmltools
    from onnxmltools.convert.common.data_types import FloatTensorType
    types = [("input", FloatTensorType([None, x.shape[1]]))]
    conv = {"xgboost": onnxmltools.convert_xgboost, "lightgbm": onnxmltools.convert_lightgbm}[kind]
    return conv(model, initial_types=types)


def catboost(model, path):
    model.save_model(path, format="onnx")
    onx = onnx.load(path)
    # The training time and a random id: drop them so that files only
    # change when the model does.
    keep = [p for p in onx.metadata_props if p.key not in ("train_finish_time", "model_guid")]
    del onx.metadata_props[:]
    onx.metadata_props.extend(keep)
    return onx


def outputs(sess, x):
    """Every output of the model on every row, as flat lists per row. A
    model with one input per column (exported from a DataFrame) gets
    column j as input j, cast to the input's type."""
    ins = sess.get_inputs()
    if len(ins) == 1:
        feeds = {ins[0].name: x}
    else:
        types = {"tensor(float)": np.float32, "tensor(int64)": np.int64}
        feeds = {inp.name: x[:, j:j + 1].astype(types[inp.type]) for j, inp in enumerate(ins)}
    res = sess.run(None, feeds)
    per_output = []
    for r in res:
        if isinstance(r, list):  # ZipMap: a list of {class: probability}
            keys = sorted(r[0].keys())
            r = np.array([[row[k] for k in keys] for row in r], dtype=np.float64)
        r = np.asarray(r)
        per_output.append(r.reshape(len(x), -1).astype(np.float64).tolist())
    return per_output


def write(name, onx, dataset, x, settings, prove=(0,)):
    path = os.path.join(OUT, name + ".onnx")
    # The converters draw a random graph name and list the opsets in set
    # order: fix both, so that files change only when the model does.
    onx.graph.name = name
    opsets = sorted(onx.opset_import, key=lambda o: (o.domain, o.version))
    del onx.opset_import[:]
    onx.opset_import.extend(opsets)
    onnx.save(onx, path)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    outs = outputs(sess, x)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"dataset": dataset, "settings": settings, "prove": list(prove),
                   "outputs": [[[f32text(v) for v in row] for row in o] for o in outs]}, f,
                  separators=(",", ":"))
    print(f"{name}: {os.path.getsize(path)} bytes, outputs {[np.shape(o) for o in outs]}")


def main():
    os.makedirs(os.path.join(OUT, "datasets"), exist_ok=True)
    data = {}
    for name in ["breast_cancer", "iris", "wine", "digits", "diabetes"]:
        x, y = load(name)
        if name == "digits":  # 500 of 1797 rows keep the files small
            keep = np.random.RandomState(SEED).permutation(len(x))[:500]
            x, y = x[keep], y[keep]
        data[name] = (x, y)
        with open(os.path.join(OUT, "datasets", name + ".json"), "w") as f:
            json.dump({"inputs": [[f32text(v) for v in row] for row in x]}, f, separators=(",", ":"))
    rng = np.random.RandomState(SEED)

    # Settings: trees compare inputs exactly at the fixed-point scale, so the
    # scale must separate the data's values from the thresholds (4 decimals
    # in breast cancer, down to 0.0007: 2^-20); act_bits covers the largest
    # feature (4254).
    fine = {"scale": 20, "param_scale": 12, "act_bits": 34}
    # Linear models on raw breast-cancer features: weights from 1e-4 (per
    # unit of area, up to 4254) to 10 need 2^-20, and features of 0.003
    # scaled by 380 (StandardScaler) need inputs at 2^-16.
    wide = {"scale": 16, "param_scale": 20, "act_bits": 30}
    x, y = data["breast_cancer"]
    write("logreg_breast_cancer", skl(make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y), x),
          "breast_cancer", x, wide)
    write("random_forest_breast_cancer", skl(RandomForestClassifier(n_estimators=100, max_depth=8, random_state=SEED).fit(x, y), x),
          "breast_cancer", x, fine)
    write("gradient_boosting_breast_cancer", skl(GradientBoostingClassifier(random_state=SEED).fit(x, y), x),
          "breast_cancer", x, fine)
    write("decision_tree_regressor_breast_cancer", skl(DecisionTreeRegressor(max_depth=6, random_state=SEED).fit(x, y), x),
          "breast_cancer", x, fine)
    write("linear_regression_breast_cancer", skl(LinearRegression().fit(x, y), x),
          "breast_cancer", x, wide)

    from xgboost import XGBClassifier
    write("xgboost_breast_cancer", onnxml(XGBClassifier(n_estimators=100, max_depth=6, random_state=SEED).fit(x, y), x, "xgboost"),
          "breast_cancer", x, fine)
    from lightgbm import LGBMClassifier
    write("lightgbm_breast_cancer", onnxml(LGBMClassifier(random_state=SEED, verbose=-1).fit(x, y), x, "lightgbm"),
          "breast_cancer", x, fine)
    from catboost import CatBoostClassifier
    cb = CatBoostClassifier(iterations=60, depth=5, random_seed=SEED, verbose=False, allow_writing_files=False).fit(x, y)
    write("catboost_breast_cancer", catboost(cb, os.path.join(OUT, "catboost_breast_cancer.onnx")),
          "breast_cancer", x, fine)

    x, y = data["iris"]
    write("svc_iris", skl(SVC().fit(x, y), x), "iris", x, {"scale": 12, "param_scale": 12, "act_bits": 24})
    write("mlp_iris", skl(MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000, random_state=SEED).fit(x, y), x),
          "iris", x, {"scale": 12, "param_scale": 12, "act_bits": 24})
    write("gradient_boosting_iris", skl(GradientBoostingClassifier(n_estimators=20, random_state=SEED).fit(x, y), x),
          "iris", x, {"scale": 12, "param_scale": 12, "act_bits": 24})

    x, y = data["wine"]
    ct = ColumnTransformer([("impute", SimpleImputer(), [0, 1]), ("scale", StandardScaler(), [2, 3, 4, 5, 6]),
                            ("binarize", Binarizer(threshold=2.0), [7, 8]), ("normalize", Normalizer(), [9, 10, 11, 12])])
    write("column_transformer_wine", skl(Pipeline([("columns", ct), ("model", LogisticRegression(max_iter=5000))]).fit(x, y), x),
          "wine", x, {"scale": 12, "param_scale": 16, "act_bits": 26})

    # The same from a DataFrame, as users with mixed columns export: one
    # input per column, and a banded integer column one-hot encoded
    # (OneHotEncoder on an int64 input).
    import pandas as pd
    frame = pd.DataFrame(x, columns=[f"f{j}" for j in range(x.shape[1])])
    frame["band"] = (x[:, 12] > 700).astype(np.int64) + (x[:, 12] > 1000).astype(np.int64)
    ct = ColumnTransformer([("scale", StandardScaler(), [f"f{j}" for j in range(13)]), ("onehot", OneHotEncoder(), ["band"])])
    banded = frame.to_numpy(dtype=np.float32)
    with open(os.path.join(OUT, "datasets", "wine_banded.json"), "w") as f:
        json.dump({"inputs": [[f32text(v) for v in row] for row in banded]}, f, separators=(",", ":"))
    write("column_transformer_onehot_wine", skl(Pipeline([("columns", ct), ("model", LogisticRegression(max_iter=5000))]).fit(frame, y), frame),
          "wine_banded", banded, {"scale": 12, "param_scale": 16, "act_bits": 26})

    x, y = data["digits"]
    write("logreg_digits", skl(make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x, y), x),
          "digits", x, {"scale": 12, "param_scale": 12, "act_bits": 24})

    x, y = data["diabetes"]
    # Trained on 100 rows: an SVR keeps most rows as support vectors, and
    # each costs a kernel evaluation in the circuit.
    write("svr_diabetes", skl(SVR().fit(x[:100], y[:100]), x), "diabetes", x, {"scale": 12, "param_scale": 12, "act_bits": 24})

    # The cost targets (TestTreeTargets): XGBoost with 100 trees of depth 6
    # on 30 features, and a random forest of 100 trees of depth 8, trained
    # on synthetic data large enough to grow full trees; 200 test rows.
    xs, ys = datasets.make_classification(n_samples=20000, n_features=30, n_informative=20, random_state=SEED)
    xs = xs.astype(np.float32)
    test = xs[:200]
    with open(os.path.join(OUT, "datasets", "synthetic30.json"), "w") as f:
        json.dump({"inputs": [[f32text(v) for v in row] for row in test]}, f, separators=(",", ":"))
    synth = {"scale": 20, "param_scale": 12, "act_bits": 26}
    write("target_xgboost_100x6", onnxml(XGBClassifier(n_estimators=100, max_depth=6, random_state=SEED).fit(xs[200:], ys[200:]), xs, "xgboost"),
          "synthetic30", test, synth)
    write("target_random_forest_100x8", skl(RandomForestClassifier(n_estimators=100, max_depth=8, random_state=SEED).fit(xs[200:700], ys[200:700]), xs),
          "synthetic30", test, synth)


if __name__ == "__main__":
    main()
