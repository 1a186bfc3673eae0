#!/usr/bin/env python3
"""EZKL side of BENCHMARKS.md: runs EZKL's Python API on model directories and
prints a Markdown table (plus JSON with --json) of rows, timings, sizes, peak
memory and output error.

    python3 -m venv /tmp/ezkl-venv
    /tmp/ezkl-venv/bin/pip install -r bench/requirements.txt
    /tmp/ezkl-venv/bin/python bench/ezkl_compare.py [--repeat N] [--target resources] DIR...

Each DIR holds network.onnx, input.json (EZKL's format) and reference.json
({"outputs": [{"data": [...]}, ...]}, the float outputs), e.g.
../shared/corpus/ezkl/accuracy. For each model, in a fresh temp dir:
gen_settings (private input, fixed params, public output: zkinfer's default
visibility), calibrate_settings on the model's own input, compile_circuit,
gen_srs, setup, gen_witness, prove, verify.

The SRS is generated LOCALLY with ezkl.gen_srs (a toxic-waste-known SRS, fine
for timing, never for real use); ezkl.get_srs would download a ceremony SRS.
It is produced once per logrows and cached under the work dir, and its time is
not counted as setup.

Every step runs in its own child process (this script with --step), which
times just the API call and reports the child's peak RSS, so memory is per
step and not the running maximum of the whole benchmark. Nothing here runs in CI.
"""
import argparse
import asyncio
import inspect
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


# ---------------------------------------------------------------- child side

def _await(r):
    if inspect.isawaitable(r):
        return asyncio.run(_wrap(r))
    return r


async def _wrap(c):
    return await c


def run_step(step, wd, args):
    import ezkl

    p = lambda n: os.path.join(wd, n)  # noqa: E731
    t0 = time.perf_counter()
    if step == "gen_settings":
        ra = ezkl.PyRunArgs()
        ra.input_visibility = "private"
        ra.param_visibility = args.get("params", "fixed")
        ra.output_visibility = "public"
        ra.variables = [(k, v) for k, v in args["variables"]]
        ok = _await(ezkl.gen_settings(p("network.onnx"), p("settings.json"), py_run_args=ra))
    elif step == "calibrate_settings":
        ok = _await(ezkl.calibrate_settings(p("input.json"), p("network.onnx"), p("settings.json"),
                                            args["target"]))
    elif step == "compile_circuit":
        ok = _await(ezkl.compile_circuit(p("network.onnx"), p("network.ezkl"), p("settings.json")))
    elif step == "gen_srs":
        ok = _await(ezkl.gen_srs(args["srs"], args["logrows"]))
        ok = True if ok is None else ok
    elif step == "setup":
        ok = _await(ezkl.setup(p("network.ezkl"), p("vk.key"), p("pk.key"), args["srs"]))
    elif step == "gen_witness":
        ok = _await(ezkl.gen_witness(p("input.json"), p("network.ezkl"), p("witness.json"),
                                     p("vk.key"), args["srs"]))
        ok = ok is not None
    elif step == "prove":
        ok = _await(ezkl.prove(p("witness.json"), p("network.ezkl"), p("pk.key"), p("proof.json"),
                               args["srs"]))
        ok = ok is not None
    elif step == "verify":
        ok = _await(ezkl.verify(p("proof.json"), p("settings.json"), p("vk.key"), args["srs"]))
    else:
        raise SystemExit("unknown step " + step)
    secs = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"ok": bool(ok), "seconds": secs, "peak_kib": peak_kib}))


# --------------------------------------------------------------- parent side

def step(name, wd, timeout=None, **kw):
    cmd = [sys.executable, os.path.abspath(__file__), "--step", name, "--wd", wd,
           "--args", json.dumps(kw)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError("%s timed out after %.0f s" % (name, timeout))
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    if r.returncode != 0 or not last.startswith("{"):
        err = (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
        raise RuntimeError("%s failed: %s" % (name, err[:200]))
    res = json.loads(last)
    if not res["ok"]:
        raise RuntimeError("%s returned false" % name)
    return res


def symbolic_dims(model):
    """Every named (dynamic) input dimension set to 1, as EZKL wants them listed."""
    import onnx
    names = {"batch_size"}
    for i in onnx.load(model).graph.input:
        for d in i.type.tensor_type.shape.dim:
            if d.dim_param:
                names.add(d.dim_param)
    return [[n, 1] for n in sorted(names)]


def flat_ref(path):
    ref = json.load(open(path))
    out = []
    for o in ref["outputs"]:
        out.extend(float(v) for v in o["data"])
    return out


def witness_outputs(path):
    w = json.load(open(path))
    out = []
    for o in w["pretty_elements"]["rescaled_outputs"]:
        out.extend(float(v) for v in o)
    return out


def proof_bytes(path):
    pf = json.load(open(path))
    if isinstance(pf.get("proof"), list):
        return len(pf["proof"])
    if isinstance(pf.get("hex_proof"), str):
        h = pf["hex_proof"]
        return (len(h) - 2 * h.startswith("0x")) // 2
    if isinstance(pf.get("proof"), str):
        h = pf["proof"]
        return (len(h) - 2 * h.startswith("0x")) // 2
    return None


def bench_model(d, work, target, srs_cache, params="fixed", timeout=None):
    name = os.path.basename(os.path.normpath(d))
    wd = tempfile.mkdtemp(prefix=name + "-", dir=work)
    shutil.copy(os.path.join(d, "network.onnx"), os.path.join(wd, "network.onnx"))
    shutil.copy(os.path.join(d, "input.json"), os.path.join(wd, "input.json"))
    r = {"model": name, "params": params}
    r["gen_settings"] = step("gen_settings", wd, variables=symbolic_dims(os.path.join(wd, "network.onnx")),
                             params=params)
    try:
        r["calibrate"] = step("calibrate_settings", wd, target=target)
    except RuntimeError as e:  # keep gen_settings' defaults
        r["calibrate"] = {"error": str(e)}
    r["compile"] = step("compile_circuit", wd)
    s = json.load(open(os.path.join(wd, "settings.json")))
    logrows = s["run_args"]["logrows"]
    srs = os.path.join(srs_cache, "kzg%d.srs" % logrows)
    if not os.path.exists(srs):
        r["gen_srs"] = step("gen_srs", wd, srs=srs, logrows=logrows, timeout=timeout)
    r["setup"] = step("setup", wd, srs=srs, timeout=timeout)
    r["gen_witness"] = step("gen_witness", wd, srs=srs, timeout=timeout)
    r["prove"] = repeated(lambda: step("prove", wd, srs=srs, timeout=timeout))
    r["verify"] = step("verify", wd, srs=srs)
    r["logrows"] = logrows
    r["num_rows"] = s.get("num_rows")
    r["total_assignments"] = s.get("total_assignments")
    r["input_scale"] = s["run_args"].get("input_scale")
    r["param_scale"] = s["run_args"].get("param_scale")
    r["proof_bytes"] = proof_bytes(os.path.join(wd, "proof.json"))
    r["pk_bytes"] = os.path.getsize(os.path.join(wd, "pk.key"))
    r["vk_bytes"] = os.path.getsize(os.path.join(wd, "vk.key"))
    ref_path = os.path.join(d, "reference.json")
    if os.path.exists(ref_path):
        ref = flat_ref(ref_path)
        got = witness_outputs(os.path.join(wd, "witness.json"))
        if len(ref) == len(got):
            scale = max(1.0, max(abs(v) for v in ref))
            r["rel_err"] = max(abs(a - b) for a, b in zip(got, ref)) / scale
    shutil.rmtree(wd)
    return r


# A prove that takes less than REPEAT_UNDER seconds is run REPEATS times
# and its median kept, on both tools' side (bench/run.py uses this too): one
# run of a 0.1-s proof is at the mercy of a scheduler tick or a cold cache,
# and repeating a two-minute one costs minutes for little.
REPEATS, REPEAT_UNDER = 3, 30.0


def repeated(run):
    """Runs run() (a step returning seconds and peak_kib) once, and REPEATS
    times in all when that took under REPEAT_UNDER seconds; returns the
    first run's record with the median seconds, the largest peak RSS and
    every run's seconds (samples)."""
    runs = [run()]
    if runs[0]["seconds"] < REPEAT_UNDER:
        runs += [run() for _ in range(REPEATS - 1)]
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["peak_kib"] = max(r["peak_kib"] for r in runs)
    out["samples"] = [r["seconds"] for r in runs]
    if all("load" in r for r in runs):
        out["load"] = [x for r in runs for x in r["load"]]
    return out


def median_run(runs):
    """Per-step median seconds and max peak RSS over repeated runs."""
    base = dict(runs[-1])
    for k in ("setup", "gen_witness", "prove", "verify", "compile", "calibrate"):
        vals = [x[k]["seconds"] for x in runs if "seconds" in x.get(k, {})]
        if vals:
            base[k] = dict(base[k], seconds=statistics.median(vals),
                           peak_kib=max(x[k]["peak_kib"] for x in runs))
    base["repeats"] = len(runs)
    return base


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*")
    ap.add_argument("--repeat", type=int, default=1, help="runs per model; timings are medians")
    ap.add_argument("--target", default="resources", help="calibrate_settings target")
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--step")
    ap.add_argument("--wd")
    ap.add_argument("--args", default="{}")
    a = ap.parse_args()
    if a.step:
        run_step(a.step, a.wd, json.loads(a.args))
        return
    import ezkl
    work = tempfile.mkdtemp(prefix="ezkl-bench-")
    srs_cache = os.path.join(work, "srs")
    os.makedirs(srs_cache)
    results = []
    print("ezkl %s, calibrate target %r, %d run(s) per model" %
          (getattr(ezkl, "__version__", "?"), a.target, a.repeat), file=sys.stderr)
    print("| model | logrows | rows | scales (in/param) | calibrate s | compile s | setup s | "
          "witness s | prove s | verify s | peak RSS MiB (setup / prove) | proof bytes | pk MiB | rel. error |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    try:
        for d in a.dirs:
            name = os.path.basename(os.path.normpath(d))
            try:
                runs = [bench_model(d, work, a.target, srs_cache) for _ in range(a.repeat)]
            except RuntimeError as e:
                print("| %s | failed: %s |" % (name, e))
                results.append({"model": name, "error": str(e)})
                continue
            r = median_run(runs)
            results.append(r)
            f = lambda k: "%.2f" % r[k]["seconds"] if "seconds" in r.get(k, {}) else "—"  # noqa: E731
            mib = lambda k: "%.0f" % (r[k]["peak_kib"] / 1024)  # noqa: E731
            err = "%.2e" % r["rel_err"] if "rel_err" in r else "—"
            print("| %s | %d | %s | %s/%s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %.1f | %s |" % (
                name, r["logrows"], r["num_rows"], r["input_scale"], r["param_scale"],
                f("calibrate"), f("compile"), f("setup"), f("gen_witness"), f("prove"), f("verify"),
                mib("setup"), mib("prove"), r["proof_bytes"], r["pk_bytes"] / 2**20, err), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if a.json:
            json.dump(results, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
