//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/consensys/gnark/logger"
)

// main registers zkinferVerify(vk, settings, proof, options) and waits for
// calls. gnark's debug log, which would go to the console, is off.
func main() {
	logger.Disable()
	js.Global().Set("zkinferVerify", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 4 || args[0].Type() != js.TypeObject {
			return verifyJSON(nil, nil, nil, nil) // ParseSettings says what is wrong
		}
		vk := make([]byte, args[0].Get("length").Int())
		js.CopyBytesToGo(vk, args[0])
		return verifyJSON(vk, []byte(args[1].String()), []byte(args[2].String()), []byte(args[3].String()))
	}))
	select {}
}
