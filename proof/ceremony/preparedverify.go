package ceremony

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

// VerifyPrepared checks a prepared phase 1 (Prepare) against the phase-1
// chain it was made from: files, phase 1's start to its last state, are
// checked as Verify checks them (each contribution's proofs and
// consistency), phase 1 must have at least min contributions (at least
// one), and the file must be that last state sealed with the beacon its
// header names (checkSeal: one random linear combination per group) with
// Lagrange points that are the conversion of its powers (checkLagrange:
// one per group). Every point is checked to be on its curve and in its
// subgroup. It returns the chain's report, with Beacon1 the prepared
// file's beacon, and the file read: its SHA-256 is the digest a verifier
// records and gives to every per-model Verify of that size.
func VerifyPrepared(files []string, prepared string, min int, progress func(format string, args ...any)) (*Report, *Prepared, error) {
	rep, err := Verify(files, VerifyOptions{InProgress: true, Progress: progress})
	if err != nil {
		return nil, nil, err
	}
	lastPath := files[len(files)-1]
	last, err := readState(lastPath)
	if err != nil {
		return nil, nil, err
	}
	if last.P1 == nil || rep.Phase2 != 0 {
		return nil, nil, fmt.Errorf("ceremony: %s is a phase-2 state: a prepared phase 1 is checked against phase 1's chain alone", lastPath)
	}
	if err := enoughContributions(1, last.Header.Index, max(min, 1)); err != nil {
		return nil, nil, fmt.Errorf("ceremony: %s: %v", lastPath, err)
	}
	logf(progress, "ceremony: reading %s with every point checked", prepared)
	p, err := ReadPrepared(prepared, "", true, true)
	if err != nil {
		return nil, nil, err
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("ceremony: %s is not phase 1 prepared from %s: %s", prepared, lastPath, fmt.Sprintf(format, args...))
	}
	h := &p.Header
	switch {
	case h.Phase1 != last.SHA256:
		return nil, nil, fail("it names phase-1 state %.16s…, the last file given is %.16s…", h.Phase1, last.SHA256)
	case h.Contributions != last.Header.Index || h.Domain != last.Header.Domain:
		return nil, nil, fail("its header's contributions or size differ from the chain's")
	}
	beacon, err := hex.DecodeString(h.Beacon)
	if err != nil || len(beacon) == 0 {
		return nil, nil, fail("its beacon is not hex")
	}
	logf(progress, "ceremony: checking the prepared powers against phase 1 sealed with beacon 0x%s", h.Beacon)
	if err := checkSeal(last.P1, &p.commons, beacon); err != nil {
		return nil, nil, fail("%v", err)
	}
	if sum, err := commonsSHA256(&p.commons); err != nil || sum != h.Commons {
		return nil, nil, fail("its header's hash of the sealed result is wrong")
	}
	logf(progress, "ceremony: checking the prepared Lagrange points against the powers")
	if err := checkLagrange(&p.commons, p.lag); err != nil {
		return nil, nil, fail("%v", err)
	}
	rep.Beacon1 = h.Beacon
	return rep, p, nil
}

// checkLagrange checks that l holds the powers of c in the Lagrange basis
// of the domain of size n, [f·Lᵢ(τ)] = (1/n)·Σⱼ ω^{−ij}·[f·τʲ] for f ∈ {1,
// α, β} in G1 and f = 1 in G2, without a group FFT: with independent
// uniform rᵢ per point (crypto/rand), Σᵢ rᵢ·[f·Lᵢ(τ)] = Σⱼ σⱼ·[f·τʲ]
// where σ = IFFT(r), because Σᵢ rᵢ·Lᵢ(X) = Σⱼ σⱼ·Xʲ. The three G1 vectors
// are checked in one equation (independent r for each), G2 in another.
// A wrong point makes each side differ by Σ rᵢ·Eᵢ with some Eᵢ ≠ 0 in a
// group of prime order r: it passes with probability at most 2⁻¹²⁸
// (rlcBits-bit rᵢ: rlc.go; docs/SETUP.md).
func checkLagrange(c *mpcsetup.SrsCommons, l *lagrangeBases) error {
	n := len(c.G1.AlphaTau)
	if l == nil || len(l.tau) != n || len(l.alpha) != n || len(l.beta) != n || len(l.tau2) != n || len(c.G1.Tau) < n || len(c.G2.Tau) < n {
		return errors.New("its Lagrange points do not have phase 1's size")
	}
	r, err := randomScalars(3*n, nil)
	if err != nil {
		return err
	}
	lhs, err := msmG1(slices.Concat(l.tau, l.alpha, l.beta), r)
	if err != nil {
		return err
	}
	sigma := make([]fr.Element, 0, 3*n)
	for k := range 3 {
		sigma = append(sigma, toMonomial(slices.Clone(r[k*n:(k+1)*n]))...)
	}
	rhs, err := msmG1(slices.Concat(c.G1.Tau[:n], c.G1.AlphaTau, c.G1.BetaTau), sigma)
	if err != nil {
		return err
	}
	if !lhs.Equal(&rhs) {
		return errors.New("its Lagrange points in G1 are not the conversion of its powers")
	}
	r2, err := randomScalars(n, nil)
	if err != nil {
		return err
	}
	lhs2, err := msmG2(l.tau2, r2)
	if err != nil {
		return err
	}
	rhs2, err := msmG2(c.G2.Tau[:n], toMonomial(slices.Clone(r2)))
	if err != nil {
		return err
	}
	if !lhs2.Equal(&rhs2) {
		return errors.New("its Lagrange points in G2 are not the conversion of its powers")
	}
	return nil
}
