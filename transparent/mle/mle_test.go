package mle

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

func randTable(n int) Table {
	t := make(Table, 1<<n)
	for i := range t {
		t[i].SetRandom()
	}
	return t
}

func randPoint(n int) []fr.Element {
	p := make([]fr.Element, n)
	for i := range p {
		p[i].SetRandom()
	}
	return p
}

// naive evaluates Σ_b t[b]·eq(point, b) directly from the definition.
func naive(t Table, point []fr.Element) fr.Element {
	n := len(point)
	var s fr.Element
	for i := range t {
		b := make([]fr.Element, n)
		for j := 0; j < n; j++ {
			if i>>(n-1-j)&1 == 1 {
				b[j].SetOne()
			}
		}
		e := Eq(point, b)
		e.Mul(&e, &t[i])
		s.Add(&s, &e)
	}
	return s
}

func TestEvalMatchesDefinition(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5, 8} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			tab, p := randTable(n), randPoint(n)
			got, err := tab.Eval(p)
			if err != nil {
				t.Fatal(err)
			}
			if want := naive(tab, p); !got.Equal(&want) {
				t.Fatalf("Eval = %s, definition gives %s", got.String(), want.String())
			}
			eq := EqTable(p)
			if ip := Inner(eq, tab); !ip.Equal(&got) {
				t.Fatalf("<EqTable, t> = %s, Eval %s", ip.String(), got.String())
			}
		})
	}
}

func TestEvalOnHypercubeIsLookup(t *testing.T) {
	tab := randTable(4)
	for i := range tab {
		p := make([]fr.Element, 4)
		for j := 0; j < 4; j++ {
			p[j].SetUint64(uint64(i >> (3 - j) & 1))
		}
		got, _ := tab.Eval(p)
		if !got.Equal(&tab[i]) {
			t.Fatalf("t̃ at vertex %d is %s, want t[%d] = %s", i, got.String(), i, tab[i].String())
		}
	}
}

func TestEvalWrongArity(t *testing.T) {
	for _, c := range []struct {
		len, coords int
	}{{8, 2}, {8, 4}, {6, 3}} {
		if _, err := make(Table, c.len).Eval(make([]fr.Element, c.coords)); err == nil {
			t.Errorf("table of %d at %d coordinates: no error", c.len, c.coords)
		}
	}
}

func TestFromInt64Pads(t *testing.T) {
	tab := FromInt64([]int64{1, -2, 3})
	if len(tab) != 4 || tab.NumVars() != 2 || !tab[3].IsZero() {
		t.Fatalf("FromInt64 of 3 values: %d entries, last %s", len(tab), tab[3].String())
	}
	var m2 fr.Element
	m2.SetInt64(-2)
	if !tab[1].Equal(&m2) {
		t.Fatalf("entry 1 = %s, want -2", tab[1].String())
	}
}

func ExampleEqTable() {
	var r fr.Element
	r.SetUint64(3)
	eq := EqTable([]fr.Element{r})
	fmt.Println(eq[0].String(), eq[1].String()) // 1−r, r
	// Output: -2 3
}
