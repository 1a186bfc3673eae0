package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
)

// ignoreExtraFlag adds --ignore-extra-inputs.
func ignoreExtraFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("ignore-extra-inputs", false, "use the model's inputs from the start of IN.json and ignore the tensors after them (EZKL's example files list inputs an exporter pruned); without it, extra tensors are an error")
}

// checkRows refuses an input file that lists more tensors than the model
// takes, a batch of rows most often: zkinfer proves one inference per
// proof, and never silently drops a row. With ignore, the extra tensors
// are ignored, as EZKL does.
func checkRows(m *model.Model, in [][]float64, path string, ignore bool) error {
	n := m.ExtraInputs(in)
	if n == 0 || ignore {
		return nil
	}
	return fmt.Errorf("%s lists %d tensors and the model takes %d: a proof covers one inference, so give each row its own input file (or --ignore-extra-inputs to use the first %d and ignore the rest)", path, len(in), len(m.Inputs), len(m.Inputs))
}

// forceFlag adds --force, which lets setup and ceremony finalize replace
// existing keys.
func forceFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("force", false, "replace the keys DIR already has (every proof made with them will then fail)")
}

// keepKeys refuses to replace the keys of c's directory unless force: keys
// from a ceremony cannot be made again, and every proof made with them
// fails under new ones.
func keepKeys(c *proof.Compiled, force bool) error {
	kind := ""
	if k := c.Settings.Setup; k != nil {
		kind = k.Kind
	}
	return keepKeyFiles(c.Dir, kind, force)
}

// keepKeyFiles is keepKeys for a directory's pk.bin and vk.bin, from a
// setup of the given kind ("" when unknown).
func keepKeyFiles(dir, kind string, force bool) error {
	if force {
		return nil
	}
	var have []string
	for _, f := range []string{proof.ProvingKey, proof.VerifyingKey} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			have = append(have, f)
		}
	}
	if len(have) == 0 {
		return nil
	}
	from := ""
	if kind != "" {
		from = " (from a " + kind + " setup)"
	}
	return fmt.Errorf("%s already has %s%s: replacing them makes every proof made with them fail; pass --force to replace them", dir, strings.Join(have, " and "), from)
}

// compileWarnings are what compile says about a circuit it wrote that
// will not serve everywhere: a verifier too large for Ethereum.
func compileWarnings(c *proof.Compiled) []string {
	if w := evm.SizeWarning(c.Settings.Backend, c.Settings.PublicInputs); w != "" {
		return []string{w}
	}
	return nil
}
