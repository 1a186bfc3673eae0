package ceremony

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	cmpc "github.com/consensys/gnark-crypto/ecc/bn254/mpcsetup"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
)

// Verify checks phase 2's start and the keys' evaluation vectors with
// random linear combinations (rlc.go) instead of recomputing them, which
// would take a group FFT per basis: the rest is compared byte for byte
// with what the chain gives.

// KeyReader is implemented by Keys that can give the keys themselves,
// decoded. Verify then takes the keys' A, B and K vectors (the circuit's
// evaluations at τ, α, β), checks them against the chain with random
// linear combinations, and seals the chain with them; Keys.Check still
// compares the result with the keys byte for byte. Keys without it are
// checked against evaluations recomputed from the chain (slower).
type KeyReader interface {
	ReadKeys() (*KeyFiles, error)
}

// KeyFiles are keys as read, with the names errors give them ("pk.bin").
type KeyFiles struct {
	PK             *groth16bn254.ProvingKey
	VK             *groth16bn254.VerifyingKey
	PKName, VKName string
}

var errNotStart = errors.New("it is not phase 1's result initialized for this circuit")

// checkStart checks that next is phase 1's sealed result initialized for
// the circuit: its K vectors are the circuit's evaluations (one random
// linear combination), and with them and Z, computed, it is byte for byte
// the start Phase2 writes.
//
// With cl, the K check is added to cl (checked later with the keys'
// claims, errNotStart when it is the wrong one) instead of made now.
func checkStart(next *state, sealed *mpcsetup.SrsCommons, r *cs_bn254.R1CS, w *wireTerms, sp *split, cl *claims) error {
	p := next.P2.Parameters.G1
	if len(p.PKK) != len(sp.pkk) || len(p.SigmaCKK) != len(sp.ckk) {
		return errNotStart
	}
	wires := append([]int(nil), sp.pkk...)
	pts := append([]curve.G1Affine(nil), p.PKK...)
	for i := range sp.ckk {
		if len(p.SigmaCKK[i]) != len(sp.ckk[i]) {
			return errNotStart
		}
		wires = append(wires, sp.ckk[i]...)
		pts = append(pts, p.SigmaCKK[i]...)
	}
	alone := func() error {
		if err := w.checkK(wires, pts, sealed, r.Coefficients); err != nil {
			return errNotStart
		}
		return nil
	}
	if cl != nil {
		if err := cl.addK(wires, pts, alone); err != nil {
			return err
		}
	} else if err := alone(); err != nil {
		return err
	}
	var buf bytes.Buffer
	var want io.WriterTo = startOf(sealed, p.PKK, p.SigmaCKK)
	if next.Header.RawPoints {
		want = rawPhase2{want.(*mpcsetup.Phase2)}
	}
	if _, err := want.WriteTo(&buf); err != nil {
		return err
	}
	if !bytes.Equal(buf.Bytes(), next.payload) {
		return errNotStart
	}
	return nil
}

// evalsFromKeys returns the circuit's evaluations the keys hold, after
// checking them against phase 1's result: A and B in G1 and G2 for every
// wire (the point at infinity where the keys flag one), and K for the
// public wires and the commitments (the private wires' K was checked in
// phase 2's start).
//
// All of them are checked in one equation per group (claims), with the
// claims already in cl (phase 2's start's K, when Verify deferred it); cl
// nil starts afresh. The commitment bases must equal startCKK, phase 2's
// start's, point for point (checked against phase 1 with the start's K:
// σ is 1 there, so they are the circuit's evaluations), and are not
// claimed again.
func evalsFromKeys(k *KeyFiles, r *cs_bn254.R1CS, w *wireTerms, sp *split, c *mpcsetup.SrsCommons, cl *claims, startCKK [][]curve.G1Affine) (*mpcsetup.Phase2Evaluations, error) {
	pk, vk := k.PK, k.VK
	nWires := len(w.l.start) - 1
	n := len(c.G1.AlphaTau)
	if cl == nil {
		cl = newClaims(w, r.Coefficients, n)
	}
	bad := func(name, what string) error {
		return fmt.Errorf("%s is not the key this ceremony gives: %s", name, what)
	}
	if len(vk.G1.K) != len(sp.vkk) || len(vk.CommitmentKeys) != len(sp.ckk) {
		return nil, bad(k.VKName, "it is another circuit's")
	}
	if len(pk.InfinityA) != nWires || len(pk.InfinityB) != nWires || len(pk.CommitmentKeys) != len(sp.ckk) {
		return nil, bad(k.PKName, "it is another circuit's")
	}
	a, err := expand(pk.G1.A, pk.InfinityA)
	if err != nil {
		return nil, bad(k.PKName, err.Error())
	}
	b, err := expand(pk.G1.B, pk.InfinityB)
	if err != nil {
		return nil, bad(k.PKName, err.Error())
	}
	b2, err := expand(pk.G2.B, pk.InfinityB)
	if err != nil {
		return nil, bad(k.PKName, err.Error())
	}
	coeffs := r.Coefficients
	if err := cl.addG1(&w.l, a, func() error {
		if err := w.checkG1(&w.l, a, c.G1.Tau, coeffs, n); err != nil {
			return bad(k.PKName, "its A vector is "+err.Error())
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := cl.addSame(&w.r, b, b2, func() error {
		if err := w.checkG1(&w.r, b, c.G1.Tau, coeffs, n); err != nil {
			return bad(k.PKName, "its B vector in G1 is "+err.Error())
		}
		return nil
	}, func() error {
		if err := w.checkG2(&w.r, b2, c.G2.Tau, coeffs, n); err != nil {
			return bad(k.PKName, "its B vector in G2 is "+err.Error())
		}
		return nil
	}); err != nil {
		return nil, err
	}
	wires := append([]int(nil), sp.vkk...)
	pts := append([]curve.G1Affine(nil), vk.G1.K...)
	e := new(mpcsetup.Phase2Evaluations)
	e.G1.CKK = make([][]curve.G1Affine, len(sp.ckk))
	for i := range sp.ckk {
		basis := pk.CommitmentKeys[i].Basis
		if len(basis) != len(sp.ckk[i]) {
			return nil, bad(k.PKName, "its commitment keys are another circuit's")
		}
		e.G1.CKK[i] = basis
		if len(startCKK) != len(sp.ckk) || !slices.Equal(basis, startCKK[i]) {
			return nil, bad(k.PKName, fmt.Sprintf("its commitment basis %d is not phase 2's start's", i))
		}
	}
	if err := cl.addK(wires, pts, func() error {
		if err := w.checkK(wires, pts, c, coeffs); err != nil {
			return fmt.Errorf("%s or %s is not the key this ceremony gives: the public inputs' K or a commitment basis is %v", k.VKName, k.PKName, err)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := cl.check(c); err != nil {
		return nil, err
	}
	e.G1.A, e.G1.B, e.G2.B, e.G1.VKK = a, b, b2, vk.G1.K
	cms := r.CommitmentInfo.(constraint.Groth16Commitments)
	_, _, nbPublic := r.GetNbVariables()
	e.PublicAndCommitmentCommitted = cms.GetPublicAndCommitmentCommitted(cms.CommitmentIndexes(), nbPublic)
	return e, nil
}

// expand puts the points at infinity back where the flags say.
func expand[P any](pts []P, infinity []bool) ([]P, error) {
	out := make([]P, len(infinity))
	j := 0
	for i, inf := range infinity {
		if inf {
			continue
		}
		if j == len(pts) {
			return nil, errors.New("its infinity flags do not match its points")
		}
		out[i] = pts[j]
		j++
	}
	if j != len(pts) {
		return nil, errors.New("its infinity flags do not match its points")
	}
	return out, nil
}

// checkSeal checks that sealed is phase 1's last state p sealed with the
// beacon (phase1.seal) without redoing the seal: the beacon's τ', α', β'
// scale each element by a known scalar sᵢ (τ'ⁱ, α'τ'ⁱ or β'τ'ⁱ), so with
// random rᵢ, Σ rᵢ·sealedᵢ = Σ (rᵢsᵢ)·pᵢ in each group: two multi-scalar
// multiplications per group instead of a multiplication per element.
func checkSeal(p *phase1, sealed *mpcsetup.SrsCommons, beacon []byte) error {
	k := cmpc.BeaconContributions(p.hash(), []byte("Groth16 MPC Setup - Phase 1"), beacon, 3)
	tau, alpha, beta := &k[0], &k[1], &k[2]
	c := &p.params
	n := len(c.G2.Tau)
	if len(sealed.G2.Tau) != n || len(sealed.G1.Tau) != len(c.G1.Tau) || len(sealed.G1.AlphaTau) != n || len(sealed.G1.BetaTau) != n {
		return errors.New("it has another size")
	}
	t := powersOf(tau, nil, len(c.G1.Tau))
	scales := [][]fr.Element{t, powersOf(tau, alpha, n), powersOf(tau, beta, n)}
	var prev, next []curve.G1Affine
	for _, v := range [][2][]curve.G1Affine{{c.G1.Tau, sealed.G1.Tau}, {c.G1.AlphaTau, sealed.G1.AlphaTau}, {c.G1.BetaTau, sealed.G1.BetaTau}} {
		prev = append(prev, v[0]...)
		next = append(next, v[1]...)
	}
	var s []fr.Element
	for _, v := range scales {
		s = append(s, v...)
	}
	r, err := randomScalars(len(next), nil)
	if err != nil {
		return err
	}
	rs := make([]fr.Element, len(r))
	for i := range r {
		rs[i].Mul(&r[i], &s[i])
	}
	lhs, err := msmG1(next, r)
	if err != nil {
		return err
	}
	rhs, err := msmG1(prev, rs)
	if err != nil {
		return err
	}
	if !lhs.Equal(&rhs) {
		return errors.New("its powers in G1 are not phase 1 sealed with the beacon")
	}
	r2, err := randomScalars(n+1, nil)
	if err != nil {
		return err
	}
	rs2 := make([]fr.Element, n+1)
	for i := range n {
		rs2[i].Mul(&r2[i], &t[i])
	}
	rs2[n].Mul(&r2[n], beta)
	lhs2, err := msmG2(append(append([]curve.G2Affine(nil), sealed.G2.Tau...), sealed.G2.Beta), r2)
	if err != nil {
		return err
	}
	rhs2, err := msmG2(append(append([]curve.G2Affine(nil), c.G2.Tau...), c.G2.Beta), rs2)
	if err != nil {
		return err
	}
	if !lhs2.Equal(&rhs2) {
		return errors.New("its powers in G2 are not phase 1 sealed with the beacon")
	}
	return nil
}
