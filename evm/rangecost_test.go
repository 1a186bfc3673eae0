//go:build evm

package evm_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// TestRangeCheckCost measures what each range-check gadget costs off chain
// (constraints, setup, prove, proving key) and on chain (gas), the numbers
// behind ops.AutoBitsMaxConstraints and docs/EVM.md. It is slow, so it runs
// only with ZKINFER_EVM_COST set to a comma-separated list of corpus models:
//
//	ZKINFER_EVM_COST=1l_mlp,accuracy,3l_relu_conv_fc go test -run TestRangeCheckCost -v ./evm
func TestRangeCheckCost(t *testing.T) {
	names := testkit.ModelsFromEnv(t, "ZKINFER_EVM_COST")
	o := newOnChain(t)
	corpus := testkit.Corpus(t)
	for _, name := range names {
		for _, mode := range []circuit.RangePolicy{circuit.RangeBits, circuit.RangeLookup} {
			dir := t.TempDir()
			t0 := time.Now()
			c, err := proof.CompileWith(filepath.Join(corpus, name, "network.onnx"), dir, proof.CompileOptions{Quant: quant.Default, Visibility: circuit.DefaultVisibility, RangeCheck: mode})
			if err != nil {
				t.Logf("%s: %v", name, err)
				break
			}
			t1 := time.Now()
			if err := c.Setup(nil); err != nil {
				t.Fatal(err)
			}
			t2 := time.Now()
			in, err := model.ReadInput(filepath.Join(corpus, name, "input.json"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.Prove(in, nil)
			if err != nil {
				t.Fatal(err)
			}
			t3 := time.Now()
			st, err := os.Stat(filepath.Join(dir, proof.ProvingKey))
			if err != nil {
				t.Fatal(err)
			}
			s := &setup{c: c, proof: p}
			vk, err := c.ReadAnyVerifyingKey()
			if err != nil {
				t.Fatal(err)
			}
			if s.v, err = exportVK(vk); err != nil {
				t.Fatal(err)
			}
			d := o.deploy(s.v)
			r := o.verify(d, call(t, p).Calldata())
			if !r.Accepted {
				t.Fatalf("%s/%s rejected: %s", name, mode, r.Reason)
			}
			t.Logf("| %s | %s | %d | %.2f | %.2f | %.2f | %d | %d | %d |", name, mode, c.Settings.Constraints,
				t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds(), t3.Sub(t2).Seconds(), st.Size()>>10, r.GasUsed, r.Calldata)
		}
	}
}
