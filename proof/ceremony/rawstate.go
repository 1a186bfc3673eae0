package ceremony

import (
	"encoding/binary"
	"io"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	gio "github.com/consensys/gnark/io"
)

// rawPhase2 writes a phase-2 state as gnark's Phase2.WriteTo does, field
// for field, but with the points uncompressed (gnark-crypto's raw
// encoding): reading a compressed point takes a square root, which made a
// fifth of a per-model ceremony's CPU time (every contribution, finalize
// and verify read the states). gnark's decoder reads either form, so
// Phase2.ReadFrom reads these states unchanged; the challenge hashed into
// each contribution's proofs stays the hash of gnark's compressed encoding
// (hashPhase2), so contributions, proofs and keys are gnark's. A state
// says which encoding its payload has (stateHeader.RawPoints).
type rawPhase2 struct{ p *mpcsetup.Phase2 }

func (r rawPhase2) WriteTo(w io.Writer) (int64, error) {
	p := r.p
	if err := binary.Write(w, binary.BigEndian, uint16(len(p.Parameters.G2.Sigma))); err != nil {
		return 0, err
	}
	enc := curve.NewEncoder(w, curve.RawEncoding())
	refs := []any{&p.Parameters.G1.Delta, &p.Parameters.G1.PKK, &p.Parameters.G1.Z, &p.Parameters.G2.Delta}
	for i := range p.Parameters.G1.SigmaCKK {
		refs = append(refs, &p.Parameters.G1.SigmaCKK[i])
	}
	for i := range p.Parameters.G2.Sigma {
		refs = append(refs, &p.Parameters.G2.Sigma[i])
	}
	for _, v := range refs {
		if err := enc.Encode(v); err != nil {
			return 2 + enc.BytesWritten(), err
		}
	}
	n := 2 + enc.BytesWritten()
	dn, err := p.Delta.WriteTo(w)
	n += dn
	if err != nil {
		return n, err
	}
	for i := range p.Sigmas {
		dn, err = p.Sigmas[i].WriteTo(w)
		n += dn
		if err != nil {
			return n, err
		}
	}
	dn, err = gio.WriteBytesShort(p.Challenge, w)
	return n + dn, err
}
