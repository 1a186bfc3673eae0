package segment

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
)

// Boundary commitments (circuit/boundary.go): every segment's proof
// carries a Groth16 commitment D_k to its boundary values, salts and
// blind, and every segment proves its fingerprints at the one challenge
// r = circuit.BoundaryChallenge(D_0, …, D_{S−1}). r is a public input, so
// the prover needs every D_k before proving any segment: it computes them
// here as multi-scalar products of the committed values with the
// commitment key's basis, which setup stores per segment in
// BoundaryKeyFile so that the coordinator of a run never loads a proving
// key.

// BoundaryKeyFile, in each segment's directory, holds which of the
// segment's Groth16 commitments is its boundary commitment and that
// commitment key's basis:
//
//	"zkinfer-boundary-key-v1\n" ‖ index (uint32) ‖ n (uint32) ‖ n × (x ‖ y)
//
// big-endian, each coordinate 32 bytes.
const BoundaryKeyFile = "boundary.key"

const boundaryKeyMagic = "zkinfer-boundary-key-v1\n"

// maxBoundaryBasis bounds n when the file is read: a segment's boundary
// holds at most the model's values (graph.MaxTotalElements).
const maxBoundaryBasis = 1 << 26

// ErrChallenge is the answer to segment proofs that were not all proven at
// the challenge their bundle's boundary commitments give.
var ErrChallenge = errors.New("the segment proofs were not proven at their bundle's boundary challenge (segments swapped, dropped, or from different runs)")

// boundaryKey is a segment's BoundaryKeyFile.
type boundaryKey struct {
	Index int
	Basis []curve.G1Affine
}

// WriteBoundaryKey writes segment k's BoundaryKeyFile from its circuit and
// proving key (Setup does, after each segment's keys).
func (d *Dir) WriteBoundaryKey(k int) error {
	c, _, err := d.Segment(k, nil)
	if err != nil {
		return err
	}
	cs, err := c.ReadCircuit()
	if err != nil {
		return fmt.Errorf("segment %d: %w", k, err)
	}
	idx, err := circuit.BoundaryCommitmentIndex(cs, c.Model, c.Settings.Visibility)
	if err != nil {
		return fmt.Errorf("segment %d: %w: compile again", k, err)
	}
	n := len(cs.GetCommitments().(constraint.Groth16Commitments)[idx].PrivateCommitted)
	cs = nil
	basis, err := c.CommitmentBasis(idx)
	if err != nil {
		return fmt.Errorf("segment %d: %w", k, err)
	}
	if len(basis) != n {
		return fmt.Errorf("segment %d: the proving key's boundary commitment key has %d bases, the circuit commits %d values: run setup again", k, len(basis), n)
	}
	// A wire in no constraint of its own would have a zero or repeated
	// basis point: the commitment would not bind it (or, the blind's,
	// hide). gnark's mask, the last, is checked by gnark.
	seen := make(map[curve.G1Affine]bool, n)
	for i := range basis[:n-1] {
		if basis[i].IsInfinity() || seen[basis[i]] {
			return fmt.Errorf("segment %d: the boundary commitment key's basis %d is zero or repeated: the commitment would not bind: compile again", k, i)
		}
		seen[basis[i]] = true
	}
	var buf bytes.Buffer
	buf.WriteString(boundaryKeyMagic)
	binary.Write(&buf, binary.BigEndian, [2]uint32{uint32(idx), uint32(n)})
	for i := range basis {
		x, y := basis[i].X.Bytes(), basis[i].Y.Bytes()
		buf.Write(x[:])
		buf.Write(y[:])
	}
	return atomicfile.WriteFile(filepath.Join(d.SegmentDir(k), BoundaryKeyFile), buf.Bytes())
}

// circuitBoundaryKey is segment k's boundary commitment index, found in
// its constraint system, without the basis.
func (d *Dir) circuitBoundaryKey(k int) (*boundaryKey, error) {
	c, _, err := d.Segment(k, nil)
	if err != nil {
		return nil, err
	}
	cs, err := c.ReadCircuit()
	if err != nil {
		return nil, fmt.Errorf("segment %d: %w", k, err)
	}
	idx, err := circuit.BoundaryCommitmentIndex(cs, c.Model, c.Settings.Visibility)
	if err != nil {
		return nil, fmt.Errorf("segment %d: %w: compile again", k, err)
	}
	return &boundaryKey{Index: idx}, nil
}

// readBoundaryKey reads segment k's BoundaryKeyFile, its basis too when
// basis is set; a directory set up without one (keys from elsewhere) gets
// it written first, which needs the proving key, unless only the index is
// asked for (a verifier's), which the constraint system gives.
func (d *Dir) readBoundaryKey(k int, basis bool) (*boundaryKey, error) {
	path := filepath.Join(d.SegmentDir(k), BoundaryKeyFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !basis {
		// a verifier's copy may hold no proving key: the index is the
		// circuit's
		return d.circuitBoundaryKey(k)
	}
	if errors.Is(err, fs.ErrNotExist) {
		if err := d.WriteBoundaryKey(k); err != nil {
			return nil, err
		}
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("segment %d: %w", k, err)
	}
	defer f.Close()
	bad := func(what string) error {
		return fmt.Errorf("segment %d: %s is corrupt (%s): run setup again", k, path, what)
	}
	head := make([]byte, len(boundaryKeyMagic)+8)
	if _, err := io.ReadFull(f, head); err != nil || string(head[:len(boundaryKeyMagic)]) != boundaryKeyMagic {
		return nil, bad("no header")
	}
	key := &boundaryKey{Index: int(binary.BigEndian.Uint32(head[len(head)-8:]))}
	n := int(binary.BigEndian.Uint32(head[len(head)-4:]))
	if n > maxBoundaryBasis || key.Index > 64 {
		return nil, bad("sizes out of range")
	}
	if !basis {
		return key, nil
	}
	raw := make([]byte, 64*n)
	if _, err := io.ReadFull(f, raw); err != nil {
		return nil, bad("truncated")
	}
	if m, _ := f.Read(make([]byte, 1)); m != 0 {
		return nil, bad("trailing bytes")
	}
	key.Basis = make([]curve.G1Affine, n)
	for i := range key.Basis {
		p := &key.Basis[i]
		if err := p.X.SetBytesCanonical(raw[64*i : 64*i+32]); err != nil {
			return nil, bad(fmt.Sprintf("basis %d: %v", i, err))
		}
		if err := p.Y.SetBytesCanonical(raw[64*i+32 : 64*i+64]); err != nil {
			return nil, bad(fmt.Sprintf("basis %d: %v", i, err))
		}
		if !p.IsInfinity() && !p.IsOnCurve() {
			return nil, bad(fmt.Sprintf("basis %d is not on the curve", i))
		}
	}
	return key, nil
}

// drawBoundary draws a bundle's boundary secrets into the segments'
// witnesses: one salt per boundary (segment k's output salt is segment
// k+1's input salt: both fingerprint the same tensor with it) and one
// blind per segment's commitment. Each is uniform in the field and
// independent of the others, so that no two public values share a mask.
func drawBoundary(ws []*circuit.Witness) error {
	draw := func() (*big.Int, error) { return rand.Int(rand.Reader, ecc.BN254.ScalarField()) }
	for k, w := range ws {
		var err error
		if w.BoundaryBlind, err = draw(); err != nil {
			return fmt.Errorf("prove: drawing a boundary blind: %w", err)
		}
		if k+1 < len(ws) {
			if w.BoundarySaltOut, err = draw(); err != nil {
				return fmt.Errorf("prove: drawing a boundary salt: %w", err)
			}
			ws[k+1].BoundarySaltIn = w.BoundarySaltOut
		}
	}
	return nil
}

// Commitments computes every segment's boundary commitment point D_k from
// the witnesses (m: the model, its weights loaded or not), as the proofs
// will carry it: the BoundaryKeyFile's basis applied to
// circuit.BoundaryValues.
func (d *Dir) Commitments(ws []*circuit.Witness, m *model.Model) ([]curve.G1Affine, error) {
	if len(ws) != d.Len() {
		return nil, fmt.Errorf("prove: %d witnesses for %d segments", len(ws), d.Len())
	}
	if m == nil {
		m = d.Model()
	}
	points := make([]curve.G1Affine, d.Len())
	for k, r := range d.Manifest.Segments {
		sub, _, err := m.Sub(r.From, r.To)
		if err != nil {
			return nil, err
		}
		vis, err := segmentVisibility(d.Manifest.Visibility, k, d.Len(), len(sub.Params) > 0)
		if err != nil {
			return nil, err
		}
		vals, err := circuit.BoundaryValues(sub, vis, ws[k])
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", k, err)
		}
		key, err := d.readBoundaryKey(k, true)
		if err != nil {
			return nil, err
		}
		if len(vals) != len(key.Basis) {
			return nil, fmt.Errorf("segment %d: its boundary commitment key has %d bases for %d committed values: run setup again", k, len(key.Basis), len(vals))
		}
		es := make([]fr.Element, len(vals))
		for i, v := range vals {
			es[i].SetBigInt(v)
		}
		if _, err := points[k].MultiExp(key.Basis, es, ecc.MultiExpConfig{}); err != nil {
			return nil, fmt.Errorf("segment %d: %w", k, err)
		}
	}
	return points, nil
}

// setChallenge computes the segments' boundary commitments and gives every
// witness their challenge.
func (d *Dir) setChallenge(ws []*circuit.Witness, m *model.Model) error {
	if d.Len() == 1 {
		return nil // no boundary
	}
	points, err := d.Commitments(ws, m)
	if err != nil {
		return err
	}
	r := circuit.BoundaryChallenge(points)
	for _, w := range ws {
		w.BoundaryChallenge = r
	}
	return nil
}

// ProofCommitments reads each segment's boundary commitment from the
// bundle's proofs.
func (d *Dir) ProofCommitments(b *Bundle) ([]curve.G1Affine, error) {
	points := make([]curve.G1Affine, d.Len())
	for k, p := range b.Segments {
		key, err := d.readBoundaryKey(k, false)
		if err != nil {
			return nil, err
		}
		raw, err := hex.DecodeString(strings.TrimPrefix(p.Proof, "0x"))
		if err != nil {
			return nil, fmt.Errorf("segment %d: the proof is not hex", k)
		}
		prf, err := proof.DecodeGroth16(raw, proof.AnyCommitments)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", k, err)
		}
		if key.Index >= len(prf.Commitments) {
			return nil, fmt.Errorf("segment %d: the proof has %d commitments, its boundary commitment is number %d: it is another circuit's", k, len(prf.Commitments), key.Index)
		}
		points[k] = prf.Commitments[key.Index]
	}
	return points, nil
}

// checkChallenge checks that every segment's proof was made at the
// challenge of the bundle's boundary commitments: its boundary_r public
// input must be circuit.BoundaryChallenge of the commitments its proofs
// carry, in order.
func (d *Dir) checkChallenge(b *Bundle) error {
	if d.Len() == 1 {
		return nil // no boundary
	}
	points, err := d.ProofCommitments(b)
	if err != nil {
		return err
	}
	r := circuit.BoundaryChallenge(points)
	want := fmt.Sprintf("0x%064x", r)
	for k, p := range b.Segments {
		c, err := proof.OpenSub(d.SegmentDir(k), nil)
		if err != nil {
			return err
		}
		got, err := boundary(&c.Settings, p, circuit.SegBoundaryR)
		if err != nil {
			return fmt.Errorf("segment %d: %w", k, err)
		}
		if got != want {
			return fmt.Errorf("segment %d: its boundary challenge is %.70s, its bundle's commitments give %s: %w", k, got, want, ErrChallenge)
		}
	}
	return nil
}

// BoundaryCommitmentIndex is which of segment k's Groth16 commitments is
// its boundary commitment (the proofs' Commitments[i]), from its
// BoundaryKeyFile.
func (d *Dir) BoundaryCommitmentIndex(k int) (int, error) {
	key, err := d.readBoundaryKey(k, false)
	if err != nil {
		return 0, err
	}
	return key.Index, nil
}
