package proof

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// The proving key's commitment keys (gnark's BSB22 commitments: a Pedersen
// key per commitment, its basis and the basis times σ), left on disk. The
// prover commits while it solves the constraint system, its peak (the
// constraint system, the solver's vectors and this), and a circuit with
// lookup range checks commits to every range-checked value: cnn_c32's
// largest segment (97,624 constraints) commits to 76k values, whose two
// vectors of points held 9.7 MB through the whole proof, and the
// commitment's single MSM over 76k points had each of its 20 windows'
// goroutines hold its buckets on its stack (about 1 MB each at c = 13).
// Here a key is its two vectors' places in the file: the commitment is
// summed over slices of commitChunk points read in turn (what is held:
// one slice and its MSM's buckets, c ≤ 10), and the proof of knowledge,
// made once the constraint system is dropped, reads the σ basis whole
// for one MSM, dropped after it. The sums are the same points, so the
// same commitment and proof as gnark's pedersen.ProvingKey.Commit and
// ProveKnowledge.
//
// The keys are checked once, when the key is opened (every point decoded
// with gnark's subgroup check, as pedersen.ProvingKey.ReadFrom decodes
// them), and decoded again, with the same checks, where they are used: a
// file rewritten in between fails or gives a proof that does not verify.

// commitChunk is the number of points of a commitment's basis summed at
// once: 8,192 points (0.5 MB raw), whose MSM picks 10-bit windows (26
// goroutines of about 100 KB of buckets each). Summing 76k points in
// slices of this size costs about a third more group operations than one
// MSM, a few hundredths of a second: under 1% of the proof.
const commitChunk = 1 << 13

// commitmentKey is where a Pedersen proving key's vectors lie in the key
// file: n points each, of size bytes each, from basis and from sigma.
type commitmentKey struct {
	n            int
	basis, sigma int64
}

// readCommitmentKey reads, from r at file offset *off, a Pedersen proving
// key as gnark encodes it (the basis, then the basis times σ, each a
// 4-byte big-endian count and its points), checking every point, and
// returns where its vectors lie. Every point must have size bytes (one
// encoder wrote the key); *off moves past the key.
func readCommitmentKey(r io.Reader, off *int64, size, fileSize int64) (commitmentKey, error) {
	var ck commitmentKey
	dec := curve.NewDecoder(r) // with subgroup checks
	vector := func() (int, int64, error) {
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, 0, err
		}
		*off += 4
		n := int64(binary.BigEndian.Uint32(b[:]))
		if n > (fileSize-*off)/size {
			return 0, 0, errors.New("truncated")
		}
		start := *off
		read := dec.BytesRead()
		var p curve.G1Affine
		for range n {
			if err := dec.Decode(&p); err != nil {
				return 0, 0, err
			}
		}
		if dec.BytesRead()-read != n*size {
			return 0, 0, errors.New("its points are not all in the key's encoding")
		}
		*off += n * size
		return int(n), start, nil
	}
	n, basis, err := vector()
	if err != nil {
		return ck, err
	}
	m, sigma, err := vector()
	if err != nil {
		return ck, err
	}
	if n != m {
		return ck, errors.New("commitment/proof length mismatch")
	}
	return commitmentKey{n: n, basis: basis, sigma: sigma}, nil
}

// points decodes n points of the key file from file offset off, checking
// each.
func (kf *keyFile) points(off int64, n int) ([]curve.G1Affine, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(kf.f, off, int64(n)*kf.g1), 1<<16)
	dec := curve.NewDecoder(br)
	ps := make([]curve.G1Affine, n)
	for i := range ps {
		if err := dec.Decode(&ps[i]); err != nil {
			return nil, fmt.Errorf("proving key: commitment key: %v", oneLineErr(err))
		}
	}
	return ps, nil
}

// commit returns commitment i's Pedersen commitment to values: Σ vⱼ·Gⱼ
// over its basis, summed over slices of commitChunk points read in turn.
func (kf *keyFile) commit(i int, values []fr.Element) (curve.G1Affine, error) {
	var res curve.G1Affine
	ck := kf.commitmentKeys[i]
	if len(values) != ck.n {
		return res, errors.New("must have as many values as basis elements")
	}
	var sum, part curve.G1Jac
	for start := 0; start < ck.n; start += commitChunk {
		end := min(start+commitChunk, ck.n)
		ps, err := kf.points(ck.basis+int64(start)*kf.g1, end-start)
		if err != nil {
			return res, err
		}
		if _, err := part.MultiExp(ps, values[start:end], ecc.MultiExpConfig{NbTasks: 1}); err != nil {
			return res, err
		}
		sum.AddAssign(&part)
	}
	res.FromJacobian(&sum)
	return res, nil
}

// proveKnowledge returns commitment i's proof of knowledge of values:
// Σ vⱼ·σGⱼ, in one MSM over the σ basis read whole (as gnark's
// ProveKnowledge, one task), dropped on return.
func (kf *keyFile) proveKnowledge(i int, values []fr.Element) (curve.G1Affine, error) {
	var pok curve.G1Affine
	ck := kf.commitmentKeys[i]
	if len(values) != ck.n {
		return pok, errors.New("must have as many values as basis elements")
	}
	ps, err := kf.points(ck.sigma, ck.n)
	if err != nil {
		return pok, err
	}
	_, err = pok.MultiExp(ps, values, ecc.MultiExpConfig{NbTasks: 1})
	return pok, err
}
