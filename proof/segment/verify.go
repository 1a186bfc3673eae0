package segment

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
)

// ErrChain is the answer to segment proofs that are each valid but not of
// one run: a boundary fingerprint of one segment differs from the next's.
var ErrChain = errors.New("the segment proofs do not chain: a boundary fingerprint differs between neighbours (segments swapped, dropped, or from different runs)")

// Verify checks the bundle b against the directory: every segment's proof
// with that segment's verifying key (proof.Compiled.VerifyWith: its
// public inputs, commitments, claim and context as for any proof), then
// the chain: every segment's boundary_r public input must be the
// challenge of the bundle's boundary commitments (circuit.BoundaryChallenge
// of the commitment points the proofs carry, in order), and segment k's
// boundary_out public input must equal segment k+1's boundary_in. The context opt expects binds every segment, the
// input commitment the first, the claim the last; the model commitment is
// ModelCommitment of the segments' weight commitments, and the verifying
// key's hash KeysSHA256. Only one segment's verifying key is read at a
// time.
func (d *Dir) Verify(b *Bundle, opt proof.VerifyOptions) error {
	man := d.Manifest
	if b.Protocol != man.Backend {
		return fmt.Errorf("proof was made with %s, keys are %s", b.Protocol, man.Backend)
	}
	if b.ModelSHA256 != man.ModelSHA256 {
		return fmt.Errorf("proof is for the model with SHA-256 %.64q, this directory holds %s", b.ModelSHA256, man.ModelSHA256)
	}
	if len(b.Segments) != d.Len() {
		return fmt.Errorf("proof has %d segment proofs, this directory %d segments", len(b.Segments), d.Len())
	}
	if opt.VerifyingKeySHA256 != "" {
		got, err := d.KeysSHA256()
		if err != nil {
			return err
		}
		if !strings.EqualFold(strings.TrimPrefix(opt.VerifyingKeySHA256, "0x"), got) {
			return fmt.Errorf("the directory's verifying keys have SHA-256 %s, not the expected %.70s: these are other keys than the commitment was published with", got, opt.VerifyingKeySHA256)
		}
	}
	var prev *proof.Compiled
	for k, p := range b.Segments {
		if p.Context != b.Context {
			return fmt.Errorf("segment %d is bound to the context %.80q, the bundle to %.80q", k, p.Context, b.Context)
		}
		c, err := proof.OpenSub(d.SegmentDir(k), nil)
		if err != nil {
			return err
		}
		o := proof.VerifyOptions{Context: opt.Context}
		if k == 0 {
			o.InputCommitment = opt.InputCommitment
		}
		if k == d.Len()-1 {
			o.Claim = opt.Claim
		}
		if err := c.VerifyWith(p, o); err != nil {
			return fmt.Errorf("segment %d: %w", k, err)
		}
		if prev != nil {
			out, err := boundary(&prev.Settings, b.Segments[k-1], circuit.SegBoundaryOut)
			if err != nil {
				return fmt.Errorf("segment %d: %w", k-1, err)
			}
			in, err := boundary(&c.Settings, p, circuit.SegBoundaryIn)
			if err != nil {
				return fmt.Errorf("segment %d: %w", k, err)
			}
			if out != in {
				return fmt.Errorf("segments %d and %d: %w", k-1, k, ErrChain)
			}
		}
		prev = c
	}
	if err := d.checkChallenge(b); err != nil {
		return err
	}
	want, err := d.Assemble(b.Segments)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(b.Outputs, want.Outputs) {
		return errors.New("the bundle's outputs are not its last segment's")
	}
	if b.Claim != want.Claim {
		return fmt.Errorf("the bundle states the claim %.100q, its last segment proves %q", b.Claim, want.Claim)
	}
	if !maps.EqualFunc(b.Commitments, want.Commitments, strings.EqualFold) {
		return errors.New("the bundle's commitments are not the ones its segments carry")
	}
	if opt.ModelCommitment != "" {
		got := want.Commitments["params"]
		if got == "" {
			return errors.New("--model-commitment: this circuit does not commit to its params (visibility is not hashed)")
		}
		if !strings.EqualFold(got, opt.ModelCommitment) {
			return fmt.Errorf("the proof's params commitment %s is not the expected %.70s", got, opt.ModelCommitment)
		}
	}
	return nil
}

// KeysSHA256 is the SHA-256 of the segments' verifying keys' SHA-256
// digests in order: what `zkinfer commit` prints beside a segmented
// model's commitment.
func (d *Dir) KeysSHA256() (string, error) {
	h := sha256.New()
	for k := range d.Manifest.Segments {
		c, err := proof.OpenSub(d.SegmentDir(k), nil)
		if err != nil {
			return "", err
		}
		s, err := c.VerifyingKeySHA256()
		if err != nil {
			return "", err
		}
		b, err := hex.DecodeString(s)
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
