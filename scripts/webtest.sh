#!/usr/bin/env bash
# The npm package's and the page's tests (make web-test): proofs made with
# zkinfer ($ZK, default bin/zkinfer) from the shipped credit models, each
# model exported with export-web, then node --test on js/test/, which
# checks every proof, valid and tampered, with the WebAssembly verifier and
# with `zkinfer verify`, and loads the page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
ZK=${ZK:-bin/zkinfer}
OUT=${WEBTEST_OUT:-out/webtest}
rm -rf "$OUT"
mkdir -p "$OUT"
zk() { "$ZK" "$@" --quiet >/dev/null; }

# Groth16 and PLONK (a development SRS) on the credit model; a secret,
# committed model with a claim and a context (Groth16, Pedersen); the
# gradient-boosted credit model as "another model".
zk compile examples/credit/model.onnx --out "$OUT/groth16"
zk setup "$OUT/groth16"
zk prove "$OUT/groth16" --input examples/credit/input.json --proof "$OUT/groth16.proof.json"

zk compile examples/credit/model.onnx --out "$OUT/plonk" --backend plonk
zk setup "$OUT/plonk" --unsafe-dev-srs
zk prove "$OUT/plonk" --input examples/credit/input.json --proof "$OUT/plonk.proof.json"

zk compile examples/credit/model.onnx --out "$OUT/claim" --param-visibility hashed --param-bits 20 --claim "output[0] >= 0.7"
zk setup "$OUT/claim"
zk prove "$OUT/claim" --input examples/credit/input.json --proof "$OUT/claim.proof.json" \
  --model examples/credit/model.onnx --param-salt 0x1234 --context 0x0102030405

zk compile examples/credit_gbt/model.onnx --out "$OUT/other"
zk setup "$OUT/other"
zk prove "$OUT/other" --input examples/credit_gbt/input.json --proof "$OUT/other.proof.json"

for m in groth16 plonk claim other; do
  zk export-web "$OUT/$m" --out "$OUT/$m.web"
done

ZKINFER_WEBTEST="$PWD/$OUT" ZKINFER_BIN="$PWD/$ZK" node --test --test-concurrency=1 js/test/*.test.js
