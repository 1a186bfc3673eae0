package circuit

import (
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	gkrposeidon2 "github.com/consensys/gnark/std/hash/poseidon2/gkr-poseidon2"

	"github.com/zkinfer/zkinfer/ops"
)

// costCircuit binds N secret 16-bit weights with one scheme.
type costCircuit struct {
	W      []frontend.Variable
	Salt   frontend.Variable
	Digest frontend.Variable `gnark:",public"`
	scheme string
}

func (c *costCircuit) Define(api frontend.API) error {
	rc := ops.NewRangeChecker(api, ops.RangeBits)
	if c.scheme == "p2-lookup" {
		rc = ops.NewRangeChecker(api, ops.RangeLookup)
	}
	for _, w := range c.W {
		rc.Check(api.Add(w, 1<<15), 16)
	}
	info := &ops.Info{Shape: []int{len(c.W)}, Max: 1 << 15}
	switch c.scheme {
	case "range-only":
		api.AssertIsEqual(c.Digest, c.Salt)
	case "p2", "p2-lookup":
		h, err := commitCircuit(api, TagParams, []*ops.Info{info}, [][]frontend.Variable{c.W}, c.Salt)
		if err != nil {
			return err
		}
		api.AssertIsEqual(h, c.Digest)
	case "gkr":
		p := pack([]*ops.Info{info})
		terms := make([][]frontend.Variable, p.n)
		for k, v := range c.W {
			terms[p.elem[k]] = append(terms[p.elem[k]], api.Mul(api.Add(v, 1<<16), pow2(p.off[k])))
		}
		h, err := gkrposeidon2.New(api)
		if err != nil {
			return err
		}
		for _, t := range terms {
			h.Write(api.Add(t[0], 0, t[1:]...))
		}
		h.Write(c.Salt)
		api.AssertIsDifferent(h.Sum(), c.Digest) // the digest is not computed natively here
	case "pedersen":
		// The weights and the salt go into gnark's Groth16 commitment: the
		// proof carries D = Σ w_i·K_i + s·K_s; the challenge is unused.
		ch, err := api.(frontend.Committer).Commit(append(append([]frontend.Variable{}, c.W...), c.Salt)...)
		if err != nil {
			return err
		}
		api.AssertIsDifferent(ch, c.Digest)
	}
	return nil
}

// TestMeasureCommitmentCost measures the schemes for binding secret weights
// (ZKINFER_MEASURE=N weights; skipped otherwise).
func TestMeasureCommitmentCost(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ZKINFER_MEASURE"))
	if n == 0 {
		t.Skip("set ZKINFER_MEASURE=number of weights to measure")
	}
	prove := os.Getenv("ZKINFER_MEASURE_PROVE")
	for _, scheme := range []string{"range-only", "p2", "p2-lookup", "gkr", "pedersen"} {
		c := &costCircuit{W: make([]frontend.Variable, n), scheme: scheme}
		start := time.Now()
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			t.Fatalf("%s: %v", scheme, err)
		}
		t.Logf("%-10s %d weights: %d constraints (compile %.1fs)", scheme, n, cs.GetNbConstraints(), time.Since(start).Seconds())
		if prove == "" || (scheme != "p2" && scheme != "pedersen" && scheme != "p2-lookup") {
			continue
		}
		a := &costCircuit{W: make([]frontend.Variable, n), Salt: 7, scheme: scheme}
		vals := make([]int64, n)
		for i := range a.W {
			vals[i] = rand.Int64N(1<<16) - 1<<15
			a.W[i] = vals[i]
		}
		a.Digest = 1
		if scheme != "pedersen" {
			d, _ := Commit(TagParams, []*ops.Info{{Shape: []int{n}, Max: 1 << 15}}, []ops.Tensor[int64]{{Data: vals}}, big.NewInt(7))
			a.Digest = d.BigInt(new(big.Int))
		}
		w, _ := frontend.NewWitness(a, ecc.BN254.ScalarField())
		start = time.Now()
		pk, vk, err := groth16.Setup(cs)
		if err != nil {
			t.Fatal(err)
		}
		setup := time.Since(start)
		start = time.Now()
		prf, err := groth16.Prove(cs, pk, w)
		if err != nil {
			t.Fatalf("%s: %v", scheme, err)
		}
		pt := time.Since(start)
		pub, _ := w.Public()
		if err := groth16.Verify(prf, vk, pub); err != nil {
			t.Fatal(err)
		}
		t.Logf("%-10s setup %.1fs prove %.2fs", scheme, setup.Seconds(), pt.Seconds())
	}
}
