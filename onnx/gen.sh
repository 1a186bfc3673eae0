#!/usr/bin/env bash
# Regenerates onnx.pb.go from the onnx.proto that Debian's libonnx-dev ships.
# Needs: apt-get install -y libonnx-dev protobuf-compiler
#        go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.10
set -euo pipefail
cd "$(dirname "$0")"
proto=${ONNX_PROTO:-/usr/include/onnx/onnx.proto}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$proto" "$tmp/onnx.proto"
PATH="$(go env GOPATH)/bin:$PATH" protoc -I "$tmp" \
  --go_out=. --go_opt=paths=source_relative \
  --go_opt=Monnx.proto=github.com/zkinfer/zkinfer/onnx \
  "$tmp/onnx.proto"
