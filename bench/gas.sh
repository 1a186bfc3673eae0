#!/usr/bin/env bash
# On-chain cost per model: compiles, sets up and proves each model with the
# default settings, then verifies the proof on the in-process EVM and prints
# a Markdown table of gas, calldata bytes and the range-check gadget chosen.
#   bench/gas.sh DIR...   (each DIR holds network.onnx and input.json)
# Needs node_modules/solc (npm ci).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
go build -o "$root/bin/zkinfer" "$root/cmd/zkinfer"
zk="$root/bin/zkinfer"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

echo "| model | constraints | public inputs | range check | gas | calldata bytes |"
echo "|---|---|---|---|---|---|"
for d in "$@"; do
  name=$(basename "$d")
  out="$work/$name"
  if ! "$zk" compile "$d/network.onnx" --out "$out" --quiet >/dev/null 2>"$work/err" ||
     ! "$zk" setup "$out" --quiet >/dev/null 2>>"$work/err" ||
     ! "$zk" prove "$out" --input "$d/input.json" --proof "$out/proof.json" --quiet >/dev/null 2>>"$work/err"; then
    echo "| $name | failed: $(tr '\n' ' ' <"$work/err" | cut -c1-120) | | | | |"
    continue
  fi
  read -r cs pub rc < <(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(s['constraints'], s['public_inputs'], s.get('range_check',''))" "$out/settings.json")
  res=$("$zk" verify-evm "$out" --proof "$out/proof.json" 2>/dev/null || true)
  gas=$(sed -n 's/.*gas used \([0-9]*\).*/\1/p' <<<"$res" | head -1)
  cd_bytes=$(sed -n 's/.*calldata \([0-9]*\) bytes.*/\1/p' <<<"$res" | head -1)
  if [[ "$res" != accepted* ]]; then gas="rejected: $(head -c 80 <<<"$res")"; fi
  echo "| $name | $cs | $pub | $rc | $gas | $cd_bytes |"
done
