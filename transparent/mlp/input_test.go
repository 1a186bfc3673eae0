package mlp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// TestInputRangeCheats: the input range alone (input.go), honest at two
// widths and under hiding, and against provers whose input leaves the range
// while the limbs stay in theirs: x + 2^(b−1) = 2^b with v1 reduced to 0
// (two limbs), and v1 = (x + 2^(b−1) − v0)/2^12, a non-integer the one-limb
// proof does not range-check, caught by the zero-check's claim (the λ·v1
// term: without it the one-limb case is accepted); and the zero-check run
// on v1 restored to the honest limbs (so its sum is right), caught by the
// final v̂1(ρ) against v1's commitment (the batched openings); and on
// eq(z, ·) forged at the edited entry, caught by the eq factor's check
// (accepted without it). Every case
// in three modes: binding, hiding, hiding with vanishing masks.
// The input range's cheating sumchecks (TestInputRangeCheats).
const (
	fudgeLimb = 1 + iota
	forgeEq
)

func TestInputRangeCheats(t *testing.T) {
	hiding := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	vanishing := hiding
	vanishing.Vanishing = true
	const n = 16
	cases := []struct {
		name   string
		bits   int
		params pcs.Params
		x0     int64 // x[0]
		editV  func(x0 int64, bits int) func(v0, v1 mle.Table)
		fudge  int // fudgeLimb, forgeEq: the sumcheck's tables edited (editSum)
		want   string
	}{
		{"honest, two limbs", 16, testParams, -1 << 15, nil, 0, ""},
		{"honest, one limb", 10, testParams, 511, nil, 0, ""},
		{"honest, hiding", 16, hiding, 1<<15 - 1, nil, 0, ""},
		{"x = 2^(b−1), v1 reduced mod its range", 16, testParams, 1 << 15, func(int64, int) func(v0, v1 mle.Table) {
			return func(_, v1 mle.Table) { v1[0].SetZero() }
		}, 0, "x + 2^(b−1) ≠ v0 + 2^12·v1"},
		{"one limb, x = 600, v1 a fraction", 10, testParams, 600, func(x0 int64, bits int) func(v0, v1 mle.Table) {
			return func(v0, v1 mle.Table) {
				v0[0].SetInt64((x0 + 1<<(bits-1)) & (1<<bits - 1))
				var inv fr.Element
				inv.SetUint64(1 << 12)
				inv.Inverse(&inv)
				v1[0].SetInt64(x0 + 1<<(bits-1))
				v1[0].Sub(&v1[0], &v0[0]).Mul(&v1[0], &inv)
			}
		}, 0, "x + 2^(b−1) ≠ v0 + 2^12·v1"},
		{"zero-check on a fudged table", 16, testParams, 1 << 15, func(int64, int) func(v0, v1 mle.Table) {
			return func(_, v1 mle.Table) { v1[0].SetZero() }
		}, fudgeLimb, "batch"},
		{"v1 reduced, the eq factor forged to hide it", 16, testParams, 1 << 15, func(int64, int) func(v0, v1 mle.Table) {
			return func(_, v1 mle.Table) { v1[0].SetZero() }
		}, forgeEq, "eq factor"},
	}
	for _, c := range cases {
		for _, params := range []pcs.Params{c.params, hiding, vanishing} {
			c.params = params
			t.Run(fmt.Sprintf("%s/hiding=%v,vanishing=%v", c.name, params.Hiding, params.Vanishing), func(t *testing.T) {
				x := make([]int64, n)
				for i := range x {
					x[i] = int64(i*37%(1<<(c.bits-1))) - int64(i%2)*(1<<(c.bits-2))
				}
				x[0] = c.x0
				xData, err := pcs.Commit(c.params, mle.FromInt64(x))
				if err != nil {
					t.Fatal(err)
				}
				m := &Model{InBits: c.bits}
				var editV func(v0, v1 mle.Table)
				if c.editV != nil {
					editV = c.editV(c.x0, c.bits)
				}
				var editSum func(t []mle.Table)
				tr, bp := transcript.New("test"), batch.NewProver()
				if c.fudge != 0 {
					// The sumcheck runs on the honest limb at entry 0 (the
					// committed one is edited): every sum is right.
					switch c.fudge {
					case fudgeLimb:
						editSum = func(t []mle.Table) { t[3][0].SetInt64((c.x0 + 1<<(c.bits-1)) >> 12) }
					case forgeEq:
						// Entry 0's relation is off by 2^b: its eq weight
						// rescaled makes it add what an honest entry adds.
						editSum = func(t []mle.Table) {
							var num, den fr.Element
							num.SetInt64(-(1 << (c.bits - 1)))
							den.SetInt64(c.x0)
							var l fr.Element
							l.SetUint64(1 << 12)
							l.Mul(&l, &t[3][0]).Add(&l, &t[2][0])
							den.Sub(&den, &l).Inverse(&den)
							t[0][0].Mul(&t[0][0], &num).Mul(&t[0][0], &den)
						}
					}
				}
				ir, err := m.proveInput(tr, c.params, xData, x, bp, editV, editSum)
				if err != nil {
					t.Fatal(err)
				}
				bproof, err := bp.Prove(tr)
				if err != nil {
					t.Fatal(err)
				}
				tv, bv := transcript.New("test"), batch.NewVerifier()
				err = m.verifyInput(tv, c.params, xData.Commitment(), &ir, bv)
				if err == nil {
					err = bv.Verify(tv, c.params, bproof)
				}
				switch {
				case c.want == "" && err != nil:
					t.Fatalf("honest proof rejected: %v", err)
				case c.want != "" && err == nil:
					t.Fatal("cheating proof accepted")
				case c.want != "" && !strings.Contains(err.Error(), c.want):
					t.Fatalf("rejected by another check than %q: %v", c.want, err)
				}
				if err != nil {
					t.Log(err)
				}
			})
		}
	}
}
