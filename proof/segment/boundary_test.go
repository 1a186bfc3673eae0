package segment_test

import (
	"bytes"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
	"github.com/zkinfer/zkinfer/proof/segment/segmenttest"
)

// witnesses runs examples/credit/input.json through d's segments.
func witnesses(t *testing.T, d *segment.Dir, opt proof.ProveOptions) ([]*circuit.Witness, *model.Model) {
	t.Helper()
	in, err := model.ReadInput("../../examples/credit/input.json")
	if err != nil {
		t.Fatal(err)
	}
	ws, m, err := d.Witnesses(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	return ws, m
}

// proveAll proves every witness and assembles the bundle.
func proveAll(t *testing.T, d *segment.Dir, m *model.Model, ws []*circuit.Witness) *segment.Bundle {
	t.Helper()
	ps := make([]*proof.Proof, len(ws))
	for k, w := range ws {
		var err error
		if ps[k], err = d.ProveSegment(k, m, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	b, err := d.Assemble(ps)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBoundaryCommitmentPrecomputed: the boundary commitments the prover
// computes before proving (from BoundaryKeyFile and the witnesses) are
// the points the proofs carry, with fixed weights (the boundary's and the
// lookups' commitments) and with Pedersen weights (the weights' too), so
// the challenge every segment proved at is the bundle's.
func TestBoundaryCommitmentPrecomputed(t *testing.T) {
	for _, tc := range []struct {
		name string
		vis  circuit.Visibility
		opt  proof.ProveOptions
	}{
		{"fixed weights", circuit.DefaultVisibility, proof.ProveOptions{}},
		{"pedersen weights", circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public,
			ParamBits: 20, ParamCommitment: circuit.Pedersen}, proof.ProveOptions{Weights: credit, ParamSalt: big.NewInt(5)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := compileCredit(t, tc.vis, 3)
			ws, m := witnesses(t, d, tc.opt)
			pre, err := d.Commitments(ws, m)
			if err != nil {
				t.Fatal(err)
			}
			b := proveAll(t, d, m, ws)
			got, err := d.ProofCommitments(b)
			if err != nil {
				t.Fatal(err)
			}
			for k := range pre {
				if !pre[k].Equal(&got[k]) || pre[k].IsInfinity() {
					t.Errorf("segment %d: precomputed boundary commitment %s, the proof carries %s", k, pre[k].String(), got[k].String())
				}
			}
			if err := d.Verify(b, proof.VerifyOptions{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBundleChallenge: proofs made by a prover who departs from the
// protocol, each proof valid, are rejected by the bundle's checks:
//   - every segment proven at another challenge than the one its
//     commitments give (the fingerprints chain, as all were taken at the
//     same r): only the challenge check rejects it (ErrChallenge);
//   - segment 1's boundary input changed by one, and everything after it
//     recomputed honestly from the changed value (its commitments and the
//     challenge included): only the chain check rejects it (ErrChain).
//
// Deleting either check from Dir.Verify fails this test.
func TestBundleChallenge(t *testing.T) {
	d := compileCredit(t, circuit.DefaultVisibility, 3)
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, ws []*circuit.Witness, m *model.Model)
		want error
	}{
		{"another challenge", func(t *testing.T, ws []*circuit.Witness, _ *model.Model) {
			r := new(big.Int).Add(ws[0].BoundaryChallenge, big.NewInt(1))
			for _, w := range ws {
				w.BoundaryChallenge = r
			}
		}, segment.ErrChallenge},
		{"segment 1's boundary input changed", func(t *testing.T, ws []*circuit.Witness, m *model.Model) {
			segmenttest.MoveBoundary(t, d, ws, m)
		}, segment.ErrChain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, m := witnesses(t, d, proof.ProveOptions{})
			tc.edit(t, ws, m)
			b := proveAll(t, d, m, ws)
			for k, p := range b.Segments {
				c, err := proof.OpenSub(d.SegmentDir(k), nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Verify(p); err != nil {
					t.Fatalf("segment %d's proof is not valid on its own: %v", k, err)
				}
			}
			err := d.Verify(b, proof.VerifyOptions{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("verify: %v, want %v", err, tc.want)
			}
			t.Log(err)
		})
	}
}

// TestBoundaryKeyFile: a segment whose boundary.key is missing (keys set
// up elsewhere, a ceremony's) gets it written from its proving key when
// the witnesses are computed, with the same challenge; a truncated or
// foreign file is refused in one line that says to run setup again.
func TestBoundaryKeyFile(t *testing.T) {
	d := compileCredit(t, circuit.DefaultVisibility, 3)
	ws, _ := witnesses(t, d, proof.ProveOptions{})
	path := filepath.Join(d.SegmentDir(1), segment.BoundaryKeyFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	// a verifier without it (nor, here, the proving key) reads the index
	// from the circuit
	pk := filepath.Join(d.SegmentDir(1), proof.ProvingKey)
	if err := os.Rename(pk, pk+".away"); err != nil {
		t.Fatal(err)
	}
	if i, err := d.BoundaryCommitmentIndex(1); err != nil || i != 0 {
		t.Errorf("boundary commitment index without boundary.key and pk.bin: %d, %v", i, err)
	}
	if err := os.Rename(pk+".away", pk); err != nil {
		t.Fatal(err)
	}
	points, err := d.Commitments(ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("boundary.key was not written again: %v", err)
	}
	if !bytes.Equal(again, good) || circuit.BoundaryChallenge(points).Cmp(ws[0].BoundaryChallenge) != 0 {
		t.Error("boundary.key written again differs, or gives another challenge")
	}
	for name, raw := range map[string][]byte{
		"truncated": good[:len(good)-10],
		"extended":  append(slices.Clone(good), 0),
		"no header": good[10:],
	} {
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := d.Commitments(ws, nil)
		if err == nil || !strings.Contains(err.Error(), "run setup again") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line saying to run setup again", name, err)
		}
	}
}
