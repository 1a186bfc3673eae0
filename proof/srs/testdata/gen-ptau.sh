#!/usr/bin/env bash
# Regenerates the small powers-of-tau files the SRS tests read, with snarkjs
# (pinned; installed into a temporary directory, not the repository):
#   pot9.ptau        power 9 (PLONK circuits up to 2^9 rows), one contribution
#                    and a random beacon, as `snarkjs powersoftau` makes them
#   pot5_final.ptau  power 5, prepared for phase 2 (with the Lagrange sections
#                    12–15 that the public Hermez files carry)
# Usage: proof/srs/testdata/gen-ptau.sh   (needs node and npm; ~10 s)
set -euo pipefail
SNARKJS_VERSION=0.7.6
out="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
echo '{"name":"ptau-gen","private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error "snarkjs@$SNARKJS_VERSION" >/dev/null
snarkjs() { node node_modules/snarkjs/build/cli.cjs "$@"; }
beacon=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20

snarkjs powersoftau new bn128 9 p9_0.ptau
snarkjs powersoftau contribute p9_0.ptau p9_1.ptau --name="zkinfer test" -e="zkinfer test entropy $RANDOM$RANDOM"
snarkjs powersoftau beacon p9_1.ptau "$out/pot9.ptau" "$beacon" 10 -n="beacon"
snarkjs powersoftau verify "$out/pot9.ptau"

snarkjs powersoftau new bn128 5 p5_0.ptau
snarkjs powersoftau contribute p5_0.ptau p5_1.ptau --name="zkinfer test" -e="zkinfer test entropy $RANDOM$RANDOM"
snarkjs powersoftau prepare phase2 p5_1.ptau "$out/pot5_final.ptau"
snarkjs powersoftau verify "$out/pot5_final.ptau"
ls -l "$out"/*.ptau
