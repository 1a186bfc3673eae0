package conv

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/zktest"
)

var vanishingMode = modes[4]

// inMode runs f with cur set to md.
func inMode(md mode, f func()) {
	saved := cur
	cur = md
	defer func() { cur = saved }()
	f()
}

// TestCommittedHiding: committed weights and bias, hiding batched and
// hiding with vanishing masks, with the bias's cube smaller and larger than
// the matmul sumcheck's (O = 5: 3 variables; kv from 1 to 5).
func TestCommittedHiding(t *testing.T) {
	for _, md := range []mode{modes[3], vanishingMode} {
		for i, s := range append(shapes, Shape{C: 1, H: 3, W: 3, O: 9, KH: 1, KW: 2, Stride: 1}) {
			t.Run(fmt.Sprintf("%s/%d", md.name, i), func(t *testing.T) {
				l, x, _, y := setup(t, s, true)
				inMode(md, func() {
					cl, err := l.Commit(md.params)
					if err != nil {
						t.Fatal(err)
					}
					if err := run(t, cl, cl, x, mle.FromInt64(y), cheats{}, nil); err != nil {
						t.Errorf("honest committed step rejected: %v", err)
					}
					cl, _ = l.Commit(md.params)
					y[0]++
					if err := run(t, cl, cl, x, mle.FromInt64(y), cheats{}, nil); err == nil {
						t.Error("wrong output accepted")
					}
				})
			})
		}
	}
}

// TestVanishingChecksNeeded: each new check of a convolution under
// vanishing masks is the only one that catches its cheat — rejected with
// it, accepted with it deleted (omit).
func TestVanishingChecksNeeded(t *testing.T) {
	s := shapes[1]
	for _, c := range []struct {
		name, check string
		committed   bool
		set         func(on bool, x mle.Table)
	}{
		{"output tail's row shifted to fit a false Y", "y tail", false, func(on bool, _ mle.Table) { zkCheat.fixTail = on }},
		{"bias term's eq table moved to fit a false Y", "bias eq", true, func(on bool, _ mle.Table) { zkCheat.forgeEq = on }},
		{"matmul on another X's patches, the gather on the committed X with its tail row (s_y) shifted", "B tail", false, func(on bool, x mle.Table) {
			zkCheat.gatherX = nil
			if on {
				zkCheat.gatherX = x
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, omitted := range []bool{false, true} {
				l, x, xt, y := setup(t, s, true)
				ch := cheats{}
				if c.check == "B tail" {
					x2 := append([]int64(nil), xt...)
					x2[5]++
					y, _ = l.Run(x2)
					ch.usedX = mle.FromInt64(x2)
				} else {
					y[2]++
				}
				c.set(true, x)
				omit[c.check] = omitted
				var err error
				inMode(vanishingMode, func() {
					p := l
					if c.committed {
						if p, err = l.Commit(cur.params); err != nil {
							t.Fatal(err)
						}
					}
					err = run(t, p, p, x, mle.FromInt64(y), ch, nil)
				})
				delete(omit, c.check)
				c.set(false, nil)
				if !omitted && err == nil {
					t.Fatal("cheat accepted")
				}
				if omitted && err != nil {
					t.Fatalf("cheat rejected without the %q check (so the test does not show it is needed): %v", c.check, err)
				}
				if !omitted {
					t.Log(err)
				}
			}
		})
	}
}

// TestVanishingHidesX: a convolution whose weights on input channel 0 are
// zero, proven for two private X that differ only in channel 0 (the same
// Y), 48 times each under hiding with vanishing masks. For every value the
// step reveals — ŷ(r), the patch value B̂(r_k), the gather's x̂(ρ), the
// output tail's and the gather tail's finals (both forms of s_y) — the low bits of
// (revealed − the private form it would otherwise be: f̃ or B̃ at its
// point, 0 for a mask value) are uniform (chi-square, 3 degrees of
// freedom, at most zktest.Crit, about 10^-6 a statistic: at the 10^-4
// quantile, 21.11, the statistics together failed by chance up to about
// once in a hundred runs), and so are the revealed values' and the batch's
// V_c. With the vanishing masks zeroed
// (pcs.SetZeroVanishingForTests) every difference is 0 and its statistic
// fails, so the test can fail.
func TestVanishingHidesX(t *testing.T) {
	const runs, crit = 48, zktest.Crit
	saved := sumcheck.MaskParams
	sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	defer func() { sumcheck.MaskParams = saved }()
	for _, s := range []Shape{
		{C: 2, H: 4, W: 4, O: 2, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{C: 2, H: 4, W: 4, O: 2, KH: 1, KW: 1, Stride: 1}, // C·KH·KW = 2: κ padded to MinPatch
		{C: 1, H: 4, W: 4, O: 2, KH: 1, KW: 1, Stride: 1}, // C·KH·KW = 1 (W = 0): no κ variable unpadded
	} {
		t.Run(fmt.Sprintf("%dx%dx%d", s.C, s.KH, s.KW), func(t *testing.T) { vanishingHidesX(t, s, runs, crit) })
	}
}

func vanishingHidesX(t *testing.T, s Shape, runs int, crit float64) {
	l, _, xt, _ := setup(t, s, true)
	w := append([]int64(nil), l.Weights...)
	for o := 0; o < s.O; o++ {
		for k := 0; k < s.KH*s.KW; k++ {
			w[o*s.C*s.KH*s.KW+k] = 0 // channel 0 feeds nothing
		}
	}
	l, err := NewLayer(s, w, l.Bias)
	if err != nil {
		t.Fatal(err)
	}
	x2 := append([]int64(nil), xt...)
	for q := 0; q < s.H*s.W; q++ {
		x2[q] = int64(q*7%13) - 6
	}
	y, _ := l.Run(xt)
	if y2, _ := l.Run(x2); fmt.Sprint(y2) != fmt.Sprint(y) {
		t.Fatal("the two inputs' outputs differ: the test's premise is wrong")
	}
	defer pcs.SetZeroVanishingForTests(false)
	for _, zero := range []bool{false, true} {
		pcs.SetZeroVanishingForTests(zero)
		for xi, xs := range [][]int64{xt, x2} {
			delta, raw := zktest.Counts{}, zktest.Counts{}
			zkSeen = func(name string, rev, priv fr.Element) {
				var dv fr.Element
				dv.Sub(&rev, &priv)
				delta.Add(name, dv)
				raw.Add(name, rev)
			}
			inMode(vanishingMode, func() {
				for range runs {
					if err := run(t, l, l, mle.FromInt64(xs), mle.FromInt64(y), cheats{}, nil); err != nil {
						t.Fatal(err)
					}
					for g, grp := range lastBatch.Groups {
						for k, v := range grp.Finals {
							raw.Add(fmt.Sprintf("V_%d,%d", g, k), v)
						}
					}
				}
			})
			zkSeen = nil
			if len(delta) < 5 {
				t.Fatalf("%d revealed values seen, want 5", len(delta))
			}
			zktest.CheckRevealed(t, xi, zero, crit, delta, raw)
		}
	}
}
