package evm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
)

// The bundle's arguments after the proofs, in order: the first segment's
// input values, the boundaries (one per cut), the Poseidon2 weight
// commitments (one per segment with weights), the last segment's output
// values, the context.

// firstArgs and lastArgs are the public inputs that only the first, or
// only the last, segment carries, and that are arguments.
var (
	firstArgs = []string{circuit.SegInput, circuit.SegInputCommitment, circuit.SegSignerX, circuit.SegSignerY, circuit.SegSignerNonce}
	lastArgs  = []string{circuit.SegOutput, circuit.SegOutputCommitment}
)

const (
	argBoundaries = "boundaries"
	argParams     = "paramCommitments"
	argContext    = "context"
)

// layout makes the arguments and each segment's public inputs.
func (b *Bundle) layout(d *bundleData) error {
	n := len(b.Segments)
	last := n - 1
	offset := func(k int, name string) int {
		off := 0
		for _, s := range b.Segments[k].Public {
			if s.Name == name {
				return off
			}
			off += s.Len
		}
		return -1
	}
	add := func(seg int, names []string) error {
		off := 0
		for _, s := range b.Segments[seg].Public {
			if slices.Contains(names, s.Name) {
				a := bundleArg{name: argNames[s.Name], signed: s.Name == circuit.SegInput || s.Name == circuit.SegOutput}
				if !a.signed && s.Len != 1 {
					return fmt.Errorf("evm: segment %d's %s has %d public inputs, want 1", seg, s.Name, s.Len)
				}
				for i := range s.Len {
					a.from = append(a.from, argSource{seg, off + i})
				}
				b.args = append(b.args, a)
			}
			off += s.Len
		}
		return nil
	}
	if err := add(0, firstArgs); err != nil {
		return err
	}
	if n > 1 {
		a := bundleArg{name: argBoundaries, array: true}
		for k := range last {
			a.from = append(a.from, argSource{k, offset(k, circuit.SegBoundaryOut)})
		}
		b.args = append(b.args, a)
	}
	params := bundleArg{name: argParams, array: true}
	for k, s := range b.Segments {
		if s.Params == circuit.Poseidon2 {
			params.from = append(params.from, argSource{k, offset(k, circuit.SegParamCommitment)})
		}
	}
	if len(params.from) > 0 {
		b.args = append(b.args, params)
	}
	if err := add(last, lastArgs); err != nil {
		return err
	}
	b.args = append(b.args, bundleArg{name: argContext, from: []argSource{{0, offset(0, circuit.SegContext)}}})
	for _, a := range b.args {
		if slices.ContainsFunc(a.from, func(s argSource) bool { return s.offset < 0 }) {
			return fmt.Errorf("evm: a segment lacks the public input of the bundle's %s", a.name)
		}
	}
	param := 0
	for k, s := range b.Segments {
		sd, err := b.segmentData(k, &param)
		if err != nil {
			return err
		}
		d.Segments = append(d.Segments, sd)
		switch s.Params {
		case circuit.Pedersen:
			d.Pedersen = true
			d.ParamHash = append(d.ParamHash, fmt.Sprintf("uint32(%d), uint32(64), proofs[%d][MODEL_COMMITMENT_AT_%d:MODEL_COMMITMENT_AT_%d + 64]", k, k, k, k))
		case circuit.Poseidon2:
			d.ParamHash = append(d.ParamHash, fmt.Sprintf("uint32(%d), uint32(32), %s[%d]", k, argParams, param-1))
		}
		d.Signed = d.Signed || slices.ContainsFunc(sd.Fill, func(f string) bool { return strings.Contains(f, "_field(") })
	}
	d.Commitment = len(d.ParamHash) > 0
	return nil
}

// segmentData is segment k's public inputs as statements, and the
// arguments it reads. param counts the Poseidon2 weight commitments of the
// segments before it.
func (b *Bundle) segmentData(k int, param *int) (bundleSegData, error) {
	s := b.Segments[k]
	n, last := len(b.Segments), len(b.Segments)-1
	sd := bundleSegData{K: k, Contract: s.Verifier.Contract, File: s.File, Pedersen: s.Params == circuit.Pedersen,
		ProofBytes: s.Verifier.ProofBytes(), CommitmentAt: 256 + 64*s.CommitmentIndex, BoundaryAt: 256 + 64*s.BoundaryIndex}
	used := map[string]bool{}
	set := func(off int, v string) { sd.Fill = append(sd.Fill, fmt.Sprintf("inputs[%d] = %s;", off, v)) }
	off := 0
	for _, seg := range s.Public {
		name, where := seg.Name, ""
		switch {
		case name == circuit.SegInput && k == 0, name == circuit.SegOutput && k == last:
			a := argNames[name]
			sd.Fill = append(sd.Fill, fmt.Sprintf("for (uint256 i = 0; i < %d; ++i) inputs[%d + i] = _field(%s[i]);", seg.Len, off, a))
			used[a] = true
		case slices.Contains(firstArgs, name) && k == 0, slices.Contains(lastArgs, name) && k == last:
			set(off, argNames[name])
			used[argNames[name]] = true
		case name == circuit.SegBoundaryIn && k > 0:
			set(off, fmt.Sprintf("%s[%d]", argBoundaries, k-1))
			used[argBoundaries] = true
		case name == circuit.SegBoundaryOut && k < n-1:
			set(off, fmt.Sprintf("%s[%d]", argBoundaries, k))
			used[argBoundaries] = true
		case name == circuit.SegBoundaryR && n > 1:
			set(off, "challenge")
		case name == circuit.SegParamCommitment && s.Params == circuit.Poseidon2:
			set(off, fmt.Sprintf("%s[%d]", argParams, *param))
			*param++
			used[argParams] = true
		case name == circuit.SegClaim && k == last:
			if len(b.Constants) != seg.Len {
				return sd, fmt.Errorf("evm: the claim has %d public inputs, the bundle %d constants", seg.Len, len(b.Constants))
			}
			for i, c := range b.Constants {
				set(off+i, c.Name)
			}
		case name == circuit.SegContext:
			set(off, argContext)
			used[argContext] = true
		default:
			where = fmt.Sprintf("segment %d of %d", k, n)
		}
		if where != "" {
			return sd, fmt.Errorf("evm: the bundle does not know public input %q in %s", name, where)
		}
		off += seg.Len
	}
	if off != s.Verifier.Inputs {
		return sd, fmt.Errorf("evm: segment %d's layout has %d public inputs, its verifier %d: the keys are not this directory's", k, off, s.Verifier.Inputs)
	}
	sd.Inputs = off
	for _, a := range b.args {
		if used[a.name] {
			sd.Decls += ", " + a.solType()
			if a.signed || a.array {
				sd.Decls += " calldata"
			}
			sd.Decls += " " + a.name
			sd.CallArgs += ", " + a.name
		}
	}
	return sd, nil
}
