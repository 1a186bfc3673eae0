#!/usr/bin/env bash
# Times each step of the pipeline on ONNX models and prints a Markdown table:
# constraints, compile/setup/prove/verify wall time and peak RSS, proof size.
#   bench/pipeline.sh DIR...   (each DIR holds network.onnx and input.json,
#                               e.g. ../shared/corpus/ezkl/accuracy)
# Extra compile flags go in ZKINFER_COMPILE_FLAGS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
go build -o "$root/bin/zkinfer" "$root/cmd/zkinfer"
zk="$root/bin/zkinfer"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

timed() { # timed LABEL CMD... → "seconds peakKiB"
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
  cat "$work/t"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo "| model | constraints | compile s | setup s | prove s | verify s | peak RSS MiB (setup / prove) | proof bytes | pk MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
for d in "$@"; do
  name=$(basename "$d")
  out="$work/$name"
  read -r cs cm < <(timed "$zk" compile "$d/network.onnx" --out "$out" --quiet ${ZKINFER_COMPILE_FLAGS:-})
  read -r ss sm < <(timed "$zk" setup "$out" --quiet)
  read -r ps pm < <(timed "$zk" prove "$out" --input "$d/input.json" --proof "$out/proof.json" --quiet)
  read -r vs vm < <(timed "$zk" verify "$out" --proof "$out/proof.json")
  constraints=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['constraints'])" "$out/settings.json")
  proof=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['proof'])//2)" "$out/proof.json")
  pk=$(du -m "$out/pk.bin" | cut -f1)
  echo "| $name | $constraints | $cs | $ss | $ps | $vs | $(mib "$sm") / $(mib "$pm") | $proof | $pk |"
done
