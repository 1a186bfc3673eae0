package sponge

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"
)

type hashCircuit struct {
	Msg    []frontend.Variable
	Digest frontend.Variable `gnark:",public"`
}

func (c *hashCircuit) Define(api frontend.API) error {
	d, err := HashVariables(api, c.Msg)
	if err != nil {
		return err
	}
	api.AssertIsEqual(d, c.Digest)
	return nil
}

func message(n int, seed uint64) []fr.Element {
	m := make([]fr.Element, n)
	for i := range m {
		m[i].SetUint64(seed + uint64(i)*0x9e3779b97f4a7c15)
		m[i].Square(&m[i]) // full width
	}
	return m
}

func assignment(m []fr.Element, d fr.Element) *hashCircuit {
	a := &hashCircuit{Msg: make([]frontend.Variable, len(m)), Digest: d}
	for i := range m {
		a.Msg[i] = m[i]
	}
	return a
}

// TestCircuitMatchesNative: the circuit's digest is Hash's at every
// length around the block boundaries, and not another value.
func TestCircuitMatchesNative(t *testing.T) {
	for _, n := range []int{0, 1, 2, 14, 15, 16, 29, 30, 31, 46} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			m := message(n, uint64(n)+1)
			d := Hash(m)
			c := &hashCircuit{Msg: make([]frontend.Variable, n)}
			if err := test.IsSolved(c, assignment(m, d), ecc.BN254.ScalarField()); err != nil {
				t.Fatalf("the native digest does not satisfy the circuit: %v", err)
			}
			var wrong fr.Element
			wrong.SetOne()
			wrong.Add(&wrong, &d)
			if test.IsSolved(c, assignment(m, wrong), ecc.BN254.ScalarField()) == nil {
				t.Fatal("another digest satisfies the circuit")
			}
		})
	}
}

// TestDistinct: the length in the capacity separates a message from its
// zero-padded extension, and each element and its position count.
func TestDistinct(t *testing.T) {
	m := message(15, 7)
	seen := map[fr.Element]string{}
	add := func(name string, msg []fr.Element) {
		d := Hash(msg)
		if prev, ok := seen[d]; ok {
			t.Fatalf("%s and %s have the same digest", name, prev)
		}
		seen[d] = name
	}
	add("m", m)
	add("m‖0", append(append([]fr.Element{}, m...), fr.Element{}))
	add("m[:14]", m[:14])
	add("empty", nil)
	add("[0]", []fr.Element{{}})
	swapped := append([]fr.Element{}, m...)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	add("m with two elements swapped", swapped)
	last := append([]fr.Element{}, m...)
	last[14].SetUint64(1)
	add("m with its last element changed", last)
}

// TestVector pins the digest of (1, 2, 3): a change of the permutation's
// parameters or of the sponge's layout changes every commitment zkinfer
// has printed, and must be a new format version.
func TestVector(t *testing.T) {
	var m [3]fr.Element
	for i := range m {
		m[i].SetUint64(uint64(i + 1))
	}
	d := Hash(m[:])
	const want = "0x183a4a00fd8906f4bbd019d0cf2fdf06aac809801171b0d56ca747d2927a2712"
	if got := "0x" + d.Text(16); got != want {
		t.Fatalf("Hash(1, 2, 3) = %s, want %s", got, want)
	}
}

// TestCost: a permutation is 555 constraints, a message element 37.
func TestCost(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{1, 555}, {15, 555}, {16, 1110}, {150, 5550}} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &hashCircuit{Msg: make([]frontend.Variable, tc.n)})
		if err != nil {
			t.Fatal(err)
		}
		if got := cs.GetNbConstraints() - 1; got != tc.want { // less the digest's equality
			t.Errorf("%d elements: %d constraints, want %d", tc.n, got, tc.want)
		}
	}
}
