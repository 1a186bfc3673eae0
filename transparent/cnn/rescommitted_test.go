package cnn

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

// resArchOf is the verifier's view of r: shapes, biases' presence, shifts,
// bits, pools, the average pools' public weights; the convolutions' and
// dense layers' weights zeroed (WithCommitments reads none).
func resArchOf(t *testing.T, r *Residual) *Residual {
	t.Helper()
	nodes := slices.Clone(r.Nodes)
	for i := range nodes {
		if c := &nodes[i].Conv; nodes[i].Kind == NodeConv {
			c.W = make([]int64, len(c.W))
			if c.B != nil {
				c.B = make([]int64, len(c.B))
			}
		}
	}
	dense := slices.Clone(r.Dense)
	for i := range dense {
		dense[i].W = make([]int64, len(dense[i].W))
		if dense[i].B != nil {
			dense[i].B = make([]int64, len(dense[i].B))
		}
	}
	a, err := NewResidual(r.InBits, r.In, nodes, dense)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// smallRes is resnet_c32's shape with two channels on 8×8 (a projection
// skip in its second block), compiled, with a quantized input.
func smallRes(t *testing.T) (*Residual, []int64) {
	_, r, x, _ := resCompiled(t, resGraph(2, 8, false, rand.New(rand.NewPCG(2, 8))), rand.New(rand.NewPCG(7, 7)))
	return r, x
}

// TestResidualCommitted: a small residual network with committed weights,
// under vanishing masks (the CLI's parameters), proves the fixed network's
// outputs and verifies from the architecture and the commitments (one per
// convolution node's weights and bias, then the dense layers'); another
// output, each tampered commitment, a missing or an extra commitment,
// another proof's commitments and binding parameters are refused; the
// commitments are fresh, the root a function of the weights and the salt.
func TestResidualCommitted(t *testing.T) {
	r, x := smallRes(t)
	p := vanishingParams
	salt := [32]byte{9}
	cr, coms, err := r.CommitWeights(p, salt)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, i := range r.ConvNodes() {
		want += 1 + btoi(r.Nodes[i].Conv.B != nil)
	}
	for _, d := range r.Dense {
		want += 1 + btoi(d.B != nil)
	}
	if len(coms) != want || len(r.ConvNodes()) < 5 {
		t.Fatalf("%d commitments for %d convolution nodes, want %d", len(coms), len(r.ConvNodes()), want)
	}
	again, againComs, _ := r.CommitWeights(p, salt)
	for i := range coms {
		if coms[i] == againComs[i] {
			t.Fatalf("commitment %d repeats under the same salt: not fresh", i)
		}
	}
	otherNet, other, _ := r.CommitWeights(p, [32]byte{10})
	tables, wide := r.WeightTables()
	root, err := weightroot.Root(tables, wide, salt)
	if err != nil {
		t.Fatal(err)
	}
	if cr.root.p.Root() != root || again.root.p.Root() != root || otherNet.root.p.Root() == root {
		t.Fatal("the model commitment is not weightroot.Root of the weights and the salt")
	}
	proof, y, err := ProveResidualCommitted(p, cr, coms, x)
	if err != nil {
		t.Fatal(err)
	}
	if run, _ := r.Run(x); !slices.Equal(y, run) {
		t.Fatalf("outputs %v, the fixed network gives %v", y, run)
	}
	ar := resArchOf(t, r)
	if err := VerifyResidualCommitted(p, ar, y, proof); err != nil {
		t.Fatalf("honest proof rejected: %v", err)
	}
	if err := VerifyResidual(p, ar, y, proof.ResProof); err == nil {
		t.Error("the proof verified against zero public weights")
	}
	bad := slices.Clone(y)
	bad[0]++
	if err := VerifyResidualCommitted(p, ar, bad, proof); err == nil {
		t.Error("another output accepted")
	}
	for i := range proof.Weights {
		tp := proof
		tp.Weights = slices.Clone(proof.Weights)
		tp.Weights[i].Root[0] ^= 1
		if err := VerifyResidualCommitted(p, ar, y, tp); err == nil {
			t.Errorf("commitment %d tampered: accepted", i)
		}
	}
	for name, ws := range map[string][]pcs.Commitment{
		"one missing":  proof.Weights[:len(proof.Weights)-1],
		"one extra":    append(slices.Clone(proof.Weights), proof.Weights[0]),
		"another salt": other,
	} {
		tp := proof
		tp.Weights = ws
		if err := VerifyResidualCommitted(p, ar, y, tp); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := VerifyResidualCommitted(testParams, ar, y, proof); err == nil {
		t.Error("accepted under binding parameters")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestResidualCommittedWrongWeights: a prover that commits to the
// network's weights and proves with one weight or bias changed — of the
// skip path's 1×1 projection convolution, of a main-path convolution, of
// the dense head — the honest roots in its transcript, its sumcheck on the
// other weights and their final value claimed on the committed table, is
// caught by the batch's opening of the weights. Under hiding commitments
// the verifier's batch rejects it; under vanishing masks (the CLI's) the
// batch's prover already refuses the claim (its value is not f̂ of the
// committed table), and were it forced through, the verifier would reject
// it as under hiding (conv's and matmul's zk tests cover that layer by
// layer).
func TestResidualCommittedWrongWeights(t *testing.T) {
	r, x := smallRes(t)
	ar := resArchOf(t, r)
	proj, main := -1, -1
	for _, i := range r.ConvNodes() {
		if r.Nodes[i].Conv.Shape.KH == 1 {
			proj = i
		} else if main < 0 && i > 0 {
			main = i
		}
	}
	if proj < 0 || main < 0 {
		t.Fatal("no projection convolution or no main-path convolution after the stem")
	}
	cases := []struct {
		name string
		node int // -1: the dense head's layer 0
		bias bool
	}{
		{"projection weight", proj, false},
		{"projection bias", proj, true},
		{"main-path weight", main, false},
		{"dense weight", -1, false},
		{"dense bias", -1, true},
	}
	for _, c := range cases {
		for _, p := range []pcs.Params{hidingParams, vanishingParams} {
			t.Run(fmt.Sprintf("%s vanishing=%v", c.name, p.Vanishing), func(t *testing.T) {
				cr, coms, err := r.CommitWeights(p, [32]byte{5})
				if err != nil {
					t.Fatal(err)
				}
				cheat := *cr
				if c.node >= 0 {
					cheat.Nodes = slices.Clone(cr.Nodes)
					cheat.conv = slices.Clone(cr.conv)
					cv := &cheat.Nodes[c.node].Conv
					l := *cr.conv[c.node]
					if c.bias {
						cv.B = slices.Clone(cv.B)
						cv.B[0] += 5
						l.Bias = cv.B
					} else {
						cv.W = slices.Clone(cv.W)
						cv.W[0] += 5
						l.Weights = cv.W
					}
					cheat.conv[c.node] = &l
				} else {
					cheat.Dense = slices.Clone(cr.Dense)
					cheat.gemm = slices.Clone(cr.gemm)
					d := &cheat.Dense[0]
					g := *cr.gemm[0]
					if c.bias {
						d.B = slices.Clone(d.B)
						d.B[0] += 5
						g.B = slices.Clone(g.B)
						g.B[0].SetInt64(d.B[0])
					} else {
						d.W = slices.Clone(d.W)
						d.W[0] += 5
						g.W = slices.Clone(g.W)
						g.W[0].SetInt64(d.W[0])
					}
					cheat.gemm[0] = &g
				}
				proof, y, err := ProveResidualCommitted(p, &cheat, coms, x)
				if p.Vanishing {
					if err == nil || !strings.Contains(err.Error(), "batch: the stated value is not f̂") {
						t.Fatalf("the batch's prover did not refuse the claim on other weights: %v", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				err = VerifyResidualCommitted(p, ar, y, proof)
				if err == nil {
					t.Fatal("a proof with other weights than the committed ones was accepted")
				}
				if !strings.Contains(err.Error(), "batch") {
					t.Errorf("rejected by %v, want the batch's opening", err)
				}
			})
		}
	}
}
