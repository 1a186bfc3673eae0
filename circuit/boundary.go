package circuit

import (
	"fmt"
	"math/big"
	"reflect"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"golang.org/x/crypto/sha3"

	"github.com/zkinfer/zkinfer/internal/linexpr"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// Segment boundaries: see "Binding segments" in the package documentation.

func init() { solver.RegisterHint(boundaryPackHint) }

// boundaryPackHint copies its inputs: the packed boundary outputs as
// plain wires, which the boundary commitment can hold (a Groth16
// commitment holds wires, not linear expressions).
func boundaryPackHint(_ *big.Int, ins []*big.Int, outs []*big.Int) error {
	if len(ins) != len(outs) {
		return fmt.Errorf("boundary pack hint: %d inputs, %d outputs", len(ins), len(outs))
	}
	for i := range ins {
		outs[i].Set(ins[i])
	}
	return nil
}

// Segmented reports whether a circuit under v has a boundary, and so a
// boundary commitment.
func (v Visibility) Segmented() bool { return v.Input == Boundary || v.Output == Boundary }

// packCircuit is the packing of "Commitments to tensors" as linear
// expressions of the values (no constraint).
func packCircuit(api frontend.API, infos []*ops.Info, ts [][]frontend.Variable) []frontend.Variable {
	p := pack(infos)
	terms := make([][]frontend.Variable, p.n)
	k := 0
	for i, info := range infos {
		b := PackBits(info)
		for _, v := range ts[i] {
			terms[p.elem[k]] = append(terms[p.elem[k]], api.Mul(api.Add(v, pow2(b-1)), pow2(p.off[k])))
			k++
		}
	}
	out := make([]frontend.Variable, p.n)
	for i, t := range terms {
		out[i] = linexpr.Sum(api, t)
	}
	return out
}

// horner is salt·r^n + Σ_i vs[i]·r^(n−1−i): one constraint per value (the
// product by r; the additions are linear). Each value is the only one of
// vs in the constraint where it enters, (acc + vs[i])·r, or the last's
// equality with the fingerprint, which gives each committed wire among
// vs a constraint of its own (BSB22's bases must be independent).
func horner(api frontend.API, salt frontend.Variable, vs []frontend.Variable, r frontend.Variable) frontend.Variable {
	acc := salt
	for _, v := range vs {
		acc = api.Add(api.Mul(acc, r), v)
	}
	return acc
}

// power is r^k by squaring: at most 2·log2(k) constraints.
func power(api frontend.API, r frontend.Variable, k int) frontend.Variable {
	acc, base := frontend.Variable(1), r
	for ; k > 0; k >>= 1 {
		if k&1 == 1 {
			acc = api.Mul(acc, base)
		}
		if k > 1 {
			base = api.Mul(base, base)
		}
	}
	return acc
}

// passedOn is the length k of the longest run that ends the input values
// x and begins the output values y as the same expressions (y[:k] equal
// to x[len(x)−k:] term by term: a segment that hands on what it was
// given, as it is or concatenated, before what it computes; model.Live
// orders both by when they were computed). Equal expressions are equal
// values whatever the witness, so fingerprinting the run once for both
// sides computes the same fingerprints (see defineBoundary); a run that
// is not recognised only costs its second Horner chain.
func passedOn(x, y []frontend.Variable) int {
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	for j := max(0, len(x)-len(y)); j < len(x); j++ {
		if !reflect.DeepEqual(x[j], y[0]) {
			continue
		}
		k, same := len(x)-j, true
		for i := 1; i < k && same; i++ {
			same = reflect.DeepEqual(x[j+i], y[i])
		}
		if same {
			return k
		}
	}
	return 0
}

// sharedFingerprints asserts f_in = s_in·r^n + Σ_i x_i·r^(n−1−i) and
// f_out = s_out·r^m + Σ_i y_i·r^(m−1−i) when y's first k values are x's
// last k (passedOn): the run's Horner sum H = Σ_{i<k} y_i·r^(k−1−i) is
// computed once, and
//
//	f_in  = (s_in·r^(n−k) + Σ_{i<n−k} x_i·r^(n−k−1−i))·r^k + H
//	f_out = (s_out·r^k + H)·r^(m−k) + Σ_{i≥k} y_i·r^(m−1−i)
//
// the same polynomials in r, for n + m − k + O(log k) constraints
// instead of n + m. Each committed wire still has a constraint where it
// is the only one among them: x's values before the run in their Horner
// products (the last in its product by r^k), the run's in theirs (its
// last in the f_in equality), s_in in its first product (or its product
// by r^k), s_out in its product by r^k.
func sharedFingerprints(api frontend.API, x, y []frontend.Variable, k int, sIn, sOut, r, fIn, fOut frontend.Variable) {
	n := len(x)
	h := horner(api, 0, y[:k], r)
	rk := power(api, r, k)
	api.AssertIsEqual(api.Add(api.Mul(horner(api, sIn, x[:n-k], r), rk), h), fIn)
	api.AssertIsEqual(horner(api, api.Add(api.Mul(sOut, rk), h), y[k:], r), fOut)
}

// flatten concatenates tensors' values.
func flatten(ts [][]frontend.Variable) []frontend.Variable {
	var out []frontend.Variable
	for _, t := range ts {
		out = append(out, t...)
	}
	return out
}

// defineBoundary binds a segment's boundaries (the inputs' raw wires when
// the input is a boundary, the computed outputs when the output is one):
// each boundary's fingerprint, Horner's rule over its values unpacked and
// its salt at the public challenge r, must equal its public input
// (boundary_in, boundary_out), and the values that fix the boundary go,
// with the salts and a blind wire, into one Groth16 commitment of its own,
// the boundary commitment, whose point fixes them before r is drawn from
// every segment's commitment: the input values as they are, the outputs
// packed ~10 to a field element (the producer's values are bounded by its
// gadgets, so the packing is injective on them; docs/SOUNDNESS.md). Its
// committed wires, in gnark's order (by wire index), are BoundaryValues'
// order: the input values, the salts and the blind (secret inputs, in the
// layout's order), the packed outputs (hinted wires, created here in
// order) and gnark's mask (created by Commit). Values the segment hands on
// unchanged at the end of its input and the start of its output (a
// tensor it only carries; a concatenation of its inputs) are
// fingerprinted once for both sides (sharedFingerprints): the same two
// public values, ~1.1 constraints a value handed on instead of ~2.1.
func defineBoundary(api frontend.API, m *model.Model, vis Visibility, seg map[string][]frontend.Variable, ins, outs [][]frontend.Variable) error {
	committer, ok := api.(frontend.Committer)
	if !ok {
		return fmt.Errorf("circuit: the constraint builder cannot make commitments (segment boundaries)")
	}
	r := seg[SegBoundaryR][0]
	var x, y []frontend.Variable // the boundary input and output values
	if vis.Input == Boundary {
		x = flatten(ins)
	}
	if vis.Output == Boundary {
		y = flatten(outs)
	}
	// Values handed on (the run y[:k] = x[n−k:]) are fingerprinted once for
	// both sides (sharedFingerprints).
	k := passedOn(x, y)
	var committed []frontend.Variable
	if vis.Input == Boundary {
		// The consumer's values are secret inputs, plain wires, committed
		// as they are and fingerprinted unpacked: no range check, since
		// the fingerprints' equality makes them the producer's values as
		// field elements, which the producer's gadgets bound.
		if k == 0 {
			api.AssertIsEqual(horner(api, seg[SegBoundarySaltIn][0], x, r), seg[SegBoundaryIn][0])
		}
		committed = append(committed, x...)
		committed = append(committed, seg[SegBoundarySaltIn][0])
	}
	if vis.Output == Boundary {
		committed = append(committed, seg[SegBoundarySaltOut][0])
	}
	blind := seg[SegBoundaryBlind][0]
	// A committed wire must be in a constraint of its own, or its basis
	// point is zero (or shared) and the commitment does not bind it; the
	// blind is in no other.
	api.Mul(blind, blind)
	committed = append(committed, blind)
	if vis.Output == Boundary {
		// The producer's values are linear expressions of its wires: their
		// packed elements become hinted wires, each asserted equal to its
		// expression (one constraint per packed element), which the
		// commitment fixes; the fingerprint is over the values themselves.
		packs := packCircuit(api, m.Outputs, outs)
		wires, err := api.NewHint(boundaryPackHint, len(packs), packs...)
		if err != nil {
			return err
		}
		for i := range packs {
			api.AssertIsEqual(wires[i], packs[i])
		}
		if k == 0 {
			api.AssertIsEqual(horner(api, seg[SegBoundarySaltOut][0], y, r), seg[SegBoundaryOut][0])
		} else {
			sharedFingerprints(api, x, y, k, seg[SegBoundarySaltIn][0], seg[SegBoundarySaltOut][0], r, seg[SegBoundaryIn][0], seg[SegBoundaryOut][0])
		}
		committed = append(committed, wires...)
	}
	if _, err := committer.Commit(committed...); err != nil {
		return fmt.Errorf("circuit: committing to the segment's boundary: %w", err)
	}
	return nil
}

// packValues packs tensors natively as packCircuit does.
func packValues(infos []*ops.Info, ts []ops.Tensor[int64]) ([]*big.Int, error) {
	if len(ts) != len(infos) {
		return nil, fmt.Errorf("circuit: %d boundary tensors, want %d", len(ts), len(infos))
	}
	p := pack(infos)
	elems := make([]*big.Int, p.n)
	for i := range elems {
		elems[i] = new(big.Int)
	}
	k := 0
	for i, info := range infos {
		if len(ts[i].Data) != info.Size() {
			return nil, fmt.Errorf("circuit: boundary tensor %d has %d values, want %d", i, len(ts[i].Data), info.Size())
		}
		half := pow2(PackBits(info) - 1)
		for _, v := range ts[i].Data {
			if float64(max(v, -v)) > info.Max {
				return nil, fmt.Errorf("circuit: boundary value %d of tensor %d is outside its bound %v", v, i, info.Max)
			}
			e := new(big.Int).Add(big.NewInt(v), half)
			elems[p.elem[k]].Add(elems[p.elem[k]], e.Lsh(e, uint(p.off[k])))
			k++
		}
	}
	return elems, nil
}

// Fingerprint is a boundary's public input: salt·r^n + Σ_i v_i·r^(n−1−i)
// over the n values v of ts in order, as the circuit computes it. Each
// value must lie within its tensor's bound (the producer's circuit holds
// it there: a value outside could not be proven).
func Fingerprint(infos []*ops.Info, ts []ops.Tensor[int64], salt, r *big.Int) (*big.Int, error) {
	if len(ts) != len(infos) {
		return nil, fmt.Errorf("circuit: %d boundary tensors, want %d", len(ts), len(infos))
	}
	var acc, x, e fr.Element
	acc.SetBigInt(saltOrZero(salt))
	x.SetBigInt(saltOrZero(r))
	for i, info := range infos {
		if len(ts[i].Data) != info.Size() {
			return nil, fmt.Errorf("circuit: boundary tensor %d has %d values, want %d", i, len(ts[i].Data), info.Size())
		}
		for _, v := range ts[i].Data {
			if float64(max(v, -v)) > info.Max {
				return nil, fmt.Errorf("circuit: boundary value %d of tensor %d is outside its bound %v", v, i, info.Max)
			}
			e.SetInt64(v)
			acc.Mul(&acc, &x).Add(&acc, &e)
		}
	}
	return acc.BigInt(new(big.Int)), nil
}

// BoundaryValues are the values of a segment's boundary commitment, in
// its commitment key's basis order (defineBoundary): the boundary input
// values, the input's salt, the output's salt, the blind, the packed
// boundary outputs, and gnark's mask, 0.
func BoundaryValues(m *model.Model, vis Visibility, w *Witness) ([]*big.Int, error) {
	if !vis.Segmented() {
		return nil, fmt.Errorf("circuit: the circuit has no segment boundary")
	}
	var out []*big.Int
	if vis.Input == Boundary {
		for _, t := range w.Inputs {
			for _, v := range t.Data {
				out = append(out, big.NewInt(v))
			}
		}
		out = append(out, saltOrZero(w.BoundarySaltIn))
	}
	if vis.Output == Boundary {
		out = append(out, saltOrZero(w.BoundarySaltOut))
	}
	out = append(out, saltOrZero(w.BoundaryBlind))
	if vis.Output == Boundary {
		packs, err := packValues(m.Outputs, w.Outputs)
		if err != nil {
			return nil, err
		}
		out = append(out, packs...)
	}
	return append(out, new(big.Int)), nil
}

// BoundaryCommitmentIndex finds which of cs's Groth16 commitments is the
// boundary commitment (pk.CommitmentKeys[j], Proof.Commitments[j]): the
// one that holds exactly the wires of BoundaryValues' order — the
// boundary input wires, the salts and the blind (secret inputs at their
// layout positions), then as many internal wires as the outputs have
// packed elements, then gnark's mask — and no public or commitment wire.
// It fails unless exactly one commitment has that shape.
func BoundaryCommitmentIndex(cs constraint.ConstraintSystem, m *model.Model, vis Visibility) (int, error) {
	if !vis.Segmented() {
		return 0, fmt.Errorf("circuit: the circuit has no segment boundary")
	}
	cms, ok := cs.GetCommitments().(constraint.Groth16Commitments)
	if !ok {
		return 0, fmt.Errorf("circuit: the constraint system has no Groth16 commitments")
	}
	lay := Layout(m, vis)
	nPub, nSecret := cs.GetNbPublicVariables(), cs.GetNbSecretVariables()
	if nSecret != lay.NumPrivate() {
		return 0, fmt.Errorf("circuit: the constraint system has %d secret wires, the circuit %d", nSecret, lay.NumPrivate())
	}
	var want []int
	at := func(name string, n int) {
		off := nPub + offset(lay.Private, name)
		for k := range n {
			want = append(want, off+k)
		}
	}
	if vis.Input == Boundary {
		n := 0
		for _, in := range m.Inputs {
			n += in.Size()
		}
		at(SegInput, n)
		at(SegBoundarySaltIn, 1)
	}
	if vis.Output == Boundary {
		at(SegBoundarySaltOut, 1)
	}
	at(SegBoundaryBlind, 1)
	internal := 1 // gnark's mask
	if vis.Output == Boundary {
		internal += pack(m.Outputs).n
	}
	found := -1
	for i, cm := range cms {
		pc := cm.PrivateCommitted
		if len(cm.PublicAndCommitmentCommitted) != 0 || len(pc) != len(want)+internal {
			continue
		}
		match := true
		for k, w := range want {
			match = match && pc[k] == w
		}
		for _, w := range pc[len(want):] {
			match = match && w >= nPub+nSecret
		}
		if !match {
			continue
		}
		if found >= 0 {
			return 0, fmt.Errorf("circuit: commitments %d and %d both hold exactly the boundary", found, i)
		}
		found = i
	}
	if found < 0 {
		return 0, fmt.Errorf("circuit: none of the %d Groth16 commitments holds exactly the segment's boundary", len(cms))
	}
	return found, nil
}

// BoundaryChallenge is the challenge r every segment of a bundle proves
// its fingerprints at: keccak256 over the segments' boundary commitment
// points in order, each as x‖y (32-byte big-endian coordinates, the
// encoding of the Solidity proof bytes; the point at infinity as zeros),
// reduced mod the BN254 scalar field order.
func BoundaryChallenge(points []curve.G1Affine) *big.Int {
	h := sha3.NewLegacyKeccak256()
	for i := range points {
		x, y := points[i].X.Bytes(), points[i].Y.Bytes()
		h.Write(x[:])
		h.Write(y[:])
	}
	r := new(big.Int).SetBytes(h.Sum(nil))
	return r.Mod(r, ecc.BN254.ScalarField())
}
