package proof_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
	"github.com/zkinfer/zkinfer/quant"
)

// TestCeremonyCost times each step of a ceremony with two participants per
// phase on corpus models and reports the state files' sizes, the numbers in
// docs/SETUP.md. It is slow, so it runs only with ZKINFER_CEREMONY_COST set
// to a list of corpus models:
//
//	ZKINFER_CEREMONY_COST=accuracy go test -run TestCeremonyCost -v ./proof
func TestCeremonyCost(t *testing.T) {
	for _, name := range testkit.ModelsFromEnv(t, "ZKINFER_CEREMONY_COST") {
		path, input := testkit.CorpusModel(t, name)
		c, err := proof.CompileWith(path, t.TempDir(), proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility})
		if err != nil {
			t.Fatal(err)
		}
		work := t.TempDir()
		var files []string
		timed := func(what string, f func(out string) error) {
			t.Helper()
			out := filepath.Join(work, fmt.Sprintf("%02d", len(files)))
			start := time.Now()
			if err := f(out); err != nil {
				t.Fatal(err)
			}
			d := time.Since(start).Seconds()
			if st, err := os.Stat(out); err == nil {
				files = append(files, out)
				t.Logf("%s %s: %.1fs, state %d KiB", name, what, d, st.Size()>>10)
			} else {
				t.Logf("%s %s: %.1fs", name, what, d)
			}
		}
		contribute := func(out string) error {
			_, err := ceremony.Contribute(files[len(files)-1], out, nil)
			return err
		}
		b1, _ := ceremony.ParseBeacon(beacon1)
		b2, _ := ceremony.ParseBeacon(beacon2)
		t.Logf("%s: %d constraints (%s range checks)", name, c.Settings.Constraints, c.Settings.RangeCheck)
		timed("init", func(out string) error { _, err := c.CeremonyInit(out); return err })
		timed("phase 1 contribution 1", contribute)
		timed("phase 1 contribution 2", contribute)
		timed("phase 2 start (seal phase 1, initialize)", func(out string) error { _, err := c.CeremonyPhase2(files[len(files)-1], out, b1, nil); return err })
		timed("phase 2 contribution 1", contribute)
		timed("phase 2 contribution 2", contribute)
		timed("finalize", func(string) error { return c.CeremonyFinalize(files[len(files)-1], ceremony.WithBeacon(b2), nil) })
		timed("verify the chain and the keys", func(string) error { _, err := verifyCeremony(files, c.Dir); return err })
		in, err := model.ReadInput(input)
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Prove(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Verify(p); err != nil {
			t.Fatal(err)
		}
	}
}
