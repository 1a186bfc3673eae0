package main

import (
	"flag"
	"fmt"

	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/web"
)

func init() {
	commands = append(commands, command{"export-web", "DIR --out DIR2 [--js PKG]", "write what a web page needs to verify DIR's proofs in a browser: vk.bin, settings.json, the verification page and the WebAssembly verifier (serve DIR2 and open index.html)", cmdExportWeb})
}

// cmdExportWeb writes a set-up directory's verifying key and settings, the
// page of package web and the npm package (the verifier as WebAssembly)
// into --out.
func cmdExportWeb(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "directory to write the page and the model's export into")
	pkg := fs.String("js", "js", "the zkinfer npm package: this repository's js/ after make wasm, or node_modules/zkinfer")
	pos, err := parse(fs, args, 1, "out")
	if err != nil {
		return err
	}
	c, err := proof.Open(pos[0])
	if err != nil {
		return err
	}
	if err := web.Export(c, *out, *pkg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: index.html, vk.bin, settings.json and zkinfer/ (serve it and open index.html; the page requests nothing beyond its own files)\n", *out)
	return nil
}
