//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main says how to build the command: it runs only as WebAssembly.
func main() {
	fmt.Fprintln(os.Stderr, "zkinfer-wasm runs as WebAssembly only: GOOS=js GOARCH=wasm go build ./cmd/zkinfer-wasm (or make wasm)")
	os.Exit(2)
}
