package maxpool

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
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
			y, _ := l.Run(x)
			for _, md := range modes {
				if err := proveVerify(t, md, l, x, y, cheats{}, nil); err != nil {
					t.Fatalf("%v: honest proof rejected: %v", md, err)
				}
			}
		})
	}
}

// mode is how a test proof is made: hiding commitments (with vanishing
// masks), batched claims.
type mode struct{ hiding, vanishing, batched bool }

var modes = []mode{{false, false, false}, {false, false, true}, {true, false, true}, {true, true, true}}

func (m mode) params() pcs.Params {
	p := testParams
	p.Hiding, p.Vanishing = m.hiding, m.vanishing
	return p
}

func (m mode) String() string {
	return fmt.Sprintf("hiding=%v,vanishing=%v,batched=%v", m.hiding, m.vanishing, m.batched)
}

// proveVerify proves y = maxpool(x) in mode md with the cheats ch, edits the
// proof (edit, may be nil) and verifies it (with the batch when batched).
func proveVerify(t *testing.T, md mode, l *Layer, x, y []int64, ch cheats, edit func(p *Proof)) error {
	t.Helper()
	p := md.params()
	xData, err := pcs.Commit(p, mle.FromInt64(x))
	if err != nil {
		t.Fatal(err)
	}
	var bp *batch.Prover
	if md.batched {
		bp = batch.NewProver()
	}
	tr := start(xData)
	proof, _, err := l.prove(tr, p, xData, x, y, bp, ch)
	if err != nil {
		t.Fatal(err)
	}
	var bproof batch.Proof
	if bp != nil {
		if bproof, err = bp.Prove(tr); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(&proof)
	}
	tv := start(xData)
	if !md.batched {
		return l.Verify(tv, p, xData.Commitment(), proof)
	}
	bv := batch.NewVerifier()
	if err := l.VerifyBatched(tv, p, xData.Commitment(), proof, bv); err != nil {
		return err
	}
	return bv.Verify(tv, p, bproof)
}

// TestCheatsRejected: each cheat is caught by one check, in every mode. A
// maximum one above the window's (every difference in range, D = m − G
// holds) only by the product's zero-check; a maximum that is another entry
// of the window, with the committed differences those of the true maximum
// (in range, product zero), by the link (L0 + 2^12·L1 = m − G on the cube,
// an eq-weighted zero-check); the same with the zero-check run on the
// claimed output's differences (product zero, one negative) by the link
// too (its claim, the product's factors at (r_i, ρ), is not the limbs');
// the link's sumcheck run on its copy of L0 fudged to match its claim by
// L0's opening (the batch when batched); and on eq(p, ·) forged to match
// it by the eq factor's check (accepted without it); the product on eq(r, ·)
// zeroed where the product is not, by its eq check (likewise); under
// vanishing masks, D, G and the tails on a row other than R's, by the mask
// claims (likewise).
func TestCheatsRejected(t *testing.T) {
	l, _ := NewLayer(3, 4, 4, 2, 12) // a fourth, padding channel
	x := input(rand.New(rand.NewPCG(5, 5)), l)
	// Window 0 of channel 0 holds distinct values, so its second largest is
	// not its maximum.
	x[0], x[1], x[4], x[5] = 7, 3, 100, 9
	for _, c := range []struct {
		name string
		edit func(y []int64)
		ch   cheats
		want string // unbatched; batched: the same, or "batch" for an opening
	}{
		{"maximum not in the window", func(y []int64) { y[0]++ }, cheats{}, "a difference is zero in every window"},
		{"padding window nonzero", func(y []int64) { y[len(y)-1] = 1 }, cheats{}, "a difference is zero in every window"},
		{"another entry of the window", func(y []int64) { y[0] = 9 }, cheats{trueDiffs: true}, "limbs are not the output minus the window"},
		{"padding window nonzero, true differences", func(y []int64) { y[len(y)-1] = 1 }, cheats{trueDiffs: true}, "limbs are not the output minus the window"},
		{"another entry, its product with the true limbs", func(y []int64) { y[0] = 9 }, cheats{trueDiffs: true, claimProduct: true}, "limbs are not the output minus the window"},
		{"another entry, the link run on a fudged L0", func(y []int64) { y[0] = 9 }, cheats{trueDiffs: true, fudgeLink: true}, "opening L0"},
		{"another entry, the link run on a forged eq", func(y []int64) { y[0] = 9 }, cheats{trueDiffs: true, forgeEq: true}, "the link's eq factor"},
		{"maximum not in the window, the product on a forged eq", func(y []int64) { y[0]++ }, cheats{zeroEq: true}, "the zero-check's eq factor"},
		{"masks other than R's", nil, cheats{fakeMask: true}, "batch"},
	} {
		for _, md := range modes {
			if c.ch.fakeMask && !md.vanishing {
				continue // no masks to fake
			}
			t.Run(c.name+"/"+md.String(), func(t *testing.T) {
				y, _ := l.Run(x)
				if c.edit != nil {
					c.edit(y)
				}
				err := proveVerify(t, md, l, x, y, c.ch, nil)
				want := c.want
				if md.batched && want == "opening L0" {
					want = "batch"
				}
				if err == nil {
					t.Fatal("cheating proof accepted")
				}
				if !contains(err.Error(), want) {
					t.Fatalf("rejected by another check than %q: %v", want, err)
				}
			})
		}
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

// TestTamperedRejected: a proof with one part changed is rejected, in
// every mode (the tails and the mask commitment under vanishing masks).
func TestTamperedRejected(t *testing.T) {
	l, _ := NewLayer(2, 4, 4, 2, 20)
	x := input(rand.New(rand.NewPCG(6, 6)), l)
	y, _ := l.Run(x)
	three := func(e *fr.Element) { e.SetUint64(3) }
	edits := map[string]func(p *Proof){
		"L1 final":         func(p *Proof) { three(&p.Link.Finals[2]) },
		"G final":          func(p *Proof) { three(&p.Link.Finals[3]) },
		"Y final":          func(p *Proof) { three(&p.Link.Finals[4]) },
		"link eq final":    func(p *Proof) { three(&p.Link.Finals[0]) },
		"zero-check final": func(p *Proof) { three(&p.Zero.Finals[2]) },
		"gather X final":   func(p *Proof) { three(&p.Gather.Finals[1]) },
		"dropped lookup":   func(p *Proof) { p.Lookups = p.Lookups[:1] },
		"dropped opening":  func(p *Proof) { p.Openings = p.Openings[:3] },
		"Y root":           func(p *Proof) { p.Y.Root[0] ^= 1 },
		"mask root":        func(p *Proof) { p.R.Root[0] ^= 1 },
		"link tail":        func(p *Proof) { p.Link.Tail = nil },
		"gather tail":      func(p *Proof) { p.Gather.Tail = nil },
	}
	for _, md := range modes {
		for name, f := range edits {
			if !md.vanishing && strings.HasSuffix(name, " tail") {
				continue // no tails without vanishing masks
			}
			t.Run(name+"/"+md.String(), func(t *testing.T) {
				err := proveVerify(t, md, l, x, y, cheats{}, func(p *Proof) {
					p.Zero.Finals = slices.Clone(p.Zero.Finals)
					p.Link.Finals = slices.Clone(p.Link.Finals)
					p.Gather.Finals = slices.Clone(p.Gather.Finals)
					if p.Link.Tail != nil {
						lt, gt := *p.Link.Tail, *p.Gather.Tail
						p.Link.Tail, p.Gather.Tail = &lt, &gt
					}
					f(p)
				})
				if err == nil {
					t.Errorf("%s tampered: accepted", name)
				}
			})
		}
		if md.vanishing {
			for name, tail := range map[string]func(p *Proof) *fr.Element{"link tail final": func(p *Proof) *fr.Element { return p.Link.Tail }, "gather tail final": func(p *Proof) *fr.Element { return p.Gather.Tail }} {
				err := proveVerify(t, md, l, x, y, cheats{}, func(p *Proof) {
					v := *tail(p)
					v.Add(&v, &v)
					if name == "link tail final" {
						p.Link.Tail = &v
					} else {
						p.Gather.Tail = &v
					}
				})
				if err == nil {
					t.Errorf("%s tampered: accepted", name)
				}
			}
		}
	}
}

// TestHonest covers every shape in every mode; TestHonestHiding checks the
// masks: with hiding parameters every sumcheck (the product, the link, the
// gather) is masked, and under vanishing masks the product's D factors and
// the link's G are masked factors and both tails present.
func TestHonestHiding(t *testing.T) {
	for _, md := range modes[2:] {
		p := md.params()
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
				t.Errorf("%v: %s not masked under hiding", md, name)
			}
		}
		if md.vanishing != (proof.Link.Tail != nil && proof.Gather.Tail != nil && proof.R.NumVars > 0) {
			t.Errorf("%v: tails %v %v, mask commitment over %d variables", md, proof.Link.Tail != nil, proof.Gather.Tail != nil, proof.R.NumVars)
		}
		tv, bv := start(xData), batch.NewVerifier()
		err = l.VerifyBatched(tv, p, xData.Commitment(), proof, bv)
		if err == nil {
			err = bv.Verify(tv, p, bproof)
		}
		if err != nil {
			t.Fatalf("%v: honest proof rejected: %v", md, err)
		}
	}
}
