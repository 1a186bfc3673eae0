package logup

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var testParams = pcs.Params{RateLog: 1, Queries: 16}

func init() { sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 16, Hiding: true} }

// mode is how a test proof is made: hiding commitments (with vanishing
// masks: claims on f̂), batched claims.
type mode struct{ hiding, vanishing, batched bool }

var modes = []mode{{false, false, false}, {false, false, true}, {true, false, true}, {true, false, false}, {true, true, true}, {true, true, false}}

func (m mode) String() string {
	return fmt.Sprintf("hiding=%v,vanishing=%v,batched=%v", m.hiding, m.vanishing, m.batched)
}

// lookup commits to vals (padded with vals[0]), proves them in table under
// ch, and verifies; edit may alter the proof in between.
func lookup(t *testing.T, vals []int64, table *Table, ch cheats, edit func(*Proof)) error {
	t.Helper()
	return lookupIn(t, mode{}, vals, table, ch, edit)
}

func lookupIn(t *testing.T, md mode, vals []int64, table *Table, ch cheats, edit func(*Proof)) error {
	t.Helper()
	f := mle.FromInt64(vals)
	for i := len(vals); i < len(f); i++ {
		f[i].SetInt64(vals[0])
	}
	p := testParams
	p.Hiding, p.Vanishing = md.hiding, md.vanishing
	fData, err := pcs.Commit(p, f)
	if err != nil {
		t.Fatal(err)
	}
	var bp *batch.Prover
	var bv *batch.Verifier
	if md.batched {
		bp, bv = batch.NewProver(), batch.NewVerifier()
	}
	ptr := transcript.New("test")
	fData.Commitment().Absorb(ptr, "f")
	proof, err := prove(ptr, p, fData, f, table, bp, ch)
	if err != nil && md.vanishing && md.batched && strings.HasPrefix(err.Error(), "batch: ") {
		return errClaimRefused{err} // batch.Claim checks f̂(z) under vanishing masks
	}
	if err != nil {
		t.Fatal(err)
	}
	var bproof batch.Proof
	if bp != nil {
		if bproof, err = bp.Prove(ptr); err != nil {
			return fmt.Errorf("batch prover: %v", err)
		}
	}
	if edit != nil {
		edit(&proof)
	}
	vtr := transcript.New("test")
	fData.Commitment().Absorb(vtr, "f")
	if err := VerifyBatched(vtr, p, fData.Commitment(), table, proof, bv); err != nil {
		return err
	}
	if bv != nil {
		return bv.Verify(vtr, p, bproof)
	}
	return nil
}

// errClaimRefused is batch.Claim refusing a false claim on a commitment
// with a vanishing mask (it evaluates f̂ there): the cheat never reaches the
// verifier; the unbatched modes show the verifier rejecting it.
type errClaimRefused struct{ error }

func signedTable(lo, hi int64) *Table {
	vals := make([]fr.Element, 0, hi-lo+1)
	for v := lo; v <= hi; v++ {
		var e fr.Element
		e.SetInt64(v)
		vals = append(vals, e)
	}
	t, err := NewTable(vals)
	if err != nil {
		panic(err)
	}
	return t
}

func TestHonest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r4, _ := Range(4)
	r8, _ := Range(8)
	r0, _ := Range(0)
	r2, _ := Range(2)
	for _, c := range []struct {
		name  string
		table *Table
		lo    int64
		span  int64
		n     int
	}{
		{"range4, 1 lookup", r4, 0, 16, 1},
		{"range4, 5 lookups", r4, 0, 16, 5},
		{"range4, 64 lookups", r4, 0, 16, 64},
		{"range8, 300 lookups", r8, 0, 256, 300},
		{"signed [-5,5] (11 entries), 20 lookups", signedTable(-5, 5), -5, 11, 20},
		{"range4, 8 lookups of one value", r4, 7, 1, 8},
		{"range0 (one entry), 1 lookup: no variables", r0, 0, 1, 1},
		{"range0 (one entry), 4 lookups", r0, 0, 1, 4},
		{"range2, 64 lookups (n − ℓ = 4)", r2, 0, 4, 64},
		{"range8, 4 lookups (ℓ − n = 6)", r8, 0, 256, 4},
	} {
		vals := make([]int64, c.n)
		for i := range vals {
			vals[i] = c.lo + rng.Int64N(c.span)
		}
		for _, md := range modes {
			t.Run(c.name+"/"+md.String(), func(t *testing.T) {
				err := lookupIn(t, md, vals, c.table, cheats{}, nil)
				if err != nil {
					t.Fatalf("honest lookup rejected: %v", err)
				}
			})
		}
	}
}

// outsideVals has 16 and -1 outside [0, 16); insideVals none. 16 entries,
// as many as Range(4)'s.
var (
	outsideVals = []int64{3, 15, 16, 0, 9, -1, 2, 2, 7, 7, 1, 12, 11, 0, 5, 4}
	insideVals  = []int64{3, 15, 1, 0, 9, 4, 2, 2, 7, 7, 1, 12, 11, 0, 5, 4}
)

// sizes are the soundness tests' lookups into Range(4) (ℓ = 4): as many as
// its entries, fewer (n = 3: h and f span the sumcheck's last 3 of 4
// variables under vanishing masks) and more (n = 5: g and m span its last
// 4 of 5); each keeps 16 and -1 outside (or none, for the inside cheats).
var sizes = []struct {
	name            string
	outside, inside []int64
}{
	{"n = ℓ", outsideVals, insideVals},
	{"n < ℓ", outsideVals[:8], insideVals[:8]},
	{"n > ℓ", append(append([]int64(nil), outsideVals...), insideVals...), append(append([]int64(nil), insideVals...), insideVals...)},
}

// soundness is the cheating provers of an outside entry and of a
// committed table that is not the one proven; check names the verifier's
// check that catches each (omit's key: TestChecksNeeded), "" for the
// sumcheck's own (its claim λ or a round).
var soundness = []struct {
	name, check string
	ch          cheats
}{
	{"multiplicities of the inside entries only (Σh ≠ Σg)", "", cheats{outside: true}},
	{"h rewritten so that Σh = Σg (h's zero-check)", "", cheats{outside: true, balanceH: true}},
	{"g moved so that Σg = Σh (g's zero-check)", "", cheats{outside: true, balanceG: true}},
	{"everything after f's commitment about f with 16 and -1 replaced", "f", cheats{substitute: true}},
	{"prover's table has 16 and -1 in place of 13 and 14", "T", cheats{values: func() mle.Table {
		v := make(mle.Table, 16)
		for i := range v {
			v[i].SetUint64(uint64(i))
		}
		v[13].SetUint64(16)
		v[14].SetInt64(-1)
		return v
	}()}},
	// Σh = Σg by the balanced h, and h's zero-check run with eq(r', ·) for
	// a solved r': only the eq factor's check catches it.
	{"h balanced and its zero-check forged with another eq point", "eqF", cheats{outside: true, balanceH: true, forgeEq: true}},
	{"g balanced and its zero-check forged with another eq point", "eqT", cheats{outside: true, balanceG: true, forgeEqG: true}},
	// Inside entries only, but the committed table is not the proven one.
	{"committed m differs from the m behind g", "m", cheats{mDelta: true}},
	{"committed h differs from the h proven", "h", cheats{hDelta: true}},
	{"committed g differs from the g proven", "g", cheats{gDelta: true}},
}

func TestOutsideRejected(t *testing.T) {
	r4, _ := Range(4)
	t.Run("honest prover refuses", func(t *testing.T) {
		f := mle.FromInt64(outsideVals)
		fData, _ := pcs.Commit(testParams, f)
		if _, err := Prove(transcript.New("t"), testParams, fData, f, r4); err == nil {
			t.Fatal("prover accepted an entry outside the table")
		}
	})
	for _, sz := range sizes {
		for _, c := range soundness {
			vals := sz.outside
			if !c.ch.outside && !c.ch.substitute {
				vals = sz.inside
			}
			for _, md := range modes {
				t.Run(sz.name+"/"+c.name+"/"+md.String(), func(t *testing.T) {
					err := lookupIn(t, md, vals, r4, c.ch, nil)
					if err == nil {
						t.Fatal("cheating proof accepted")
					}
					if _, ok := err.(errClaimRefused); ok {
						t.Logf("refused by the batch's prover: %v", err)
						return
					}
					t.Log(err)
				})
			}
		}
	}
}

// TestChecksNeeded: each cheat of TestOutsideRejected that one check
// catches is accepted with that check deleted (omit), so the suite fails if
// the check goes.
func TestChecksNeeded(t *testing.T) {
	r4, _ := Range(4)
	for _, sz := range sizes {
		for _, c := range soundness {
			if c.check == "" {
				continue
			}
			vals := sz.outside
			if !c.ch.outside && !c.ch.substitute {
				vals = sz.inside
			}
			t.Run(sz.name+"/"+c.name, func(t *testing.T) {
				omit = map[string]bool{c.check: true}
				defer func() { omit = nil }()
				if err := lookup(t, vals, r4, c.ch, nil); err != nil {
					t.Fatalf("without the %s check, still rejected: %v", c.check, err)
				}
			})
		}
	}
}

func TestTamperedRejected(t *testing.T) {
	r4, _ := Range(4)
	vals := []int64{3, 15, 1, 0, 9, 4, 2, 2, 11, 13}
	one := fr.One()
	cases := []struct {
		name string
		edit func(*Proof)
	}{
		{"round", func(p *Proof) { p.Sumcheck.Rounds[0][1].Add(&p.Sumcheck.Rounds[0][1], &one) }},
		{"last round", func(p *Proof) { r := p.Sumcheck.Rounds[len(p.Sumcheck.Rounds)-1]; r[3].Add(&r[3], &one) }},
		{"round dropped", func(p *Proof) { p.Sumcheck.Rounds = p.Sumcheck.Rounds[1:] }},
		{"eq final scaled, h final inversely (h's zero-check term unchanged)", func(p *Proof) {
			var two, inv fr.Element
			two.SetUint64(2)
			inv.Inverse(&two)
			p.Sumcheck.Finals[tEqF].Mul(&p.Sumcheck.Finals[tEqF], &two)
			p.Sumcheck.Finals[tH].Mul(&p.Sumcheck.Finals[tH], &inv)
		}},
		{"opening column", func(p *Proof) { p.Openings[1].Columns[0][0].Add(&p.Openings[1].Columns[0][0], &one) }},
		{"m commitment shape", func(p *Proof) { p.M.NumVars++ }},
		{"h commitment root", func(p *Proof) { p.H.Root[0] ^= 1 }},
	}
	for k := range numTables {
		cases = append(cases, struct {
			name string
			edit func(*Proof)
		}{fmt.Sprintf("final %d", k), func(p *Proof) { p.Sumcheck.Finals[k].Add(&p.Sumcheck.Finals[k], &one) }})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := lookup(t, vals, r4, cheats{}, c.edit)
			if err == nil {
				t.Fatal("tampered proof accepted")
			}
			t.Log(err)
		})
	}
	hidingEdits := []struct {
		name string
		edit func(*Proof)
	}{
		{"mask dropped", func(p *Proof) { p.Sumcheck.Mask = nil }},
		{"mask sum", func(p *Proof) { p.Sumcheck.Mask.Sum.Add(&p.Sumcheck.Mask.Sum, &one) }},
		{"mask value", func(p *Proof) { p.Sumcheck.Mask.Value.Add(&p.Sumcheck.Mask.Value, &one) }},
	}
	for _, c := range hidingEdits {
		t.Run("hiding/"+c.name, func(t *testing.T) {
			if err := lookupIn(t, mode{true, false, true}, vals, r4, cheats{}, c.edit); err == nil {
				t.Fatal("tampered proof accepted")
			}
		})
	}
	t.Run("binding proof with a mask", func(t *testing.T) {
		var masked Proof
		lookupIn(t, mode{true, false, true}, vals, r4, cheats{}, func(p *Proof) { masked = *p })
		err := lookup(t, vals, r4, cheats{}, func(p *Proof) { p.Sumcheck.Mask = masked.Sumcheck.Mask })
		if err == nil {
			t.Fatal("a mask accepted on a binding proof")
		}
	})
}

// TestSpans: under vanishing masks with n ≠ ℓ (and n = 0: one lookup, h
// and f plain factors) the smaller tables are masked factors spanning
// their own last variables (sumcheck.Instance.Spans), committed at their
// own size and claimed once, so an unbatched proof opens each once; a
// prover that runs the sumcheck without the spans (every Z over all N
// variables: its finals are not the committed tables' f̂) is rejected, in
// both vanishing modes.
func TestSpans(t *testing.T) {
	r4, _ := Range(4)
	for _, c := range []struct {
		name string
		vals []int64
	}{{"n < ℓ", insideVals[:8]}, {"n > ℓ", sizes[2].inside}, {"n = 0", insideVals[:1]}} {
		for _, md := range modes[4:] {
			t.Run(c.name+"/"+md.String(), func(t *testing.T) {
				var proof Proof
				if err := lookupIn(t, md, c.vals, r4, cheats{}, func(p *Proof) { proof = *p }); err != nil {
					t.Fatalf("honest proof rejected: %v", err)
				}
				n, l := len(mle.FromInt64(c.vals)), len(r4.Vals)
				if h, g := 1<<proof.H.NumVars, 1<<proof.G.NumVars; h != n || g != l {
					t.Fatalf("h over %d entries, g over %d, want %d and %d (their own sizes)", h, g, n, l)
				}
				if c.name == "n = 0" {
					return // no masked table repeated: spans change nothing
				}
				err := lookupIn(t, md, c.vals, r4, cheats{noSpans: true}, nil)
				if err == nil {
					t.Fatal("sumcheck without spans accepted")
				}
				t.Log(err)
			})
		}
	}
}

func TestTables(t *testing.T) {
	if _, err := NewTable(nil); err == nil {
		t.Error("empty table accepted")
	}
	if _, err := Range(25); err == nil {
		t.Error("25-bit range accepted")
	}
	tab := signedTable(-2, 2)
	if len(tab.Vals) != 8 || !tab.Vals[7].Equal(&tab.Vals[0]) {
		t.Errorf("5 entries padded to %d, last %s", len(tab.Vals), tab.Vals[7].String())
	}
}

func ExampleProve() {
	table, _ := Range(8) // [0, 256): an 8-bit range check
	f := mle.FromInt64([]int64{0, 17, 255, 128})
	fData, _ := pcs.Commit(pcs.DefaultParams(), f)
	prover, verifier := transcript.New("example"), transcript.New("example")
	fData.Commitment().Absorb(prover, "f")
	fData.Commitment().Absorb(verifier, "f")
	proof, _ := Prove(prover, pcs.DefaultParams(), fData, f, table)
	fmt.Println(Verify(verifier, pcs.DefaultParams(), fData.Commitment(), table, proof))
	// Output: <nil>
}
