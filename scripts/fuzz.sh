#!/usr/bin/env bash
# Runs every Go fuzz target for FUZZTIME each (go test accepts one -fuzz
# target per run), with the address space capped so that an unbounded
# allocation fails as a crash instead of swapping.
#
#   scripts/fuzz.sh [FUZZTIME]        e.g. scripts/fuzz.sh 60s (the default)
#
# Crashers land in PKG/testdata/fuzz/TARGET/ as regression seeds; the
# script stops at the first failing target.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-${FUZZTIME:-60s}}
go=${GO:-go}
# GOMEMLIMIT keeps the heap compact; the ulimit turns a runaway allocation
# into a reported crash.
export GOMEMLIMIT=${GOMEMLIMIT:-2GiB}
ulimit -v "${FUZZ_VMEM_KB:-16000000}" 2>/dev/null || true
targets=(
  ./onnx:FuzzParse
  ./model:FuzzParseInput
  ./proof:FuzzReadProof
  ./proof:FuzzVerify
  ./proof:FuzzVerifyingKey
  ./proof:FuzzProvingKey
  ./proof:FuzzSettings
  ./proof/verifier:FuzzVerifyFiles
  ./transparent/wire:FuzzDecodeMLP
)
for t in "${targets[@]}"; do
  pkg=${t%%:*} name=${t##*:}
  echo "== $name ($pkg, $fuzztime)"
  # Minimizing every new interesting input (the default, 60s each) stalls
  # the targets with kilobyte inputs; crashers are still minimized briefly.
  "$go" test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "${FUZZMINIMIZE:-100x}" "$pkg"
done
