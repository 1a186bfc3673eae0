package batch

import (
	"fmt"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var vanishingParams = pcs.Params{RateLog: 1, Queries: 10, Hiding: true, Vanishing: true}

// vtable is a table of 2^n random entries committed with rv row variables
// (−1: pcs.RowVars).
type vtable struct{ n, rv int }

// vclaim is a claim on table t at a point drawn from seed: a value claim
// f̂(z) = y, or with mask a mask claim s̃(w) = y.
type vclaim struct {
	t, seed int
	mask    bool
}

type vcase struct {
	name   string
	tables []vtable
	claims []vclaim
}

type vrun struct {
	p      pcs.Params
	data   []*pcs.ProverData
	bp     *Prover
	bv     *Verifier
	ptr    *transcript.Transcript
	points [][]fr.Element
	values []fr.Element
}

// newVRun commits c's tables under p and records its honest claims on both
// sides.
func newVRun(t *testing.T, p pcs.Params, c vcase) *vrun {
	t.Helper()
	r := &vrun{p: p, bp: NewProver(), bv: NewVerifier(), ptr: transcript.New("v")}
	for _, tb := range c.tables {
		tab := make(mle.Table, 1<<tb.n)
		for i := range tab {
			tab[i].SetRandom()
		}
		rv := tb.rv
		if rv < 0 {
			rv = pcs.RowVars(tb.n, p)
		}
		d, err := pcs.CommitShape(p, tab, rv)
		if err != nil {
			t.Fatal(err)
		}
		r.data = append(r.data, d)
	}
	for _, k := range c.claims {
		d := r.data[k.t]
		com := d.Commitment()
		vars := com.NumVars
		if k.mask {
			vars -= com.RowVars
		}
		z := transcript.New(fmt.Sprint("point", k)).Challenges("z", vars)
		var y fr.Element
		if k.mask {
			y, _ = mle.Table(d.MaskRow()).Eval(z)
			if err := r.bp.ClaimMask(d, z, y); err != nil {
				t.Fatal(err)
			}
			if err := r.bv.CheckMask(com, z, y); err != nil {
				t.Fatal(err)
			}
		} else {
			y = d.MaskedEval(z)
			if err := r.bp.Claim(d, z, y); err != nil {
				t.Fatal(err)
			}
			if err := r.bv.Check(transcript.New("unused"), p, com, z, y, pcs.Opening{}); err != nil {
				t.Fatal(err)
			}
		}
		r.points, r.values = append(r.points, z), append(r.values, y)
	}
	return r
}

// finish proves, applies edit and verifies under the verifier's params vp.
func (r *vrun) finish(edit func(*Proof), vp pcs.Params) (Proof, error) {
	proof, err := r.bp.prove(r.ptr, nil, false)
	if err != nil {
		return proof, err
	}
	if edit != nil {
		edit(&proof)
	}
	return proof, r.bv.Verify(transcript.New("v"), vp, proof)
}

var vcases = []vcase{
	{"one table, value and mask claims", []vtable{{6, -1}}, []vclaim{{0, 0, false}, {0, 1, false}, {0, 2, true}, {0, 3, false}, {0, 4, true}}},
	{"single value claim", []vtable{{5, -1}}, []vclaim{{0, 0, false}}},
	{"single mask claim", []vtable{{5, 2}}, []vclaim{{0, 0, true}}},
	{"two shapes, a mask-only table, a one-entry table", []vtable{{5, 2}, {5, 2}, {3, 1}, {0, 0}, {5, 2}},
		[]vclaim{{0, 0, false}, {1, 0, true}, {2, 0, false}, {0, 1, true}, {3, 0, false}, {2, 1, true}, {3, 1, false}, {4, 0, false}}},
	{"one column variable", []vtable{{4, 3}}, []vclaim{{0, 0, false}}},
	{"all row variables (c = 0), one claim", []vtable{{4, 4}}, []vclaim{{0, 0, false}}},
	{"no row variables", []vtable{{4, 0}, {4, 0}}, []vclaim{{0, 0, false}, {1, 0, false}, {1, 1, true}}},
}

// TestVanishingHonest: value and mask claims on several tables and shapes
// reduce and open under vanishing masks; the V_c are never f̃_c(ρ).
func TestVanishingHonest(t *testing.T) {
	for _, c := range vcases {
		t.Run(c.name, func(t *testing.T) {
			r := newVRun(t, vanishingParams, c)
			proof, err := r.finish(nil, vanishingParams)
			if err != nil {
				t.Fatalf("honest claims rejected: %v", err)
			}
			for _, g := range proof.Groups {
				for _, rd := range g.Rounds {
					if len(rd) != 5 && len(rd) != 4 {
						t.Errorf("a masked round of %d values, want the last round's degree + 1", len(rd))
					}
				}
			}
		})
	}
}

// TestVanishingZeroColumns: the reduction's algebra when the last variable
// is a row variable (c = 0: ŝ is a constant, degree 3); maxClaims forbids
// it for zero knowledge (two forms of a one-entry mask), the test lifts it.
func TestVanishingZeroColumns(t *testing.T) {
	c := vcase{"c = 0", []vtable{{3, 3}, {3, 3}}, []vclaim{{0, 0, false}, {0, 1, false}, {1, 0, true}}}
	r := newVRun(t, vanishingParams, c)
	if _, err := r.finish(nil, vanishingParams); err == nil || !strings.Contains(err.Error(), "hides at most 1") {
		t.Fatalf("three claims on one-column tables: want the zero-knowledge bound, got %v", err)
	}
	r = newVRun(t, vanishingParams, c)
	r.bp.unbounded = true
	proof, err := r.finish(nil, vanishingParams)
	if err != nil {
		t.Fatalf("c = 0 reduction rejected: %v", err)
	}
	if len(proof.Groups[0].Rounds[0]) != 4 {
		t.Errorf("c = 0: rounds of %d values, want 4", len(proof.Groups[0].Rounds[0]))
	}
}

// TestVanishingBinding: without a vanishing mask, mask claims are refused
// (prover and verifier) and value claims batch as before, hiding or not.
func TestVanishingBinding(t *testing.T) {
	for _, p := range []pcs.Params{testParams, hidingParams} {
		c := vcase{"values", []vtable{{5, -1}, {5, -1}}, []vclaim{{0, 0, false}, {1, 0, false}, {0, 1, false}}}
		if _, err := newVRun(t, p, c).finish(nil, p); err != nil {
			t.Errorf("hiding %v: %v", p.Hiding, err)
		}
		d, _ := pcs.Commit(p, make(mle.Table, 32))
		if err := NewProver().ClaimMask(d, make([]fr.Element, 5-d.Commitment().RowVars), fr.Element{}); err == nil {
			t.Errorf("hiding %v: a mask claim without a vanishing mask accepted", p.Hiding)
		}
		bv := NewVerifier()
		bv.CheckMask(d.Commitment(), make([]fr.Element, 5-d.Commitment().RowVars), fr.Element{})
		if err := bv.Verify(transcript.New("v"), p, Proof{Groups: make([]Group, 1)}); err == nil || !strings.Contains(err.Error(), "mask claim") {
			t.Errorf("hiding %v: verifier with a mask claim: %v", p.Hiding, err)
		}
	}
	// A vanishing proof checked under parameters without the mask fails.
	r := newVRun(t, vanishingParams, vcases[0])
	if _, err := r.finish(nil, hidingParams); err == nil {
		t.Error("vanishing proof accepted under parameters without Vanishing")
	}
}

// TestVanishingRejected: every tampering of a vanishing batch, every false
// claim (value or mask, with the transcript agreeing) and every cheat is
// rejected.
func TestVanishingRejected(t *testing.T) {
	one := fr.One()
	base := vcase{"base", []vtable{{5, 2}, {5, 2}, {4, 1}}, []vclaim{{0, 0, false}, {1, 0, true}, {0, 1, true}, {1, 1, false}, {2, 0, true}}}
	bump := func(e *fr.Element) { e.Add(e, &one) }
	for _, c := range []struct {
		name  string
		setup func(r *vrun) // before proving: cheats and false claims
		edit  func(p *Proof)
		want  string
	}{
		{name: "a V_c", edit: func(p *Proof) { bump(&p.Groups[0].Finals[1]) }, want: "claims' combination"},
		{name: "first round", edit: func(p *Proof) { bump(&p.Groups[0].Rounds[0][3]) }},
		{name: "last round", edit: func(p *Proof) { bump(&p.Groups[0].Rounds[4][4]) }},
		{name: "last round's last value dropped", edit: func(p *Proof) { p.Groups[0].Rounds[4] = p.Groups[0].Rounds[4][:4] }},
		{name: "mask g's value", edit: func(p *Proof) { bump(&p.Groups[0].Mask.Value) }},
		{name: "opening's v", edit: func(p *Proof) { bump(&p.Groups[0].Open.V[0]) }},
		{name: "an opened column's s entry", edit: func(p *Proof) { bump(&p.Groups[0].Open.Columns[0][0][4]) }},
		{name: "single-claim opening", edit: func(p *Proof) { bump(&p.Groups[1].Open.V[1]) }},
		{name: "σ: the opening made with σ_0 + 1", setup: func(r *vrun) { r.bp.sigmaShift = true }, want: "combination differs"},
		{name: "false value claim", setup: func(r *vrun) {
			c := r.data[0].Commitment()
			bump(&r.bp.claims[c][0].value)
			bump(&r.bv.claims[c][0].value)
		}, want: "claims' combination"},
		{name: "false mask claim", setup: func(r *vrun) {
			c := r.data[1].Commitment()
			bump(&r.bp.masks[c][0].value)
			bump(&r.bv.masks[c][0].value)
		}, want: "claims' combination"},
		{name: "false mask claim alone on its shape", setup: func(r *vrun) {
			c := r.data[2].Commitment()
			bump(&r.bp.masks[c][0].value)
			bump(&r.bv.masks[c][0].value)
		}, want: "shape 1: pcs: the claimed values' combination"},
		{name: "the verifier's mask claim", setup: func(r *vrun) { bump(&r.bv.masks[r.data[0].Commitment()][0].value) }},
		{name: "a value claim stated as f̃(z), not f̂(z)", setup: func(r *vrun) {
			c := r.data[0].Commitment()
			f, _ := r.data[0].Table().Eval(r.bp.claims[c][0].point)
			r.bp.claims[c][0].value, r.bv.claims[c][0].value = f, f
		}, want: "claims' combination"},
		{name: "forged E", setup: func(r *vrun) {}, want: "eq factors computed here"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newVRun(t, vanishingParams, base)
			if c.setup != nil {
				c.setup(r)
			}
			var err error
			if c.name == "forged E" {
				var proof Proof
				if proof, err = r.bp.prove(r.ptr, nil, true); err == nil {
					err = r.bv.Verify(transcript.New("v"), vanishingParams, proof)
				}
			} else {
				func() {
					defer func() {
						if p := recover(); p != nil {
							err = fmt.Errorf("panic: %v", p)
						}
					}()
					_, err = r.finish(c.edit, vanishingParams)
				}()
			}
			if err == nil || strings.Contains(err.Error(), "panic") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
}

// TestVanishingLoud: a protocol that states f̃(z) (or a wrong s̃(w)) on a
// commitment with a vanishing mask is told so by Claim (ClaimMask), not
// only by a failing verifier.
func TestVanishingLoud(t *testing.T) {
	tab := make(mle.Table, 32)
	for i := range tab {
		tab[i].SetRandom()
	}
	d, err := pcs.Commit(vanishingParams, tab)
	if err != nil {
		t.Fatal(err)
	}
	z := randPt(5)
	f, _ := tab.Eval(z)
	if err := NewProver().Claim(d, z, f); err == nil || !strings.Contains(err.Error(), "not f̂(z)") {
		t.Errorf("f̃(z) claimed: %v", err)
	}
	w := randPt(5 - d.Commitment().RowVars)
	if err := NewProver().ClaimMask(d, w, f); err == nil || !strings.Contains(err.Error(), "not s̃(w)") {
		t.Errorf("wrong mask value claimed: %v", err)
	}
}

func randPt(n int) []fr.Element {
	p := make([]fr.Element, n)
	for i := range p {
		p[i].SetRandom()
	}
	return p
}
