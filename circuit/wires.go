package circuit

import (
	"fmt"

	"github.com/consensys/gnark/frontend"

	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/ops"
)

// Segment names: the runs of values a circuit's witness is made of.
const (
	SegInput            = "input"             // the model's inputs, flat (public or secret)
	SegInputCommitment  = "input_commitment"  // Poseidon2 of hashed inputs (public)
	SegParams           = "params"            // the secret weights (secret)
	SegParamCommitment  = "param_commitment"  // Poseidon2 of hashed weights (public)
	SegOutput           = "output"            // the model's outputs, flat (public or secret)
	SegOutputCommitment = "output_commitment" // Poseidon2 of hashed outputs (public)
	SegClaim            = "claim"             // the claim's tag and bounds (public)
	SegContext          = "context"           // the context (public, always last)
	SegSalt             = "salt"              // the salt of hashed inputs and outputs (secret)
	SegParamSalt        = "param_salt"        // the salt of hashed weights (secret)
	SegBoundaryIn       = "boundary_in"       // the fingerprint of a segment's boundary inputs (public)
	SegBoundaryOut      = "boundary_out"      // the fingerprint of a segment's boundary outputs (public)
	SegBoundaryR        = "boundary_r"        // the challenge the fingerprints are taken at (public)
	SegBoundarySaltIn   = "boundary_salt_in"  // the salt of the input boundary's fingerprint (secret)
	SegBoundarySaltOut  = "boundary_salt_out" // the salt of the output boundary's fingerprint (secret)
	SegBoundaryBlind    = "boundary_blind"    // the blind of the boundary commitment (secret)
)

// Segment is a named run of witness values.
type Segment struct {
	Name string // one of the Seg constants
	Len  int
}

// Wires is the layout of a circuit's witness: its public inputs and its
// secret values, each a list of named segments in order. Layout computes
// it once for a model and visibility; New, AssignWitness, Define, the
// proof files and the on-chain wrapper all read it, so the order lives in
// one place.
//
// Public: input (public) or input_commitment (hashed) or boundary_in
// (boundary), param_commitment (Poseidon2-hashed weights), output (public)
// or output_commitment (hashed) or boundary_out (boundary), boundary_r
// (boundaries), signer_x,
// signer_y and signer_nonce (signed input), claim, context. Secret: input (private, hashed or boundary), params (private or
// hashed weights), output (private or hashed), salt (hashed inputs or
// outputs), param_salt (hashed weights), boundary_salt_in,
// boundary_salt_out and boundary_blind (boundaries; in this order, which
// BoundaryValues relies on),
// signature (signed input).
type Wires struct {
	Public, Private []Segment
}

// Layout returns the witness layout of m's circuit under vis.
func Layout(m *model.Model, vis Visibility) Wires {
	return LayoutOf(m.Inputs, m.Params, m.Outputs, vis)
}

// LayoutOf is Layout of a model with these inputs, secret weights and
// outputs: what a verifier without the model computes from settings.json,
// which records the shapes. The public segments do not depend on params
// (nil: the secret weights' segment is empty).
func LayoutOf(inputs, params, outputs []*ops.Info, vis Visibility) Wires {
	var w Wires
	size := func(infos []*ops.Info) int {
		n := 0
		for _, in := range infos {
			n += in.Size()
		}
		return n
	}
	add := func(public bool, name string, n int) {
		if public {
			w.Public = append(w.Public, Segment{name, n})
		} else {
			w.Private = append(w.Private, Segment{name, n})
		}
	}
	add(vis.Input == Public, SegInput, size(inputs))
	if vis.Input == Hashed {
		add(true, SegInputCommitment, 1)
	}
	if vis.Input == Boundary {
		add(true, SegBoundaryIn, 1)
	}
	if vis.SecretParams() {
		add(false, SegParams, size(params))
	}
	if vis.Params == Hashed && !vis.PedersenParams() {
		add(true, SegParamCommitment, 1)
	}
	if vis.Output == Boundary {
		// the computed values are fingerprinted directly: no witness copy
		add(true, SegBoundaryOut, 1)
	} else {
		add(vis.Output == Public, SegOutput, size(outputs))
	}
	if vis.Output == Hashed {
		add(true, SegOutputCommitment, 1)
	}
	if vis.Segmented() {
		add(true, SegBoundaryR, 1)
	}
	if vis.InputSignedBy != "" {
		add(true, SegSignerX, 1)
		add(true, SegSignerY, 1)
		add(true, SegSignerNonce, 1)
	}
	if c, _ := ParseClaim(vis.Claim); c != nil {
		add(true, SegClaim, c.nPublic())
	}
	layoutDP(add, vis, size(outputs))
	add(true, SegContext, 1)
	if vis.Input == Hashed || vis.Output == Hashed {
		add(false, SegSalt, 1)
	}
	if vis.Params == Hashed {
		add(false, SegParamSalt, 1)
	}
	if vis.Input == Boundary {
		add(false, SegBoundarySaltIn, 1)
	}
	if vis.Output == Boundary {
		add(false, SegBoundarySaltOut, 1)
	}
	if vis.Segmented() {
		add(false, SegBoundaryBlind, 1)
	}
	if vis.InputSignedBy != "" {
		add(false, SegSignature, 3)
	}
	if vis.DP != nil {
		add(false, SegDPSeed, 1)
	}
	return w
}

// NumPublic is the number of public inputs.
func (w Wires) NumPublic() int { return total(w.Public) }

// NumPrivate is the number of secret values.
func (w Wires) NumPrivate() int { return total(w.Private) }

// Offset returns where the named segment starts among the public inputs,
// or -1 when it is not public.
func (w Wires) Offset(name string) int { return offset(w.Public, name) }

// Has reports whether the named segment is in the layout, public or not.
func (w Wires) Has(name string) bool {
	return offset(w.Public, name) >= 0 || offset(w.Private, name) >= 0
}

// Name returns the name of the segment that public input i belongs to
// ("" when there is none).
func (w Wires) Name(i int) string {
	for _, s := range w.Public {
		if i < s.Len {
			return s.Name
		}
		i -= s.Len
	}
	return ""
}

// split cuts pub and priv (a circuit's Public and Private) into the named
// segments of w.
func (w Wires) split(pub, priv []frontend.Variable) map[string][]frontend.Variable {
	out := map[string][]frontend.Variable{}
	cut := func(segs []Segment, vs []frontend.Variable) {
		for _, s := range segs {
			out[s.Name], vs = vs[:s.Len], vs[s.Len:]
		}
	}
	cut(w.Public, pub)
	cut(w.Private, priv)
	return out
}

// join lays the named values out in w's order; it fails when a segment's
// values are missing or of the wrong length.
func (w Wires) join(vals map[string][]frontend.Variable) (pub, priv []frontend.Variable, err error) {
	put := func(segs []Segment) ([]frontend.Variable, error) {
		var out []frontend.Variable
		for _, s := range segs {
			v := vals[s.Name]
			if len(v) != s.Len {
				return nil, fmt.Errorf("circuit: the witness has %d values for %s, the circuit %d", len(v), s.Name, s.Len)
			}
			out = append(out, v...)
		}
		return out, nil
	}
	if pub, err = put(w.Public); err != nil {
		return nil, nil, err
	}
	priv, err = put(w.Private)
	return pub, priv, err
}

func total(segs []Segment) int {
	n := 0
	for _, s := range segs {
		n += s.Len
	}
	return n
}

func offset(segs []Segment, name string) int {
	off := 0
	for _, s := range segs {
		if s.Name == name {
			return off
		}
		off += s.Len
	}
	return -1
}
