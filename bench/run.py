#!/usr/bin/env python3
"""make bench: zkinfer and EZKL side by side on the same models, inputs and
visibility, in the same run.

    python3 bench/run.py [--models a,b,...] [--no-ezkl] [--results DIR] [--timeout S]

For each model (corpus directories under ../shared/corpus/ezkl and the
models bench/genmodels.py generates) and each parameter visibility (fixed,
then hashed; input private and output public in both), it runs

  zkinfer: compile, setup, prove, verify (the CLI, one process per step),
           with hashed weights once per commitment scheme (Pedersen and
           Poseidon2), then gnark alone at the same constraint count
           (bench/limit: bare setup and prove of a synthetic circuit)
  EZKL:    gen_settings, calibrate_settings, compile_circuit, gen_srs,
           setup, gen_witness, prove, verify (bench/ezkl_compare.py)

and records each step's wall time, peak RSS (GNU time of that process) and
the load average before and after it, the proof size, the verify time and
the output error against onnxruntime (reference.json). It writes
RESULTS/results.json (raw), RESULTS/prove_time.png and RESULTS/peak_memory.png
(log-log against parameter count) and rewrites the generated part of
BENCHMARKS.md (between the "make bench" markers).
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import ezkl_compare  # noqa: E402
import genmodels  # noqa: E402
import report  # noqa: E402

CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "ezkl")
DEFAULT_MODELS = ["1l_mlp", "accuracy", "1l_conv", "3l_relu_conv_fc", "mlp_h128", "cnn_c4", "large_mlp",
                  "mlp_h512", "mlp_h2048", "cnn_c8", "cnn_c16", "cnn_c32", "resnet_c32"]
# Runs that would take hours on a 2-core machine: hashed weights only up to
# mlp_h128, EZKL only up to cnn_c4 and large_mlp (its 2^19-row circuit
# already needs 8 GiB).
DEFAULT_FIXED_ONLY = ["large_mlp", "mlp_h512", "mlp_h2048", "cnn_c4", "cnn_c8", "cnn_c16", "cnn_c32", "resnet_c32"]
DEFAULT_ZKINFER_ONLY = ["mlp_h512", "mlp_h2048", "cnn_c8", "cnn_c16", "cnn_c32", "resnet_c32"]


def timed(cmd):
    """Runs cmd; returns (seconds, peak RSS KiB) of that process alone.

    Linux carries a process's peak RSS across fork and exec, so a child
    forked from this Python process would report at least this process's
    own RSS; GNU time, a small process in between, measures from its floor
    instead when it is installed."""
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
    out = tempfile.NamedTemporaryFile(prefix="zkinfer-time-", delete=False)
    out.close()
    full = [gnu_time, "-f", "%M", "-o", out.name] + cmd if gnu_time else cmd
    p = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    err = "\n".join(ln for ln in p.stderr.read().decode(errors="replace").strip().splitlines()
                    if not ln.startswith("Command "))  # GNU time's own status line
    p.stderr.close()
    peak = ru.ru_maxrss
    if gnu_time:
        try:
            peak = int(open(out.name).read().split()[-1])
        except (ValueError, IndexError):
            pass
    os.unlink(out.name)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("%s: %s" % (cmd[1] if len(cmd) > 1 else cmd[0],
                                       (err.splitlines() or ["failed"])[-1][:200]))
    return {"seconds": secs, "peak_kib": peak, "load": [load_before, os.getloadavg()[0]]}


def param_count(onnx_path):
    import onnx
    import numpy as np
    m = onnx.load(onnx_path)
    return int(sum(np.prod(t.dims) for t in m.graph.initializer))


def zkinfer_model(zk, d, work, params, commitment=None):
    """One zkinfer pipeline; params fixed or hashed, and for hashed the
    commitment scheme: pedersen (in the Groth16 proof, binding under an
    honest setup) or poseidon2 (in the circuit, like EZKL's Poseidon)."""
    name = os.path.basename(os.path.normpath(d))
    out = os.path.join(work, "zk-%s-%s-%s" % (name, params, commitment))
    flags = ["--param-visibility", params, "--param-commitment", commitment] if params != "fixed" else []
    r = {"model": name, "params": params}
    if commitment:
        r["commitment"] = commitment
    r["compile"] = timed([zk, "compile", os.path.join(d, "network.onnx"), "--out", out, "--quiet"] + flags)
    r["setup"] = timed([zk, "setup", out, "--quiet"])
    proof = os.path.join(out, "proof.json")
    extra = ["--model", os.path.join(d, "network.onnx")] if params != "fixed" else []
    r["prove"] = ezkl_compare.repeated(lambda: timed(
        [zk, "prove", out, "--input", os.path.join(d, "input.json"), "--proof", proof, "--quiet"] + extra))
    r["verify"] = timed([zk, "verify", out, "--proof", proof])
    s = json.load(open(os.path.join(out, "settings.json")))
    pf = json.load(open(proof))
    r["constraints"] = s["constraints"]
    r["range_check"] = s.get("range_check")
    r["proof_bytes"] = len(pf["proof"]) // 2
    r["pk_bytes"] = os.path.getsize(os.path.join(out, "pk.bin"))
    r["vk_bytes"] = os.path.getsize(os.path.join(out, "vk.bin"))
    ref = os.path.join(d, "reference.json")
    if os.path.exists(ref) and "outputs" in pf:
        want = ezkl_compare.flat_ref(ref)
        got = [float(v) for o in pf["outputs"] for v in o]
        if len(got) == len(want):
            r["rel_err"] = max(abs(a - b) for a, b in zip(got, want)) / max(1.0, max(abs(v) for v in want))
    subprocess.run(["rm", "-rf", out])
    return r


def bare(limit, constraints):
    """gnark alone at this constraint count (bench/limit): its setup, ours
    and its prove on a synthetic circuit, in the same run."""
    r = subprocess.run([limit, "-n", str(constraints), "-repeat", "3"], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1][:200]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def machine():
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = 0
    try:
        mem = int(next(ln.split()[1] for ln in open("/proc/meminfo") if ln.startswith("MemTotal"))) // 1024
    except (OSError, StopIteration):
        pass
    gomod = open(os.path.join(ROOT, "go.mod")).read()
    gnark = re.search(r"github.com/consensys/gnark (v\S+)", gomod)
    go = subprocess.run(["go", "version"], capture_output=True, text=True).stdout.strip()
    try:
        import ezkl
        ez = getattr(ezkl, "__version__", "?")
    except ImportError:
        ez = None
    return {"cpus": os.cpu_count(), "cpu": cpu, "mem_mib": mem, "os": platform.platform(),
            "go": go, "gnark": gnark.group(1) if gnark else "?", "ezkl": ez,
            "python": platform.python_version(), "load_before": os.getloadavg()[0],
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                     capture_output=True, text=True).stdout.strip()}


def merge(raw, other):
    """Replaces the runs of other's models in raw by other's, in place, and
    records the re-run in raw's machine section (the report lists it). Both
    must be at one commit: a re-run replaces rows that something else
    disturbed, it does not mix code."""
    base, new = json.load(open(raw)), json.load(open(other))
    if base["machine"]["commit"] != new["machine"]["commit"]:
        sys.exit("merge: %s is at commit %s and %s at %s: re-run at the same commit" % (
            other, new["machine"]["commit"], raw, base["machine"]["commit"]))
    models = list(dict.fromkeys(r["model"] for r in new["runs"]))
    runs, placed = [], set()
    for r in base["runs"]:
        if r["model"] not in models:
            runs.append(r)
        elif r["model"] not in placed:
            runs += [x for x in new["runs"] if x["model"] == r["model"]]
            placed.add(r["model"])
    runs += [x for x in new["runs"] if x["model"] not in placed]
    base["runs"] = runs
    base["machine"].setdefault("reruns", []).append(
        {"models": models, "date": new["machine"]["date"], "load_before": new["machine"]["load_before"]})
    with open(raw, "w") as f:
        json.dump(base, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS))
    ap.add_argument("--params", default="fixed,hashed", help="parameter visibilities to run")
    ap.add_argument("--no-ezkl", action="store_true")
    ap.add_argument("--no-bare", action="store_true", help="skip gnark's bare setup and prove at each model's size")
    ap.add_argument("--commitments", default="pedersen,poseidon2",
                    help="zkinfer's commitment schemes for hashed weights (each compared with EZKL's Poseidon)")
    ap.add_argument("--fixed-only", default=",".join(DEFAULT_FIXED_ONLY), help="models run with fixed weights only")
    ap.add_argument("--zkinfer-only", default=",".join(DEFAULT_ZKINFER_ONLY), help="models EZKL does not run")
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per EZKL step")
    ap.add_argument("--markdown", default=os.path.join(ROOT, "BENCHMARKS.md"), help="file to update")
    ap.add_argument("--report-only", action="store_true", help="rewrite BENCHMARKS.md from results.json")
    ap.add_argument("--merge", metavar="RESULTS_JSON",
                    help="replace results.json's runs of the models in RESULTS_JSON (a narrower run at the same "
                         "commit) by its runs, record the re-run, and rewrite BENCHMARKS.md")
    a = ap.parse_args()
    os.makedirs(a.results, exist_ok=True)
    raw = os.path.join(a.results, "results.json")
    if a.merge:
        merge(raw, a.merge)
        a.report_only = True
    if a.report_only:
        report.write(json.load(open(raw)), a.results, a.markdown)
        return
    zk = os.path.join(ROOT, "bin", "zkinfer")
    subprocess.run(["go", "build", "-o", zk, "./cmd/zkinfer"], cwd=ROOT, check=True)
    limit = os.path.join(ROOT, "bin", "limit")
    subprocess.run(["go", "build", "-o", limit, "./bench/limit"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="zkinfer-bench-")
    srs_cache = os.path.join(work, "srs")
    os.makedirs(srs_cache)
    results = {"machine": machine(), "runs": []}
    for name in a.models.split(","):
        if genmodels.generated(name):
            d = genmodels.write(os.path.join(work, "models"), name)
        else:
            d = os.path.join(CORPUS, name)
            if not os.path.isdir(d):
                print("skip %s: %s not found" % (name, d), file=sys.stderr)
                continue
        params = param_count(os.path.join(d, "network.onnx"))
        for pv in a.params.split(","):
            if pv != "fixed" and name in a.fixed_only.split(","):
                continue
            runs = [("zkinfer", c) for c in (a.commitments.split(",") if pv != "fixed" else [None])]
            if not (a.no_ezkl or name in a.zkinfer_only.split(",")):
                runs.append(("ezkl", None))
            for system, commitment in runs:
                print("%s %s params=%s %s..." % (system, name, pv, commitment or ""), file=sys.stderr, flush=True)
                try:
                    if system == "zkinfer":
                        r = zkinfer_model(zk, d, work, pv, commitment)
                        if not a.no_bare:
                            r["bare"] = bare(limit, r["constraints"])
                    else:
                        r = ezkl_compare.bench_model(d, work, "resources", srs_cache, params=pv, timeout=a.timeout)
                except (RuntimeError, OSError, KeyError, ValueError) as e:
                    r = {"model": name, "params": pv, "error": str(e)}
                    if commitment:
                        r["commitment"] = commitment
                    print("  failed: %s" % e, file=sys.stderr)
                r.update(system=system, param_count=params)
                results["runs"].append(r)
                json.dump(results, open(raw, "w"), indent=1)
    report.write(results, a.results, a.markdown)
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
