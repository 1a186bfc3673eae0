package batch

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// PoolMasks makes every zero-knowledge sumcheck run on tr from now until
// [Prover.Prove] draw its Libra mask from one sumcheck.MaskStream
// (pools of sumcheck.StreamVars coefficients, each committed before the
// first sumcheck it serves) instead of committing and opening its own;
// Prove detaches the stream and opens its pools first (Proof.Pools). A
// chain prover calls it once, before its first sumcheck, under hiding
// parameters, and must call sumcheck.DetachStream(tr) on its error paths.
func (b *Prover) PoolMasks(tr *transcript.Transcript) {
	b.stream = sumcheck.NewMaskStream(sumcheck.StreamVars)
	sumcheck.AttachStream(tr, b.stream)
}

// PoolMasks is the verifier's [Prover.PoolMasks], the pools' commitments
// read from the proof: call it where the prover did (before the first
// sumcheck); [Verifier.Verify] checks the pools' openings.
func (v *Verifier) PoolMasks(tr *transcript.Transcript, coms []pcs.Commitment) {
	v.stream = sumcheck.NewStreamVerifier(sumcheck.StreamVars, coms)
	sumcheck.AttachStream(tr, v.stream)
}

// provePools detaches and opens the prover's stream, if any.
func (b *Prover) provePools(tr *transcript.Transcript) (sumcheck.StreamProof, error) {
	if b.stream == nil {
		return sumcheck.StreamProof{}, nil
	}
	sumcheck.DetachStream(tr)
	p, err := b.stream.Open(tr)
	b.stream = nil
	return p, err
}

// verifyPools checks the stream's openings; without a stream the proof
// must carry none.
func (v *Verifier) verifyPools(tr *transcript.Transcript, p sumcheck.StreamProof) error {
	if v.stream == nil {
		if len(p.Coms) != 0 || len(p.Opens) != 0 {
			return fmt.Errorf("batch: %d mask pools in a proof whose sumchecks were not pooled", len(p.Coms))
		}
		return nil
	}
	sumcheck.DetachStream(tr)
	err := v.stream.Verify(tr, p.Opens)
	v.stream = nil
	return err
}
