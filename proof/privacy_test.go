package proof

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/quant"
)

// compileSetup compiles and sets up a model into a temporary directory.
func compileSetup(t *testing.T, path string, vis circuit.Visibility) *Compiled {
	t.Helper()
	dir := t.TempDir()
	c, err := Compile(path, dir, quant.Default, vis, nil)
	if err != nil && vis.SecretParams() && strings.Contains(err.Error(), "computed weights are not supported") {
		t.Skipf("SKIP: this op does not take secret weights yet: %v", err)
	}
	if err != nil {
		t.Fatalf("compile %+v: %v", vis, err)
	}
	if err := c.Setup(nil); err != nil {
		t.Fatal(err)
	}
	c, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVisibilityCombinationsMLP(t *testing.T) { visibilityCombinations(t, "1l_mlp", all, all, all) }

// TestVisibilityCombinationsCNN needs Conv (ops/conv.go).
func TestVisibilityCombinationsCNN(t *testing.T) {
	if _, ok := ops.Lookup("Conv"); !ok {
		t.Skip("SKIP: Conv is not implemented yet")
	}
	visibilityCombinations(t, "1l_conv", all, all, all)
	visibilityCombinations(t, "3l_relu_conv_fc", []int{2}, []int{0, 2}, []int{2})
}

var all = []int{0, 1, 2}

func visibilityCombinations(t *testing.T, name string, ivs, pvs, ovs []int) {
	path, in := testkit.CorpusInput(t, name)
	salt := big.NewInt(12345)
	for _, i := range ivs {
		iv := []circuit.Vis{circuit.Private, circuit.Public, circuit.Hashed}[i]
		for _, j := range pvs {
			pv := []circuit.Vis{circuit.Fixed, circuit.Private, circuit.Hashed}[j]
			for _, k := range ovs {
				ov := []circuit.Vis{circuit.Public, circuit.Private, circuit.Hashed}[k]
				vis := circuit.Visibility{Input: iv, Params: pv, Output: ov}
				t.Run(name+"/"+string(iv)+"-"+string(pv)+"-"+string(ov), func(t *testing.T) {
					c := compileSetup(t, path, vis)
					opt := ProveOptions{Salt: salt, ParamSalt: big.NewInt(7)}
					if vis.SecretParams() {
						opt.Weights = path
						if _, err := os.Stat(filepath.Join(c.Dir, ModelFile)); err != nil {
							t.Fatal(err)
						}
						if _, err := c.ProveWith(in, ProveOptions{}); err == nil || !strings.Contains(err.Error(), "--model") {
							t.Fatalf("proving without weights: %v", err)
						}
					}
					p, err := c.ProveWith(in, opt)
					if err != nil {
						t.Fatal(err)
					}
					if err := c.Verify(p); err != nil {
						t.Fatal(err)
					}
					if (ov == circuit.Public) != (p.Outputs != nil) {
						t.Fatalf("outputs in the proof file: %v", p.Outputs)
					}
					if len(p.PublicInputs) == 0 {
						return
					}
					// A tampered public input fails.
					bad := *p
					bad.PublicInputs = append([]string(nil), p.PublicInputs...)
					last := len(bad.PublicInputs) - 1
					bad.PublicInputs[last] = "0x" + strings.Repeat("0", 63) + "5"
					bad.Commitments = nil
					bad.Outputs = nil
					if err := c.Verify(&bad); err == nil {
						t.Fatal("a changed public input verified")
					}
				})
			}
		}
	}
}

func TestStrippedDirectoryHoldsNoWeights(t *testing.T) {
	path, _ := testkit.CorpusModel(t, "1l_mlp")
	dir := t.TempDir()
	c, err := Compile(path, dir, quant.Default, circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Settings.SecretWeights != 16 {
		t.Fatalf("secret weights %d, want 16", c.Settings.SecretWeights)
	}
	c, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name := range c.Model.Graph.Consts {
		for _, v := range c.Model.Graph.Consts[name].Data {
			if v != 0 {
				t.Fatalf("weight %s left in the directory's model", name)
			}
		}
	}
	js, _ := json.Marshal(c.Settings)
	t.Logf("%s", js)
}
