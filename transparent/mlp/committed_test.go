package mlp

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
)

var hidingParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}

// TestCommittedWeights: a model with committed weights proves the fixed
// model's outputs and verifies from its architecture and commitments
// alone (the verifier's model has no weights); the commitments are fresh
// for every proof, the model commitment (the root) a function of the
// weights and the salt.
func TestCommittedWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 31))
	m := model(t, rng, 64, 32, 10, 256)
	x := input(rng, 2*64)
	salt := [32]byte{7}
	cm, coms, err := m.CommitWeights(hidingParams, salt)
	if err != nil {
		t.Fatal(err)
	}
	if len(coms) != 4 {
		t.Fatalf("%d commitments for two layers with biases", len(coms))
	}
	again, againComs, _ := m.CommitWeights(hidingParams, salt)
	other, _, _ := m.CommitWeights(hidingParams, [32]byte{8})
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
	if cm.root.Root() != root || again.root.Root() != root || other.root.Root() == root {
		t.Fatal("the model commitment is not weightroot.Root of the weights and the salt")
	}
	proof, y, err := ProveCommitted(hidingParams, cm, coms, 2, x)
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := m.Run(2, x)
	if !slices.Equal(y, want) {
		t.Fatalf("outputs %v, the fixed model gives %v", y, want)
	}
	arch := &Model{InBits: m.InBits, Layers: slices.Clone(m.Layers)}
	for i := range arch.Layers { // the verifier holds no weights
		arch.Layers[i].W = nil
		arch.Layers[i].B = make([]int64, arch.Layers[i].N)
	}
	if err := VerifyCommitted(hidingParams, arch, 2, y, proof); err != nil {
		t.Fatalf("honest proof rejected: %v", err)
	}
	bad := slices.Clone(y)
	bad[0]++
	if err := VerifyCommitted(hidingParams, arch, 2, bad, proof); err == nil {
		t.Error("another output accepted")
	}
	for i := range proof.Weights {
		tp := proof
		tp.Weights = slices.Clone(proof.Weights)
		tp.Weights[i].Root[3] ^= 1
		if err := VerifyCommitted(hidingParams, arch, 2, y, tp); err == nil {
			t.Errorf("commitment %d tampered: accepted", i)
		}
	}
	if _, _, err := ProveCommitted(testParams, cm, coms, 2, x); err == nil {
		t.Error("committed weights proven with binding commitments")
	}
}

// TestCommittedWrongWeights: a prover that commits to one model's weights
// and proves with another's — the transcript binding the committed roots,
// its sumchecks run on the other W and b, and their final values W̃(r_k, r_j)
// and b̃(r_j) stated as claims on the committed tables — is caught by the
// batch's opening of the weights, for each layer's W and b changed alone.
func TestCommittedWrongWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 32))
	m := model(t, rng, 32, 16, 4, 64)
	x := input(rng, 32)
	salt := [32]byte{9}
	arch := &Model{InBits: m.InBits, Layers: slices.Clone(m.Layers)}
	for _, c := range []struct {
		name         string
		layer, entry int
		bias         bool
	}{{"W0", 0, 5, false}, {"b0", 0, 3, true}, {"W1", 1, 7, false}, {"b1", 1, 0, true}} {
		t.Run(c.name, func(t *testing.T) {
			// a hiding commitment's prover data serves one proof: recommit
			cm, coms, err := m.CommitWeights(hidingParams, salt)
			if err != nil {
				t.Fatal(err)
			}
			cheat := &Model{InBits: cm.InBits, Layers: slices.Clone(cm.Layers), gemm: slices.Clone(cm.gemm), root: cm.root}
			l := cheat.Layers[c.layer]
			g := *cm.gemm[c.layer]
			if c.bias {
				l.B = slices.Clone(l.B)
				l.B[c.entry] += 3
				g.B = slices.Clone(g.B)
				g.B[c.entry].SetInt64(l.B[c.entry])
			} else {
				l.W = slices.Clone(l.W)
				l.W[c.entry] += 3
				g.W = slices.Clone(g.W)
				g.W[c.entry].SetInt64(l.W[c.entry])
			}
			cheat.Layers[c.layer], cheat.gemm[c.layer] = l, &g
			proof, y, err := ProveCommitted(hidingParams, cheat, coms, 1, x)
			if err != nil {
				t.Fatal(err)
			}
			err = VerifyCommitted(hidingParams, arch, 1, y, proof)
			if err == nil {
				t.Fatal("a proof with other weights than the committed ones was accepted")
			}
			if !strings.Contains(err.Error(), "batch") {
				t.Errorf("rejected by %v, want the batch's opening", err)
			}
		})
	}
}
