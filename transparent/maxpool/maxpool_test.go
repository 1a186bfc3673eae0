package maxpool

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var testParams = pcs.Params{RateLog: 1, Queries: 10}

// input returns X's table for a C×H×W tensor of entries in [0, 2^bits),
// zero on padding.
func input(rng *rand.Rand, l *Layer) []int64 {
	xSize, _ := l.Tables()
	x := make([]int64, xSize)
	for c := 0; c < l.C; c++ {
		for p := 0; p < l.H*l.W; p++ {
			x[c*l.xStride+p] = rng.Int64N(1 << l.Bits)
		}
	}
	return x
}

func start(xData *pcs.ProverData) *transcript.Transcript {
	tr := transcript.New("test")
	xData.Commitment().Absorb(tr, "x")
	return tr
}

// TestRunDefinition checks Run against the definition of max pooling.
func TestRunDefinition(t *testing.T) {
	for _, s := range [][4]int{{1, 4, 4, 2}, {3, 6, 6, 2}, {2, 5, 7, 2}, {2, 9, 9, 3}, {5, 3, 3, 3}} {
		l, err := NewLayer(s[0], s[1], s[2], s[3], 12)
		if err != nil {
			t.Fatal(err)
		}
		x := input(rand.New(rand.NewPCG(1, 2)), l)
		y, err := l.Run(x)
		if err != nil {
			t.Fatal(err)
		}
		oh, ow := l.Out()
		for c := 0; c < l.C; c++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					m := int64(-1)
					for a := 0; a < l.K; a++ {
						for b := 0; b < l.K; b++ {
							m = max(m, x[c*l.xStride+(i*l.K+a)*l.W+j*l.K+b])
						}
					}
					if got := y[c*l.yStride+i*ow+j]; got != m {
						t.Fatalf("%v: output (%d, %d, %d) = %d, want %d", s, c, i, j, got, m)
					}
				}
			}
		}
		for w := range y {
			if c, p := w/l.yStride, w%l.yStride; (c >= l.C || p >= oh*ow) && y[w] != 0 {
				t.Fatalf("%v: padding entry %d = %d", s, w, y[w])
			}
		}
	}
}

func TestHonest(t *testing.T) {
	for _, s := range [][5]int{{1, 4, 4, 2, 8}, {3, 6, 6, 2, 12}, {2, 5, 7, 2, 20}, {2, 9, 9, 3, 23}, {32, 8, 8, 2, 23}} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			l, err := NewLayer(s[0], s[1], s[2], s[3], s[4])
			if err != nil {
				t.Fatal(err)
			}
			x := input(rand.New(rand.NewPCG(3, uint64(s[4]))), l)
			xData, _ := pcs.Commit(testParams, mle.FromInt64(x))
			y, _ := l.Run(x)
			proof, _, err := l.Prove(start(xData), testParams, xData, x, y)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Verify(start(xData), testParams, xData.Commitment(), proof); err != nil {
				t.Fatalf("honest proof rejected: %v", err)
			}
		})
	}
}

// TestCheatsRejected: each cheat is caught by one check. A maximum one above
// the window's (every difference in range, D = m − G holds) only by the
// product's zero-check; a maximum that is another entry of the window, with
// the committed differences those of the true maximum (in range, product
// zero), by the link (L0 + 2^12·L1 = m − G on the cube, an eq-weighted
// zero-check); the same with the zero-check run on the claimed output's
// differences (product zero, one negative) by the link too (its claim, the
// product's factors at (r_i, ρ), is not the limbs'); and the link's sumcheck
// run on a table fudged to match its claim by the link's final against the
// stated tables' values.
func TestCheatsRejected(t *testing.T) {
	l, _ := NewLayer(3, 4, 4, 2, 12) // a fourth, padding channel
	x := input(rand.New(rand.NewPCG(5, 5)), l)
	// Window 0 of channel 0 holds distinct values, so its second largest is
	// not its maximum.
	x[0], x[1], x[4], x[5] = 7, 3, 100, 9
	xData, _ := pcs.Commit(testParams, mle.FromInt64(x))
	for _, c := range []struct {
		name string
		edit func(y []int64)
		ch   cheats
		want string
	}{
		{"maximum not in the window", func(y []int64) { y[0]++ }, cheats{}, "a difference is zero in every window"},
		{"padding window nonzero", func(y []int64) { y[len(y)-1] = 1 }, cheats{}, "a difference is zero in every window"},
		{"another entry of the window", func(y []int64) { y[0] = 9 }, cheats{trueDiffs: true}, "limbs are not the output minus the window"},
		{"padding window nonzero, true differences", func(y []int64) { y[len(y)-1] = 1 }, cheats{trueDiffs: true}, "limbs are not the output minus the window"},
		{"another entry, its product with the true limbs", func(y []int64) { y[0] = 9 }, cheats{trueDiffs: true, claimProduct: true}, "limbs are not the output minus the window"},
		{"another entry, the link run on a fudged table", func(y []int64) { y[0] = 9 }, cheats{trueDiffs: true, fudgeLink: true}, "the link's final differs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			y, _ := l.Run(x)
			c.edit(y)
			proof, _, err := l.prove(start(xData), testParams, xData, x, y, nil, c.ch)
			if err != nil {
				t.Fatal(err)
			}
			err = l.Verify(start(xData), testParams, xData.Commitment(), proof)
			if err == nil {
				t.Fatal("cheating proof accepted")
			}
			if !contains(err.Error(), c.want) {
				t.Fatalf("rejected by another check than %q: %v", c.want, err)
			}
			t.Log(err)
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestOutOfRangeRefused: an input outside the layer's range (a difference
// of Bits+1 bits) or a non-maximum with its true differences (one negative)
// cannot be range-checked: the prover refuses.
func TestOutOfRangeRefused(t *testing.T) {
	l, _ := NewLayer(1, 2, 2, 2, 4)
	x := []int64{0, 16, 0, 0}
	xData, _ := pcs.Commit(testParams, mle.FromInt64(x))
	y, _ := l.Run(x)
	if _, _, err := l.Prove(start(xData), testParams, xData, x, y); err == nil {
		t.Error("difference 16 accepted for 4 bits")
	}
	x = []int64{0, 5, 0, 0}
	xData, _ = pcs.Commit(testParams, mle.FromInt64(x))
	if _, _, err := l.Prove(start(xData), testParams, xData, x, []int64{0}); err == nil {
		t.Error("a maximum below an entry accepted by the prover")
	}
}

func TestTamperedRejected(t *testing.T) {
	l, _ := NewLayer(2, 4, 4, 2, 20)
	x := input(rand.New(rand.NewPCG(6, 6)), l)
	xData, _ := pcs.Commit(testParams, mle.FromInt64(x))
	y, _ := l.Run(x)
	proof, _, err := l.Prove(start(xData), testParams, xData, x, y)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(p *Proof){
		"L1 value":         func(p *Proof) { p.At[1].SetUint64(3) },
		"G value":          func(p *Proof) { p.At[2].SetUint64(3) },
		"Y value":          func(p *Proof) { p.At[3].SetUint64(3) },
		"link final":       func(p *Proof) { p.Link.Finals[1].SetUint64(3) },
		"zero-check final": func(p *Proof) { p.Zero.Finals[2].SetUint64(3) },
		"dropped lookup":   func(p *Proof) { p.Lookups = p.Lookups[:1] },
		"dropped opening":  func(p *Proof) { p.Openings = p.Openings[:3] },
		"Y root":           func(p *Proof) { p.Y.Root[0] ^= 1 },
	} {
		p := proof
		p.Zero.Finals = append(p.Zero.Finals[:0:0], proof.Zero.Finals...)
		p.Link.Finals = append(p.Link.Finals[:0:0], proof.Link.Finals...)
		f(&p)
		if err := l.Verify(start(xData), testParams, xData.Commitment(), p); err == nil {
			t.Errorf("%s tampered: accepted", name)
		}
	}
}

// TestHonestHiding: with hiding parameters every sumcheck (the product, the
// link, the gather) is masked and the proof verifies.
func TestHonestHiding(t *testing.T) {
	p := pcs.Params{RateLog: 1, Queries: 10, Hiding: true}
	l, _ := NewLayer(2, 4, 4, 2, 20)
	x := input(rand.New(rand.NewPCG(4, 4)), l)
	xData, _ := pcs.Commit(p, mle.FromInt64(x))
	y, _ := l.Run(x)
	tr, bp := start(xData), batch.NewProver()
	proof, _, err := l.ProveBatched(tr, p, xData, x, y, bp)
	if err != nil {
		t.Fatal(err)
	}
	bproof, err := bp.Prove(tr)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*sumcheck.Proof{"zero-check": &proof.Zero, "link": &proof.Link, "gather": &proof.Gather} {
		if s.Mask == nil {
			t.Errorf("%s not masked under hiding", name)
		}
	}
	tv, bv := start(xData), batch.NewVerifier()
	err = l.VerifyBatched(tv, p, xData.Commitment(), proof, bv)
	if err == nil {
		err = bv.Verify(tv, p, bproof)
	}
	if err != nil {
		t.Fatalf("honest hiding proof rejected: %v", err)
	}
}
