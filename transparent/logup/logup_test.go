package logup

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

var testParams = pcs.Params{RateLog: 1, Queries: 16}

// lookup commits to vals (padded with vals[0]), proves them in table under
// ch, and verifies; edit may alter the proof in between.
func lookup(t *testing.T, vals []int64, table *Table, ch cheats, edit func(*Proof)) error {
	t.Helper()
	f := mle.FromInt64(vals)
	for i := len(vals); i < len(f); i++ {
		f[i].SetInt64(vals[0])
	}
	fData, err := pcs.Commit(testParams, f)
	if err != nil {
		t.Fatal(err)
	}
	ptr := transcript.New("test")
	fData.Commitment().Absorb(ptr, "f")
	proof, err := prove(ptr, testParams, fData, f, table, nil, ch)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&proof)
	}
	vtr := transcript.New("test")
	fData.Commitment().Absorb(vtr, "f")
	return Verify(vtr, testParams, fData.Commitment(), table, proof)
}

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
	} {
		t.Run(c.name, func(t *testing.T) {
			vals := make([]int64, c.n)
			for i := range vals {
				vals[i] = c.lo + rng.Int64N(c.span)
			}
			if err := lookup(t, vals, c.table, cheats{}, nil); err != nil {
				t.Fatalf("honest lookup rejected: %v", err)
			}
		})
	}
}

func TestOutsideRejected(t *testing.T) {
	r4, _ := Range(4)
	vals := []int64{3, 15, 16, 0, 9, -1, 2, 2} // 16 and -1 are outside [0, 16)
	t.Run("honest prover refuses", func(t *testing.T) {
		f := mle.FromInt64(vals)
		fData, _ := pcs.Commit(testParams, f)
		if _, err := Prove(transcript.New("t"), testParams, fData, f, r4); err == nil {
			t.Fatal("prover accepted an entry outside the table")
		}
	})
	one := fr.One()
	for _, c := range []struct {
		name string
		ch   cheats
		edit func(*Proof)
	}{
		{"multiplicities of the inside entries only", cheats{outside: true}, nil},
		{"h rewritten so that Σh = Σg", cheats{outside: true, balanceH: true}, nil},
		{"everything after f's commitment about f with 16 and -1 replaced (caught by f's opening)", cheats{substitute: true}, nil},
		{"prover's table has 16 and -1 in place of 13 and 14 (caught by the table factor)", cheats{values: func() mle.Table {
			v := append(mle.Table(nil), r4.Vals...)
			v[13].SetUint64(16)
			v[14].SetInt64(-1)
			return v
		}()}, nil},
		// Σh = Σg by the balanced h, and the zero-check run with eq(r', ·) for
		// a solved r': only the eq factor's check catches it.
		{"h balanced and the zero-check forged with another eq point", cheats{outside: true, balanceH: true, forgeEq: true}, nil},
		{"g balanced instead and its zero-check forged with another eq point", cheats{outside: true, balanceG: true, forgeEqG: true}, nil},
		{"h balanced and the stated sum moved", cheats{outside: true, balanceH: true}, func(p *Proof) { p.Sum.Add(&p.Sum, &one) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := lookup(t, vals, r4, c.ch, c.edit)
			if err == nil {
				t.Fatal("lookup of an outside entry accepted")
			}
			t.Log(err)
		})
	}
}

func TestTamperedRejected(t *testing.T) {
	r4, _ := Range(4)
	vals := []int64{3, 15, 1, 0, 9, 4, 2, 2, 11, 13}
	one := fr.One()
	for _, c := range []struct {
		name string
		ch   cheats
		edit func(*Proof)
	}{
		{"committed m differs from the m behind g", cheats{mDelta: true}, nil},
		{"stated sum", cheats{}, func(p *Proof) { p.Sum.Add(&p.Sum, &one) }},
		{"stated m(r_t)", cheats{}, func(p *Proof) { p.MAtR.Add(&p.MAtR, &one) }},
		{"Σh round", cheats{}, func(p *Proof) { p.SumH.Rounds[0][1].Add(&p.SumH.Rounds[0][1], &one) }},
		{"zero-check final on h", cheats{}, func(p *Proof) { p.ZeroH.Finals[1].Add(&p.ZeroH.Finals[1], &one) }},
		{"zero-check eq final", cheats{}, func(p *Proof) {
			// Keep the product: scale eq up and h down by the same factor.
			var two, inv fr.Element
			two.SetUint64(2)
			inv.Inverse(&two)
			p.ZeroH.Finals[0].Mul(&p.ZeroH.Finals[0], &two)
			p.ZeroH.Finals[1].Mul(&p.ZeroH.Finals[1], &inv)
		}},
		{"table final", cheats{}, func(p *Proof) {
			var two, inv fr.Element
			two.SetUint64(2)
			inv.Inverse(&two)
			p.ZeroG.Finals[2].Mul(&p.ZeroG.Finals[2], &two)
			p.ZeroG.Finals[1].Mul(&p.ZeroG.Finals[1], &inv)
		}},
		{"opening column", cheats{}, func(p *Proof) { p.Openings[3].Columns[0][0].Add(&p.Openings[3].Columns[0][0], &one) }},
		{"m commitment shape", cheats{}, func(p *Proof) { p.M.NumVars++ }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := lookup(t, vals, r4, c.ch, c.edit)
			if err == nil {
				t.Fatal("tampered proof accepted")
			}
			t.Log(err)
		})
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
