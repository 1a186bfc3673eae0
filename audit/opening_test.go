package audit

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/zkinfer/zkinfer/ops"
)

// openCircuit asserts that Feats, Labels, Groups and Salt open Commitment
// under schema (OpenCircuit, as package query uses it).
type openCircuit struct {
	Commitment frontend.Variable `gnark:",public"`
	Feats      [][]frontend.Variable
	Labels     []frontend.Variable
	Groups     [][]frontend.Variable
	Salt       frontend.Variable

	schema *Schema
}

func (c *openCircuit) Define(api frontend.API) error {
	h, err := OpenCircuit(api, ops.NewRangeChecker(api, ops.RangeLookup), c.schema, c.Feats, c.Labels, c.Groups, c.Salt)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h, c.Commitment)
	return nil
}

// openWitness is the assignment of values (features, labels, groups as
// integers) with the commitment of their packing, computed natively
// whether or not they are in range.
func openWitness(s *Schema, feats [][]int64, labels []int64, groups [][]int64, salt *big.Int) *openCircuit {
	fw, lw, gw := s.widths()
	half := int64(1) << (fw - 1)
	c := &openCircuit{Salt: salt}
	var vals []*big.Int
	var widths []int
	for r, rec := range feats {
		row := make([]frontend.Variable, len(rec))
		for j, v := range rec {
			row[j] = v
			vals, widths = append(vals, big.NewInt(v+half)), append(widths, fw)
		}
		c.Feats = append(c.Feats, row)
		c.Labels = append(c.Labels, labels[r])
		vals, widths = append(vals, big.NewInt(labels[r])), append(widths, lw)
		for g := range groups {
			vals, widths = append(vals, big.NewInt(groups[g][r])), append(widths, gw)
		}
	}
	for _, g := range groups {
		col := make([]frontend.Variable, len(g))
		for r, v := range g {
			col[r] = v
		}
		c.Groups = append(c.Groups, col)
	}
	h := hashNative(s.header(), packNative(vals, widths), salt)
	c.Commitment = h.BigInt(new(big.Int))
	return c
}

func openShape(s *Schema, groups int) *openCircuit {
	c := &openCircuit{schema: s, Feats: make([][]frontend.Variable, s.Records), Labels: make([]frontend.Variable, s.Records), Groups: make([][]frontend.Variable, groups)}
	for r := range c.Feats {
		c.Feats[r] = make([]frontend.Variable, s.Features)
	}
	for g := range c.Groups {
		c.Groups[g] = make([]frontend.Variable, s.Records)
	}
	return c
}

// TestOpenCircuit: the circuit's opening is Records.Commitment on honest
// records, and it rejects values outside their packed widths that pack to
// the same field elements as honest ones (a feature, a label or a group
// value carried into its neighbour) and a label outside [0, C), each
// stopped by its range check alone.
func TestOpenCircuit(t *testing.T) {
	salt := big.NewInt(0x5a17)
	feats := [][]int64{{100, -200}, {300, 5}, {-7, 0}}
	honest := func(classes int, groups bool) (*Schema, [][]int64, []int64, [][]int64) {
		s := &Schema{Records: 3, Features: 2, Classes: classes, Scale: 12, Bits: 12}
		labels := []int64{1, 0, 1}
		var g [][]int64
		if groups {
			s.Groups = []string{"g"}
			g = [][]int64{{1, 0, 1}}
		}
		f := make([][]int64, len(feats))
		for r := range feats {
			f[r] = append([]int64(nil), feats[r]...)
		}
		return s, f, labels, g
	}
	// The honest opening is the native commitment.
	s, f, l, g := honest(2, true)
	rs := &Records{Schema: *s, Features: f, Labels: l, Groups: g, Salt: salt}
	want, err := rs.Commitment()
	if err != nil {
		t.Fatal(err)
	}
	a := openWitness(s, f, l, g, salt)
	if a.Commitment.(*big.Int).Cmp(want.BigInt(new(big.Int))) != 0 {
		t.Fatal("openWitness's commitment is not Records.Commitment")
	}
	if err := test.IsSolved(openShape(s, 1), a, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("honest opening: %v", err)
	}
	for _, tc := range []struct {
		name    string
		classes int
		groups  bool
		forge   func(f [][]int64, l []int64, g [][]int64)
	}{
		// Record 0's first feature + 2^12 and its second − 1: the same
		// packed element.
		{"feature carried", 2, false, func(f [][]int64, l []int64, g [][]int64) { f[0][0] += 1 << 12; f[0][1]-- }},
		// Record 0's label + 2 (1 bit with 2 classes) and record 1's first
		// feature − 1.
		{"label carried", 2, false, func(f [][]int64, l []int64, g [][]int64) { l[0] += 2; f[1][0]-- }},
		// A label of 3 with 3 classes fits its 2 bits but is no class.
		{"label out of classes", 3, false, func(f [][]int64, l []int64, g [][]int64) { l[0] = 3 }},
		// Record 0's group value + 2 and record 1's first feature − 1.
		{"group carried", 2, true, func(f [][]int64, l []int64, g [][]int64) { g[0][0] += 2; f[1][0]-- }},
	} {
		s, f, l, g := honest(tc.classes, tc.groups)
		tc.forge(f, l, g)
		a := openWitness(s, f, l, g, salt)
		if err := test.IsSolved(openShape(s, len(g)), a, ecc.BN254.ScalarField()); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}
