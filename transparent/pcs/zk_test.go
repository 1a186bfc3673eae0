package pcs_test

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

func randPts(n int) []fr.Element {
	p := make([]fr.Element, n)
	for i := range p {
		p[i].SetRandom()
	}
	return p
}

// TestVanishingValuesUniform: the values a proof reveals about a table with
// a vanishing mask — f̂ at fixed points (an opening, two batch value
// claims), a mask claim s̃(w) and the batch's V_0 = f̂(ρ) + τ·s̃(ρ_col) —
// have uniform low bits over 200 fresh commitments, for two tables with the
// same public facts (the same sum; they differ at entries 0 and 1), and
// never equal f̃ at their point. With the vanishing mask forced to zero
// (pcs.SetZeroVanishing) the same statistics fail and f̃(z) and f̃(ρ) are
// read off the proof, so the test can fail. About 10^-6 per statistic
// (chi-square with 3 degrees of freedom at most 30.66; the zeroed masks'
// constant statistics reach 3·200 = 600).
func TestVanishingValuesUniform(t *testing.T) {
	const n, rv, runs, crit = 6, 2, 200, 30.66
	p := pcs.Params{RateLog: 1, Queries: 8, Hiding: true, Vanishing: true}
	a := mle.Table(randPts(1 << n))
	b := append(mle.Table(nil), a...)
	one := fr.One()
	b[0].Add(&b[0], &one)
	b[1].Sub(&b[1], &one)
	z0, z1, z2, w := randPts(n), randPts(n), randPts(n), randPts(n-rv)
	names := []string{"opened f̂(z0)", "claimed f̂(z1)", "claimed f̂(z2)", "mask claim s̃(w)", "V_0"}
	for _, zero := range []bool{false, true} {
		for ti, tab := range []mle.Table{a, b} {
			pcs.SetZeroVanishing(zero)
			counts := make([][]int, len(names))
			for i := range counts {
				counts[i] = make([]int, 4)
			}
			read := 0 // runs in which f̃(z1) and f̃(ρ) are the revealed values
			for range runs {
				vals, rho, v0 := revealVanishing(t, p, tab, rv, [][]fr.Element{z0, z1, z2}, w)
				for i, x := range append(vals, v0) {
					counts[i][zktest.LowBits(x)]++
				}
				f1, _ := tab.Eval(z1)
				fr0, _ := tab.Eval(rho)
				if vals[1].Equal(&f1) && v0.Equal(&fr0) {
					read++
				}
			}
			pcs.SetZeroVanishing(false)
			worst := 0.0
			for i := range names {
				c := zktest.ChiSquare(counts[i]) // each row counts runs values
				if !zero && c > crit {
					t.Errorf("table %d: %s not uniform (chi-square %.1f > %.1f)", ti, names[i], c, crit)
				}
				worst = max(worst, c)
			}
			switch {
			case !zero && read > 0:
				t.Errorf("table %d: f̃(z1) and f̃(ρ) read off %d proofs despite the vanishing mask", ti, read)
			case zero && worst <= crit:
				t.Errorf("table %d, vanishing mask zero: statistics still uniform (%.1f): the test cannot fail", ti, worst)
			case zero && read != runs:
				t.Errorf("table %d, vanishing mask zero: f̃ read off %d of %d proofs: the reconstruction cannot fail", ti, read, runs)
			}
		}
	}
}

// revealVanishing commits tab twice (fresh masks): opens the first at
// zs[0]; on the second batches value claims at zs[1:] and a mask claim at
// w. It returns what the verifier sees (f̂(zs[0]), the claims' values, the
// mask claim's value), the reduction's ρ and the stated V_0.
func revealVanishing(t *testing.T, p pcs.Params, tab mle.Table, rv int, zs [][]fr.Element, w []fr.Element) ([]fr.Element, []fr.Element, fr.Element) {
	t.Helper()
	d0, err := pcs.CommitShape(p, tab, rv)
	if err != nil {
		t.Fatal(err)
	}
	y0, op, _, err := d0.Open(transcript.New("zk"), zs[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := pcs.Verify(transcript.New("zk"), p, d0.Commitment(), zs[0], y0, op); err != nil {
		t.Fatal(err)
	}
	d, err := pcs.CommitShape(p, tab, rv)
	if err != nil {
		t.Fatal(err)
	}
	bp, bv := batch.NewProver(), batch.NewVerifier()
	vals := []fr.Element{y0}
	for _, z := range zs[1:] {
		y := d.MaskedEval(z)
		if err := bp.Claim(d, z, y); err != nil {
			t.Fatal(err)
		}
		bv.Check(nil, p, d.Commitment(), z, y, pcs.Opening{})
		vals = append(vals, y)
	}
	ys, _ := mle.Table(d.MaskRow()).Eval(w)
	if err := bp.ClaimMask(d, w, ys); err != nil {
		t.Fatal(err)
	}
	bv.CheckMask(d.Commitment(), w, ys)
	vals = append(vals, ys)
	proof, err := bp.Prove(transcript.New("zk"))
	if err != nil {
		t.Fatal(err)
	}
	if err := bv.Verify(transcript.New("zk"), p, proof); err != nil {
		t.Fatal(err)
	}
	return vals, bv.Points()[0], proof.Groups[0].Finals[0]
}
