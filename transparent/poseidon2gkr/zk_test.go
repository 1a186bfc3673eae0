package poseidon2gkr

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

// TestZeroKnowledge: two different tables of 2^3 leaves (so two roots:
// two private tables with one root cannot be found), each proven 48
// times in zero knowledge. For every masked value the verifier receives —
// each layer's finals û_0, û_1, ĉ, the leaves' sumcheck's L̂ and the mask
// reduction's M̂ — the low bits of (revealed − its private form: the
// plain table's MLE at the point, which a verifier guessing the leaves
// would compute) are uniform (chi-square with 3 degrees of freedom below
// zktest.Crit), and so are the low bits of every value the verifier
// receives (every sumcheck's rounds, finals, tail finals, Libra masks' sums
// and values, the Libra masks' pool's reduction; zktest.Counts.Sumcheck),
// for each table. With the masks
// zeroed (the layer masks by zeroMasks, the vanishing masks of the leaves'
// and the mask table's commitments by pcs.SetZeroVanishingForTests) every
// difference is 0 and its statistic fails: the test can fail.
func TestZeroKnowledge(t *testing.T) {
	if testing.Short() {
		t.Skip("192 proofs")
	}
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	defer func() { sumcheck.MaskParams, zeroMasks = saved, false; pcs.SetZeroVanishingForTests(false) }()
	inputs := []mle.Table{leavesOf(3), append(mle.Table(nil), rand("other leaves", 8)...)}
	for _, zero := range []bool{false, true} {
		zeroMasks = zero
		pcs.SetZeroVanishingForTests(zero)
		runs := 48
		if zero {
			runs = 16
		}
		for xi, leaves := range inputs {
			delta, raw := zktest.Counts{}, zktest.Counts{}
			hook := func(k, i int, plain [3]mle.Table, rho []fr.Element, p *sumcheck.Proof) {
				if k == -2 { // the Libra masks' pool: its rounds and P̂(ρ), hidden by its vanishing row
					raw.Sumcheck("masks' pool reduction", p)
					return
				}
				name := fmt.Sprintf("level %d round %d", k, i)
				finals := []int{tU0, tU1, tCarry}
				if k == 3 || k == -1 {
					name, finals = map[int]string{3: "leaves' sumcheck", -1: "mask reduction"}[k], []int{1}
				}
				raw.Sumcheck(name, p)
				for j, f := range finals {
					priv, _ := plain[j].Eval(rho)
					var d fr.Element
					d.Sub(&p.Finals[f], &priv)
					delta.Add(fmt.Sprintf("%s final %d", name, f), d)
				}
			}
			for range runs {
				data, err := pcs.Commit(zkParams, leaves)
				if err != nil {
					t.Fatal(err)
				}
				proof, root, err := proveTree(transcript.New("zk"), data, nil, cheats{}, hook)
				if err != nil {
					t.Fatal(err)
				}
				if err := VerifyTree(transcript.New("zk"), zkParams, data.Commitment(), root, proof, nil); err != nil {
					t.Fatal(err)
				}
			}
			if len(delta) != 3*Rounds*3+2 {
				t.Fatalf("%d masked values seen, want %d", len(delta), 3*Rounds*3+2)
			}
			zktest.CheckRevealed(t, xi, zero, zktest.Crit, delta, raw)
		}
	}
}
