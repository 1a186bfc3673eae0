package ceremony

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
)

// EvaluationsFile is where Phase2 leaves the circuit's evaluations at
// phase 1's τ, α, β (the keys' A, B and K vectors, before δ) in the
// coordinator's directory, so that Finalize need not recompute them. It is
// a cache: it names the phase-1 result and the circuit it was computed
// from and ends with its own SHA-256, and Finalize recomputes the
// evaluations when it is missing or does not match. Verify never reads it:
// it recomputes the keys from the chain.
const EvaluationsFile = "ceremony-phase2-evaluations.bin"

const evalsMagic = "zkinfer-ceremony-evaluations\n"

// evalsHeader is the cache's first bytes: what it was computed from.
func evalsHeader(c *Circuit, commons string) []byte {
	return []byte(evalsMagic + commons + "\n" + c.SHA256 + "\n")
}

// writeEvals writes the evaluations cache for the phase-1 result whose
// SHA-256 is commons.
func writeEvals(c *Circuit, commons string, e *mpcsetup.Phase2Evaluations) error {
	var buf bytes.Buffer
	n := len(e.G1.A) + len(e.G1.B) + len(e.G1.VKK)
	for _, k := range e.G1.CKK {
		n += len(k)
	}
	buf.Grow(n*curve.SizeOfG1AffineUncompressed + len(e.G2.B)*curve.SizeOfG2AffineUncompressed + 1<<12)
	buf.Write(evalsHeader(c, commons))
	enc := curve.NewEncoder(&buf, curve.RawEncoding())
	for _, v := range []any{e.G1.A, e.G1.B, e.G2.B, e.G1.VKK, uint32(len(e.G1.CKK))} {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	for _, k := range e.G1.CKK {
		if err := enc.Encode(k); err != nil {
			return err
		}
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	return atomicfile.WriteFile(filepath.Join(c.Dir, EvaluationsFile), buf.Bytes())
}

// readEvals reads the evaluations cache if it is the one for this circuit
// and the phase-1 result commons, intact; ok is false otherwise.
func readEvals(c *Circuit, commons string) (e *mpcsetup.Phase2Evaluations, ok bool) {
	b, err := os.ReadFile(filepath.Join(c.Dir, EvaluationsFile))
	head := evalsHeader(c, commons)
	if err != nil || len(b) < len(head)+sha256.Size || !bytes.HasPrefix(b, head) {
		return nil, false
	}
	body := b[:len(b)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], b[len(body):]) {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			e, ok = nil, false
		}
	}()
	r := bytes.NewReader(body[len(head):])
	// The cache's own hash vouches for its points (written by Phase2 from
	// checked ones): no subgroup checks, which for its G2 points cost a
	// scalar multiplication each. Keys from a damaged cache would fail
	// Verify, which never reads it.
	dec := curve.NewDecoder(r, curve.NoSubgroupChecks())
	e = new(mpcsetup.Phase2Evaluations)
	var nc uint32
	for _, v := range []any{&e.G1.A, &e.G1.B, &e.G2.B, &e.G1.VKK, &nc} {
		if err := dec.Decode(v); err != nil {
			return nil, false
		}
	}
	if nc > 255 {
		return nil, false
	}
	e.G1.CKK = make([][]curve.G1Affine, nc)
	for i := range e.G1.CKK {
		if err := dec.Decode(&e.G1.CKK[i]); err != nil {
			return nil, false
		}
	}
	if r.Len() != 0 || !fitsCircuit(e, c.R1CS) {
		return nil, false
	}
	return e, true
}

// fitsCircuit checks the evaluations have the circuit's shape, and sets
// their commitments' public inputs (a function of the circuit).
func fitsCircuit(e *mpcsetup.Phase2Evaluations, r *cs_bn254.R1CS) bool {
	cms, ok := r.CommitmentInfo.(constraint.Groth16Commitments)
	if !ok || len(cms) != len(e.G1.CKK) {
		return false
	}
	nbInternal, nbSecret, nbPublic := r.GetNbVariables()
	nWires := nbInternal + nbSecret + nbPublic
	if len(e.G1.A) != nWires || len(e.G1.B) != nWires || len(e.G2.B) != nWires || len(e.G1.VKK) != nbPublic+len(cms) {
		return false
	}
	for i := range cms {
		if len(e.G1.CKK[i]) != len(cms[i].PrivateCommitted) {
			return false
		}
	}
	e.PublicAndCommitmentCommitted = cms.GetPublicAndCommitmentCommitted(cms.CommitmentIndexes(), nbPublic)
	return true
}
