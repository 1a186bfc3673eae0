package pcs

import (
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// multiSetup commits k tables of 2^n entries and opens them at z.
func multiSetup(t *testing.T, n, k int) ([]*ProverData, []Commitment, []fr.Element, []fr.Element, MultiOpening) {
	return multiSetupP(t, testParams, n, k)
}

func multiSetupP(t *testing.T, testParams Params, n, k int) ([]*ProverData, []Commitment, []fr.Element, []fr.Element, MultiOpening) {
	t.Helper()
	var pds []*ProverData
	var coms []Commitment
	for range k {
		pd, err := Commit(testParams, randTable(n))
		if err != nil {
			t.Fatal(err)
		}
		pds, coms = append(pds, pd), append(coms, pd.Commitment())
	}
	z := randPoint(n)
	vals, op, err := OpenMulti(transcript.New("t"), pds, z)
	if err != nil {
		t.Fatal(err)
	}
	return pds, coms, z, vals, op
}

func TestMultiHonest(t *testing.T) {
	for _, testParams := range bothModes {
		for _, c := range [][2]int{{0, 1}, {4, 1}, {6, 3}, {10, 2}} {
			pds, coms, z, vals, op := multiSetupP(t, testParams, c[0], c[1])
			if err := VerifyMulti(transcript.New("t"), testParams, coms, z, vals, op); err != nil {
				t.Fatalf("n=%d, %d tables: honest opening rejected: %v", c[0], c[1], err)
			}
			for i, pd := range pds {
				if want := pd.MaskedEval(z); !want.Equal(&vals[i]) {
					t.Fatalf("n=%d: value %d is not the table's", c[0], i)
				}
			}
		}
	}
}

func TestMultiRejected(t *testing.T) {
	one := fr.One()
	for name, edit := range map[string]func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element){
		"value of table 1 off by one": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			vals[1].Add(&vals[1], &one)
			return coms, z
		},
		"values swapped": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			vals[0], vals[1] = vals[1], vals[0]
			return coms, z
		},
		"table 2's column entry": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			op.Columns[2][3][0].Add(&op.Columns[2][3][0], &one)
			return coms, z
		},
		"table 0's multiproof": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			op.Proofs[0][0][0] ^= 1
			return coms, z
		},
		"tables' columns swapped": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			op.Columns[0], op.Columns[1] = op.Columns[1], op.Columns[0]
			return coms, z
		},
		"u tampered": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			op.U[0].Add(&op.U[0], &one)
			return coms, z
		},
		"a table dropped": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			op.Columns, op.Proofs = op.Columns[:2], op.Proofs[:2]
			return coms[:2], z
		},
		"another point": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			z2 := append([]fr.Element(nil), z...)
			z2[0].Add(&z2[0], &one)
			return coms, z2
		},
		"a mask value tampered (or one added)": func(coms []Commitment, z, vals []fr.Element, op *MultiOpening) ([]Commitment, []fr.Element) {
			if len(op.Masks) == 0 {
				op.Masks = []fr.Element{one, one, one}
			} else {
				op.Masks[1].Add(&op.Masks[1], &one)
			}
			return coms, z
		},
	} {
		for _, testParams := range bothModes {
			_, coms, z, vals, op := multiSetupP(t, testParams, 8, 3)
			coms2, z2 := edit(coms, z, vals, &op)
			if err := VerifyMulti(transcript.New("t"), testParams, coms2, z2, vals[:len(coms2)], op); err == nil {
				t.Errorf("%s (hiding %v): accepted", name, testParams.Hiding)
			}
		}
	}
}

// TestMultiNotCodeword: one table's committed row far from the code is caught
// by the proximity check on the stacked rows.
func TestMultiNotCodeword(t *testing.T) {
	pds, _, _, _, _ := multiSetup(t, 8, 2)
	one := fr.One()
	pd := pds[1]
	pd.tamper = func(j int, col []fr.Element) {
		if j%2 == 0 {
			col[1].Add(&col[1], &one)
		}
	}
	if err := pd.recommit(); err != nil {
		t.Fatal(err)
	}
	z := randPoint(8)
	vals, op, err := OpenMulti(transcript.New("t"), pds, z)
	if err != nil {
		t.Fatal(err)
	}
	coms := []Commitment{pds[0].Commitment(), pds[1].Commitment()}
	if err := VerifyMulti(transcript.New("t"), testParams, coms, z, vals, op); err == nil {
		t.Fatal("a row far from the code accepted")
	}
}

// TestMultiCheats: each cheat is caught by one check: a wrong value bound
// with v honest by ⟨v, eq(z_col)⟩ against the values' combination; the same
// with v adjusted to match by the encoding of v at the columns; u not the
// γ-combination of the rows by the encoding of u.
func TestMultiCheats(t *testing.T) {
	for _, c := range []struct {
		name string
		ch   multiCheats
		want string
	}{
		{"wrong value, v honest", multiCheats{value: true}, "combination differs"},
		{"wrong value, v adjusted", multiCheats{value: true, fixV: true}, "encoding of v"},
		{"u not the rows' combination", multiCheats{u: true}, "encoding of u"},
	} {
		for _, testParams := range bothModes {
			pds, coms, _, _, _ := multiSetupP(t, testParams, 8, 3)
			for _, pd := range pds {
				pd.opened = false // the setup's opening used the masks; this test opens again
			}
			z := randPoint(8)
			vals, op, err := openMulti(transcript.New("t"), pds, z, nil, c.ch)
			if err != nil {
				t.Fatal(err)
			}
			err = VerifyMulti(transcript.New("t"), testParams, coms, z, vals, op)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s (hiding %v): want %q, got %v", c.name, testParams.Hiding, c.want, err)
			}
		}
	}
}
