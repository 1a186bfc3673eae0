package proof

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/proof/verifier"
)

// Loading keys, which are untrusted bytes: the verifying key a verifier
// reads, and the proving key. Each is scanned first (keyscan.go), so that
// nothing allocates more than a small multiple of the file's size, then
// decoded and checked against what gnark indexes with; every error says
// what is wrong on one line. A verifying key's hash (VerifyingKeySHA256)
// ties it to a published model commitment.

// maxVerifyingKeyBytes bounds vk.bin: a verifying key grows with the public
// inputs only (32 bytes each).
const maxVerifyingKeyBytes = verifier.MaxVerifyingKeyBytes

// loadVerifyingKey reads and checks the verifying key at path for a circuit
// with nPublic public inputs.
func loadVerifyingKey(path string, nPublic int) (*groth16bn254.VerifyingKey, error) {
	var vk *groth16bn254.VerifyingKey
	err := readFrom(path, "verifying key", func(r io.Reader) error {
		b, err := io.ReadAll(io.LimitReader(r, maxVerifyingKeyBytes+1))
		if err != nil {
			return err
		}
		vk, err = decodeVerifyingKey(b, nPublic)
		return err
	})
	return vk, err
}

// decodeVerifyingKey decodes and checks a verifying key for a circuit with
// nPublic public inputs (verifier.DecodeGroth16Key).
func decodeVerifyingKey(b []byte, nPublic int) (*groth16bn254.VerifyingKey, error) {
	return verifier.DecodeGroth16Key(b, nPublic)
}

// loadProvingKey reads and checks the proving key at path.
func loadProvingKey(path string) (*groth16bn254.ProvingKey, error) {
	var pk *groth16bn254.ProvingKey
	err := readFrom(path, "proving key", func(r io.Reader) error {
		f, ok := r.(*os.File)
		if !ok {
			return errors.New("not a file")
		}
		st, err := f.Stat()
		if err != nil {
			return err
		}
		pk, err = decodeProvingKey(f, st.Size())
		return err
	})
	return pk, err
}

// decodeProvingKey decodes and checks a proving key of size bytes: one
// pass checks its layout (scanProvingKey), a second decodes it.
func decodeProvingKey(r io.ReadSeeker, size int64) (*groth16bn254.ProvingKey, error) {
	if err := verifier.ScanProvingKey(r, size); err != nil {
		return nil, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	pk := new(groth16bn254.ProvingKey)
	if _, err := pk.UnsafeReadFrom(bufio.NewReaderSize(r, 1<<20)); err != nil {
		return nil, oneLineErr(err)
	}
	if err := checkProvingKey(pk); err != nil {
		return nil, err
	}
	return pk, nil
}

// checkProvingKey checks the lengths gnark's prover relies on.
func checkProvingKey(pk *groth16bn254.ProvingKey) error {
	count := func(bs []bool) uint64 {
		n := uint64(0)
		for _, b := range bs {
			if b {
				n++
			}
		}
		return n
	}
	wires := uint64(len(pk.InfinityA))
	switch {
	case uint64(len(pk.InfinityB)) != wires:
		return errors.New("its A and B wire counts differ")
	case count(pk.InfinityA) != pk.NbInfinityA || count(pk.InfinityB) != pk.NbInfinityB:
		return errors.New("its counts of points at infinity are wrong")
	case uint64(len(pk.G1.A)) != wires-pk.NbInfinityA:
		return fmt.Errorf("has %d points A for %d wires", len(pk.G1.A), wires-pk.NbInfinityA)
	case uint64(len(pk.G1.B)) != wires-pk.NbInfinityB || len(pk.G2.B) != len(pk.G1.B):
		return fmt.Errorf("has %d and %d points B for %d wires", len(pk.G1.B), len(pk.G2.B), wires-pk.NbInfinityB)
	}
	for i, ck := range pk.CommitmentKeys {
		if len(ck.Basis) != len(ck.BasisExpSigma) {
			return fmt.Errorf("commitment key %d is malformed", i)
		}
	}
	return nil
}

// keyMatches checks that a proving key was made for the circuit cs.
func keyMatches(pk groth16.ProvingKey, cs constraint.ConstraintSystem) error {
	k, ok := pk.(*groth16bn254.ProvingKey)
	if !ok {
		return fmt.Errorf("unexpected proving key type %T", pk)
	}
	// The wire counts gnark's setup sizes the key by.
	wires := cs.GetNbInternalVariables() + cs.GetNbSecretVariables() + cs.GetNbPublicVariables()
	cms, _ := cs.GetCommitments().(constraint.Groth16Commitments)
	committed := 0
	for _, c := range cms {
		committed += len(c.PrivateCommitted)
	}
	private := cs.GetNbInternalVariables() + cs.GetNbSecretVariables() - committed - len(cms)
	if len(k.InfinityA) != wires || len(k.G1.K) != private || len(k.CommitmentKeys) != len(cms) {
		return fmt.Errorf("the proving key is for another circuit (%d wires, %d private, %d commitments; this circuit has %d, %d and %d): run setup again",
			len(k.InfinityA), len(k.G1.K), len(k.CommitmentKeys), wires, private, len(cms))
	}
	for i, c := range cms {
		if len(k.CommitmentKeys[i].Basis) != len(c.PrivateCommitted) {
			return fmt.Errorf("the proving key is for another circuit (commitment %d has %d bases, this circuit commits %d values): run setup again", i, len(k.CommitmentKeys[i].Basis), len(c.PrivateCommitted))
		}
	}
	return nil
}

// oneLineErr flattens an error from a decoder to one line.
func oneLineErr(err error) error { return verifier.OneLine(err) }

// readFrom opens path and reads it with r, naming the file in errors.
func readFrom(path, what string, r func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return fmt.Errorf("%s %s is missing", what, path)
		}
		return err
	}
	defer f.Close()
	if err := r(f); err != nil {
		return fmt.Errorf("%s %s is corrupt: %v", what, path, err)
	}
	return nil
}

// A model commitment means something only together with the verifying key
// it is checked under: with hashed weights the keys depend on the
// architecture alone, and a Pedersen commitment's bases come from the
// proving key made with them. `commit` prints, and `verify
// --vk-sha256` checks, the SHA-256 of the directory's vk.bin, so that a
// model owner publishes the pair and a verifier knows it holds those keys.

// VerifyingKeySHA256 is the hex SHA-256 of the directory's verifying key
// file.
func (c *Compiled) VerifyingKeySHA256() (string, error) {
	f, err := os.Open(c.path(VerifyingKey))
	if err != nil {
		return "", fmt.Errorf("%w (run setup first)", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, maxVerifyingKeyBytes+1)); err != nil {
		return "", fmt.Errorf("reading %s: %w", c.path(VerifyingKey), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
