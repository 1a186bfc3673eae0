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

var hidingParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}

// archOf is the verifier's view of m: shapes, biases' presence, shifts,
// bits, pools; the weights zeroed (WithCommitments reads none).
func archOf(t *testing.T, m *Model) *Model {
	t.Helper()
	convs := slices.Clone(m.Convs)
	for i := range convs {
		convs[i].W = make([]int64, len(convs[i].W))
		if convs[i].B != nil {
			convs[i].B = make([]int64, len(convs[i].B))
		}
	}
	dense := slices.Clone(m.Dense)
	for i := range dense {
		dense[i].W = make([]int64, len(dense[i].W))
		if dense[i].B != nil {
			dense[i].B = make([]int64, len(dense[i].B))
		}
	}
	a, err := NewModel(m.InBits, convs, dense)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCommittedWeights: small CNNs with committed weights prove the fixed
// model's outputs and verify from the architecture and the commitments;
// another output, a tampered commitment and binding parameters are
// rejected; the commitments are fresh for every proof and the model
// commitment (the root) a function of the weights and the salt.
func TestCommittedWeights(t *testing.T) {
	for _, a := range []arch{{1, 8, 2, 4, 3}, {2, 12, 3, 6, 4}} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(a.C)+40, uint64(a.S)))
			mod, m, in := compiled(t, cnnGraph(a, rng), rng)
			q, err := mod.Quantize(in)
			if err != nil {
				t.Fatal(err)
			}
			salt := [32]byte{byte(a.C)}
			cm, coms, err := m.CommitWeights(hidingParams, salt)
			if err != nil {
				t.Fatal(err)
			}
			again, againComs, _ := m.CommitWeights(hidingParams, salt)
			for i := range coms {
				if coms[i] == againComs[i] {
					t.Fatalf("commitment %d repeats under the same salt: not fresh", i)
				}
			}
			tables, wide := m.WeightTables()
			root, err := weightroot.Root(tables, wide, salt)
			if err != nil {
				t.Fatal(err)
			}
			if cm.root.p.Root() != root || again.root.p.Root() != root {
				t.Fatal("the model commitment is not weightroot.Root of the weights and the salt")
			}
			proof, y, err := ProveCommitted(hidingParams, cm, coms, q[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			want, err := m.Run(q[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(y, want) {
				t.Fatalf("outputs %v, the fixed model gives %v", y, want)
			}
			ar := archOf(t, m)
			if err := VerifyCommitted(hidingParams, ar, y, proof); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
			if proof.ModelCommitment() != root {
				t.Fatal("the proof's model commitment is not the root")
			}
			bad := slices.Clone(y)
			bad[0]++
			if err := VerifyCommitted(hidingParams, ar, bad, proof); err == nil {
				t.Error("another output accepted")
			}
			for i := range proof.Weights {
				tp := proof
				tp.Weights = slices.Clone(proof.Weights)
				tp.Weights[i].Root[0] ^= 1
				if err := VerifyCommitted(hidingParams, ar, y, tp); err == nil {
					t.Errorf("commitment %d tampered: accepted", i)
				}
			}
			if err := VerifyCommitted(testParams, ar, y, proof); err == nil {
				t.Error("accepted under binding parameters")
			}
		})
	}
}

// TestCommittedWrongWeights: a prover that commits to the model's weights
// and proves with one convolution weight or bias changed — the committed
// roots in its transcript, its sumcheck on the other weights and their
// final value claimed on the committed table — is caught by the batch's
// opening of the weights.
func TestCommittedWrongWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(44, 44))
	a := arch{1, 8, 2, 4, 3}
	mod, m, in := compiled(t, cnnGraph(a, rng), rng)
	q, err := mod.Quantize(in)
	if err != nil {
		t.Fatal(err)
	}
	ar := archOf(t, m)
	for _, bias := range []bool{false, true} {
		t.Run(fmt.Sprint("bias=", bias), func(t *testing.T) {
			cm, coms, err := m.CommitWeights(hidingParams, [32]byte{5})
			if err != nil {
				t.Fatal(err)
			}
			cheat := *cm
			cheat.Convs = slices.Clone(cm.Convs)
			cheat.conv = slices.Clone(cm.conv)
			c := &cheat.Convs[0]
			l := *cm.conv[0]
			if bias {
				if c.B == nil {
					t.Skip("no bias")
				}
				c.B = slices.Clone(c.B)
				c.B[0] += 5
				l.Bias = c.B
			} else {
				c.W = slices.Clone(c.W)
				c.W[1] += 5
				l.Weights = c.W
			}
			cheat.conv[0] = &l
			proof, y, err := ProveCommitted(hidingParams, &cheat, coms, q[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			err = VerifyCommitted(hidingParams, ar, y, proof)
			if err == nil {
				t.Fatal("a proof with other weights than the committed ones was accepted")
			}
			if !strings.Contains(err.Error(), "batch") {
				t.Errorf("rejected by %v, want the batch's opening", err)
			}
		})
	}
}
