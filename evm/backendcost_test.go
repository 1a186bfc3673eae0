//go:build evm

package evm_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/evm"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// TestBackendCost measures Groth16 against PLONK, off chain (constraints,
// setup, prove and verify times, key and proof sizes) and on chain (gas),
// the numbers in docs/SETUP.md. PLONK's SRS is ZKINFER_PTAU (a .ptau large
// enough) or, without it, a development SRS (then setup includes drawing
// it). Times are medians of 3 proofs and 3 verifications. It is slow, so it
// runs only with ZKINFER_BACKEND_COST set to a list of corpus models:
//
//	ZKINFER_BACKEND_COST=accuracy ZKINFER_PTAU=pot15.ptau go test -run TestBackendCost -v ./evm
func TestBackendCost(t *testing.T) {
	names := testkit.ModelsFromEnv(t, "ZKINFER_BACKEND_COST")
	o := newOnChain(t)
	corpus := testkit.Corpus(t)
	t.Log("| model | backend | range check | constraints | setup s | prove s | verify ms | pk KiB | vk B | proof B (gnark / EVM) | gas | calldata B |")
	for _, name := range names {
		in, err := model.ReadInput(filepath.Join(corpus, name, "input.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, backend := range []proof.Backend{proof.Groth16, proof.Plonk} {
			dir := t.TempDir()
			c, err := proof.CompileWith(filepath.Join(corpus, name, "network.onnx"), dir, proof.CompileOptions{
				Quant: quant.Default, Visibility: circuit.DefaultVisibility, Backend: backend})
			if err != nil {
				t.Fatal(err)
			}
			opt := proof.SetupOptions{}
			if backend == proof.Plonk {
				opt.SRS = os.Getenv("ZKINFER_PTAU")
				opt.UnsafeDevSRS = opt.SRS == ""
			}
			t0 := time.Now()
			if err := c.SetupWith(opt); err != nil {
				t.Fatal(err)
			}
			setupS := time.Since(t0).Seconds()
			var proveS, verifyS []float64
			var p *proof.Proof
			for range 3 {
				t1 := time.Now()
				if p, err = c.Prove(in, nil); err != nil {
					t.Fatal(err)
				}
				t2 := time.Now()
				if err := c.Verify(p); err != nil {
					t.Fatal(err)
				}
				proveS, verifyS = append(proveS, t2.Sub(t1).Seconds()), append(verifyS, time.Since(t2).Seconds())
			}
			pk, _ := os.Stat(filepath.Join(dir, proof.ProvingKey))
			vkf, _ := os.Stat(filepath.Join(dir, proof.VerifyingKey))
			vk, err := c.ReadAnyVerifyingKey()
			if err != nil {
				t.Fatal(err)
			}
			s := &setup{c: c, proof: p}
			if s.v, err = evm.Export(vk); err != nil {
				t.Fatal(err)
			}
			cl := call(t, p)
			r := o.verify(o.deploy(s.v), cl.Calldata())
			if !r.Accepted {
				t.Fatalf("%s/%s rejected on chain: %s", name, backend, r.Reason)
			}
			raw, _ := hex.DecodeString(p.Proof)
			t.Logf("| %s | %s | %s | %d | %.1f | %.2f | %.1f | %d | %d | %d / %d | %d | %d |", name, backend, c.Settings.RangeCheck,
				c.Settings.Constraints, setupS, median(proveS), 1000*median(verifyS), pk.Size()>>10, vkf.Size(), len(raw), len(cl.Proof), r.GasUsed, r.Calldata)
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
