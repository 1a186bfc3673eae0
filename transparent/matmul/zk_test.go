package matmul

import (
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

var vanishingMode = mode{"vanishing", vanishingParams, true}

// committedStep returns a step instance whose layer's weights are committed
// under md's params.
func committedStep(t *testing.T, md mode, M, K, N int) (*Layer, *pcs.ProverData, mle.Table, mle.Table) {
	t.Helper()
	saved := stepParams
	stepParams = md
	defer func() { stepParams = saved }()
	layer, xData, xt, yt := stepInstance(t, M, K, N)
	cl, err := layer.Commit(md.params)
	if err != nil {
		t.Fatal(err)
	}
	return cl, xData, xt, yt
}

// TestStepCommittedHiding: committed W and b, hiding batched and hiding
// with vanishing masks, over shapes where the bias's cube is smaller,
// equal and larger than the sumcheck's (the bias term's repetition).
func TestStepCommittedHiding(t *testing.T) {
	for _, md := range []mode{modes[3], vanishingMode} {
		for _, c := range []struct{ M, K, N int }{{1, 1, 1}, {3, 5, 7}, {4, 16, 2}, {2, 2, 16}, {1, 3, 1}} {
			layer, xData, xt, yt := committedStep(t, md, c.M, c.K, c.N)
			var err error
			if err := runStep(t, md, layer, c.M, xData, xt, yt, stepCheat{}, nil); err != nil {
				t.Errorf("%s %dx%dx%d: honest committed step rejected: %v", md.name, c.M, c.K, c.N, err)
			}
			one := fr.One()
			yt[0].Add(&yt[0], &one)
			layer, _, _, _ = committedStep(t, md, c.M, c.K, c.N) // a hiding commitment serves one proof
			if xData, err = pcs.Commit(md.params, xt); err != nil {
				t.Fatal(err)
			}
			if err := runStep(t, md, layer, c.M, xData, xt, yt, stepCheat{}, nil); err == nil {
				t.Errorf("%s %dx%dx%d: wrong output accepted", md.name, c.M, c.K, c.N)
			}
		}
	}
}

// TestVanishingChecksNeeded: each new check of a step under vanishing
// masks is the only one that catches its cheat — rejected with it,
// accepted with it deleted (omit).
func TestVanishingChecksNeeded(t *testing.T) {
	one := fr.One()
	for _, c := range []struct {
		name, check string
		committed   bool
		set         func(on bool)
	}{
		{"output tail's row shifted to fit a false Y", "y tail", false, func(on bool) { zkCheat.fixTail = on }},
		{"bias term's eq table moved to fit a false Y", "bias eq", true, func(on bool) { zkCheat.forgeEq = on }},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.set(true)
			defer c.set(false)
			// 1×1×1: K and N padded to MinDim; yt[1] is then a padding
			// entry, which the step proves zero as the others.
			for _, sh := range []struct{ M, K, N int }{{3, 5, 7}, {1, 1, 1}} {
				for _, omitted := range []bool{false, true} {
					omit[c.check] = omitted
					layer, xData, xt, yt := committedStep(t, vanishingMode, sh.M, sh.K, sh.N)
					if !c.committed {
						layer, xData, xt, yt = stepInstanceIn(t, vanishingMode, sh.M, sh.K, sh.N)
					}
					yt[1].Add(&yt[1], &one)
					err := runStep(t, vanishingMode, layer, sh.M, xData, xt, yt, stepCheat{}, nil)
					delete(omit, c.check)
					if !omitted && err == nil {
						t.Fatalf("%dx%dx%d: cheat accepted", sh.M, sh.K, sh.N)
					}
					if omitted && err != nil {
						t.Fatalf("%dx%dx%d: cheat rejected without the %q check (so the test does not show it is needed): %v", sh.M, sh.K, sh.N, c.check, err)
					}
					if !omitted {
						t.Log(err)
					}
				}
			}
		})
	}
}

func stepInstanceIn(t *testing.T, md mode, M, K, N int) (*Layer, *pcs.ProverData, mle.Table, mle.Table) {
	saved := stepParams
	stepParams = md
	defer func() { stepParams = saved }()
	return stepInstance(t, M, K, N)
}

// TestVanishingStepHidesX: a layer whose W has a zero row κ0, proven for two
// private X that differ only in column κ0 (the same Y), 48 times each under
// hiding with vanishing masks. For every value the step reveals — ŷ(r),
// the final X̂(r_i, r_k), the tail's s̃_y final — the low bits of
// (revealed − the private form it would otherwise be: f̃ at its point, 0
// for a mask value) are uniform (chi-square, 3 degrees of freedom, at most
// zktest.Crit, about 10^-6 a statistic: at the 10^-4 quantile, 21.11, the
// statistics together failed by chance up to about once in a hundred
// runs), and so are the low bits of the revealed values
// and of the batch's V_c. With the vanishing masks zeroed
// (pcs.SetZeroVanishingForTests) every (revealed − private) is 0 and its
// statistic fails, so the test can fail.
func TestVanishingStepHidesX(t *testing.T) {
	const M, K, N, runs, crit = 2, 8, 4, 48, zktest.Crit
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	defer func() { sumcheck.MaskParams = saved }()
	rng := rand.New(rand.NewPCG(5, 5))
	pub, x := instance(rng, M, K, N, true)
	for j := 0; j < N; j++ {
		pub.W[j].SetZero() // row κ0 = 0 of W feeds nothing
	}
	layer, err := NewLayer(K, N, pub.W, pub.B)
	if err != nil {
		t.Fatal(err)
	}
	d := pub.dims()
	x2 := append([]fr.Element(nil), x...)
	for i := 0; i < M; i++ {
		x2[i*K].SetInt64(int64(rng.IntN(1000)))
	}
	yt := make(mle.Table, d.m*d.n) // Y = X·W + b for the zeroed row
	var p fr.Element
	for i := 0; i < M; i++ {
		for j := 0; j < N; j++ {
			yt[i*d.n+j] = pub.B[j]
			for k := 0; k < K; k++ {
				p.Mul(&x[i*K+k], &pub.W[k*N+j])
				yt[i*d.n+j].Add(&yt[i*d.n+j], &p)
			}
		}
	}
	for _, zero := range []bool{false, true} {
		pcs.SetZeroVanishingForTests(zero)
		for xi, xs := range [][]fr.Element{x, x2} {
			delta := zktest.Counts{}
			raw := zktest.Counts{}
			zkSeen = func(name string, rev, priv fr.Element) {
				var dv fr.Element
				dv.Sub(&rev, &priv)
				delta.Add(name, dv)
				raw.Add(name, rev)
			}
			for range runs {
				xt := xTable(xs, M, K, d)
				xData, err := pcs.Commit(vanishingParams, xt)
				if err != nil {
					t.Fatal(err)
				}
				lastBatch = nil
				if err := runStep(t, vanishingMode, layer, M, xData, xt, yt, stepCheat{}, nil); err != nil {
					t.Fatal(err)
				}
				for g, grp := range lastBatch.Groups {
					for k, v := range grp.Finals {
						raw.Add("V"+string(rune('0'+g))+string(rune('0'+k)), v)
					}
				}
			}
			zkSeen = nil
			zktest.CheckRevealed(t, xi, zero, crit, delta, raw)
			if len(delta) < 3 {
				t.Fatalf("%d revealed values seen, want ≥ 3", len(delta))
			}
		}
	}
	pcs.SetZeroVanishingForTests(false)
}

var _ = batch.NewProver
