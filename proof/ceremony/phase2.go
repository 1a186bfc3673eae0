package ceremony

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"slices"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/pedersen"
	cmpc "github.com/consensys/gnark-crypto/ecc/bn254/mpcsetup"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
)

// Phase 2 on gnark's mpcsetup.Phase2 (whose fields are exported): its
// Initialize, Contribute and Seal redone with the same results, byte for
// byte, on all cores and without one-by-one affine arithmetic. Verify is
// gnark's own (mpcsetup.Phase2.Verify), already a few pairings on random
// linear combinations.

// hashPhase2 is the SHA-256 of gnark's encoding of p (its challenge for
// the next contribution).
func hashPhase2(p *mpcsetup.Phase2) []byte {
	h := sha256.New()
	if _, err := p.WriteTo(h); err != nil {
		panic(err) // a hash does not fail
	}
	return h.Sum(nil)
}

// contribute2 is mpcsetup.Phase2.Contribute: fresh δ and σᵢ from
// crypto/rand with their proofs of knowledge, then the update.
func contribute2(p *mpcsetup.Phase2, done func(int)) {
	p.Challenge = hashPhase2(p)
	var delta fr.Element // zero: UpdateValues draws it
	p.Delta = cmpc.UpdateValues(&delta, p.Challenge, mpcsetup.DST_DELTA)
	sigma := make([]fr.Element, len(p.Parameters.G1.SigmaCKK))
	for i := range sigma {
		p.Sigmas[i] = cmpc.UpdateValues(&sigma[i], p.Challenge, mpcsetup.DST_SIGMA+byte(i))
	}
	update2(p, &delta, sigma, done)
	delta.SetZero()
	clear(sigma)
}

// update2work is update2's work in G1 scalar multiplications.
func update2work(p *mpcsetup.Phase2) int64 {
	n := len(p.Parameters.G1.Z) + len(p.Parameters.G1.PKK)
	for _, s := range p.Parameters.G1.SigmaCKK {
		n += len(s)
	}
	return int64(n)
}

// update2 is gnark's Phase2.update: the σᵢ scale their commitment's
// proof-of-knowledge basis and [σᵢ]₂, δ scales [δ]₁ and [δ]₂, and δ⁻¹ the
// vectors over δ (Z and the private wires' K).
func update2(p *mpcsetup.Phase2, delta *fr.Element, sigma []fr.Element, done func(int)) {
	updateDelta(p, delta, sigma, done)
	var inv fr.Element
	inv.Inverse(delta)
	mulG1One(p.Parameters.G1.Z, &inv, done)
	mulG1One(p.Parameters.G1.PKK, &inv, done)
	inv.SetZero()
}

// updateDelta is update2 but for the vectors over δ (Z and K).
func updateDelta(p *mpcsetup.Phase2, delta *fr.Element, sigma []fr.Element, done func(int)) {
	for i := range sigma {
		mulG1One(p.Parameters.G1.SigmaCKK[i], &sigma[i], done)
	}
	updatePoints(p, delta, sigma)
}

// updatePoints is updateDelta but for the commitments' bases: [σᵢ]₂,
// [δ]₁ and [δ]₂.
func updatePoints(p *mpcsetup.Phase2, delta *fr.Element, sigma []fr.Element) {
	var b big.Int
	for i := range sigma {
		p.Parameters.G2.Sigma[i].ScalarMultiplication(&p.Parameters.G2.Sigma[i], sigma[i].BigInt(&b))
	}
	p.Parameters.G2.Delta.ScalarMultiplication(&p.Parameters.G2.Delta, delta.BigInt(&b))
	p.Parameters.G1.Delta.ScalarMultiplication(&p.Parameters.G1.Delta, delta.BigInt(&b))
}

// initializeWork is initialize's work in G1 scalar multiplications (a G2
// one counts 3), for a domain of size n.
func initializeWork(n int, w *wireTerms) int64 {
	return 3*lagrangeWork(n) + 3*lagrangeWork(n) + w.work()
}

// initialize is mpcsetup.Phase2.Initialize: phase 2's start for the
// circuit and the circuit's evaluations at phase 1's τ, α, β. w is the
// circuit's terms (wireTermsOf).
func initialize(r *cs_bn254.R1CS, commons *mpcsetup.SrsCommons, w *wireTerms, done func(int)) (*mpcsetup.Phase2, *mpcsetup.Phase2Evaluations, error) {
	return initializeWith(r, commons, nil, w, done)
}

// initializeWith is initialize with phase 1's Lagrange points given (a
// prepared phase 1), or computed when lag is nil.
func initializeWith(r *cs_bn254.R1CS, commons *mpcsetup.SrsCommons, lag *lagrangeBases, w *wireTerms, done func(int)) (*mpcsetup.Phase2, *mpcsetup.Phase2Evaluations, error) {
	n := len(commons.G1.AlphaTau)
	if n < r.GetNbConstraints() || len(commons.G1.Tau) < 2*n-1 || len(commons.G2.Tau) < n || len(commons.G1.BetaTau) < n {
		return nil, nil, errors.New("the circuit has more constraints than phase 1's size")
	}
	cms, ok := r.CommitmentInfo.(constraint.Groth16Commitments)
	if !ok {
		return nil, nil, fmt.Errorf("unexpected commitment info %T", r.CommitmentInfo)
	}
	if lag == nil {
		lag = lagrangeOf(commons, done)
	}
	if len(lag.tau) != n || len(lag.alpha) != n || len(lag.beta) != n || len(lag.tau2) != n {
		return nil, nil, errors.New("the Lagrange points are not phase 1's size")
	}
	lTau, lAlpha, lBeta, lTau2 := lag.tau, lag.alpha, lag.beta, lag.tau2

	nbInternal, nbSecret, nbPublic := r.GetNbVariables()
	nWires := nbInternal + nbSecret + nbPublic
	if len(w.l.start) != nWires+1 {
		return nil, nil, errors.New("the terms are another circuit's")
	}
	var evals mpcsetup.Phase2Evaluations
	evals.PublicAndCommitmentCommitted = cms.GetPublicAndCommitmentCommitted(cms.CommitmentIndexes(), nbPublic)
	evals.G1.A = make([]curve.G1Affine, nWires)
	evals.G1.B = make([]curve.G1Affine, nWires)
	evals.G2.B = make([]curve.G2Affine, nWires)
	k := make([]curve.G1Affine, nWires) // βA + αB + C
	// The long coefficients' terms in G1, one scalar at a time (longsums.go).
	cs := r.Coefficients
	lsL := longSumsOf(&w.l, w, cs, lTau, lBeta)  // A, βA
	lsR := longSumsOf(&w.r, w, cs, lTau, lAlpha) // B, αB
	lsO := longSumsOf(&w.o, w, cs, lTau)         // C
	parallelBy(nWires, oneChunk, func(lo, hi int) {
		m := hi - lo
		a, b, ba, ab, c, kk := make([]curve.G1Jac, m), make([]curve.G1Jac, m), make([]curve.G1Jac, m), make([]curve.G1Jac, m), make([]curve.G1Jac, m), make([]curve.G1Jac, m)
		b2 := make([]curve.G2Jac, m)
		// G1's short terms in lockstep across the chunk's wires (sumsg1.go).
		var s1 sumsG1
		s1.prepare(&w.l, lo, m, w.coeffs)
		s1.run(a, lTau)
		s1.run(ba, lBeta)
		s1.prepare(&w.r, lo, m, w.coeffs)
		s1.run(b, lTau)
		s1.run(ab, lAlpha)
		s1.prepare(&w.o, lo, m, w.coeffs)
		s1.run(c, lTau)
		var bk2 []curve.G2Jac
		for i := lo; i < hi; i++ {
			j := i - lo
			sum[curve.G2Jac, curve.G2Affine](&b2[j], lTau2, w.r.of(i), w.coeffs, false, &bk2)
			lsL.add(&a[j], 0, i)
			lsL.add(&ba[j], 1, i)
			lsR.add(&b[j], 0, i)
			lsR.add(&ab[j], 1, i)
			lsO.add(&c[j], 0, i)
			kk[j] = ba[j]
			kk[j].AddAssign(&ab[j])
			kk[j].AddAssign(&c[j])
		}
		toAffineG1(evals.G1.A[lo:hi], a)
		toAffineG1(evals.G1.B[lo:hi], b)
		toAffineG2(evals.G2.B[lo:hi], b2)
		toAffineG1(k[lo:hi], kk)
	}, func(m int) {
		if done != nil {
			done(int(w.perWire * float64(m)))
		}
	})

	sp, err := splitWires(r)
	if err != nil {
		return nil, nil, err
	}
	evals.G1.VKK = pick(k, sp.vkk)
	evals.G1.CKK = make([][]curve.G1Affine, len(sp.ckk))
	for j := range sp.ckk {
		evals.G1.CKK[j] = pick(k, sp.ckk[j])
	}
	return startOf(commons, pick(k, sp.pkk), evals.G1.CKK), &evals, nil
}

// pick returns the points of the given wires.
func pick(k []curve.G1Affine, wires []int) []curve.G1Affine {
	out := make([]curve.G1Affine, len(wires))
	for i, w := range wires {
		out[i] = k[w]
	}
	return out
}

// split is where each wire's K = βA + αB + C goes, as gnark splits it:
// the wires a commitment commits to into its basis (ckk), the public
// wires and the commitments' values into the verifying key (vkk), the
// rest into the proving key (pkk), each in wire order.
type split struct {
	pkk, vkk []int
	ckk      [][]int
}

func splitWires(r *cs_bn254.R1CS) (*split, error) {
	cms, ok := r.CommitmentInfo.(constraint.Groth16Commitments)
	if !ok {
		return nil, fmt.Errorf("unexpected commitment info %T", r.CommitmentInfo)
	}
	nbInternal, nbSecret, nbPublic := r.GetNbVariables()
	nWires := nbInternal + nbSecret + nbPublic
	sp := &split{ckk: make([][]int, len(cms))}
	committed := newMergeIterator(cms.GetPrivateCommitted())
	seen := 0
	for j := range nWires {
		ci := committed.indexIfNext(j)
		isCommitment := seen < len(cms) && cms[seen].CommitmentIndex == j
		switch {
		case ci != -1:
			sp.ckk[ci] = append(sp.ckk[ci], j)
		case j < nbPublic || isCommitment:
			sp.vkk = append(sp.vkk, j)
		default:
			sp.pkk = append(sp.pkk, j)
		}
		if isCommitment {
			seen++
		}
	}
	return sp, nil
}

// startOf is phase 2's start: δ and the σᵢ one, Z from phase 1's powers,
// and the proving key's and commitments' K.
func startOf(commons *mpcsetup.SrsCommons, pkk []curve.G1Affine, ckk [][]curve.G1Affine) *mpcsetup.Phase2 {
	n := len(commons.G1.AlphaTau)
	p := new(mpcsetup.Phase2)
	_, _, g1, g2 := curve.Generators()
	p.Parameters.G1.Delta, p.Parameters.G2.Delta = g1, g2
	// Z[i] = [τⁱ(τⁿ − 1)]₁ = [τⁱ⁺ⁿ]₁ − [τⁱ]₁ for i ≤ n−2, in bit-reversed order.
	z := make([]curve.G1Affine, n)
	parallel(n-1, func(lo, hi int) {
		jac := make([]curve.G1Jac, hi-lo)
		for i := lo; i < hi; i++ {
			jac[i-lo].FromAffine(&commons.G1.Tau[i+n])
			var t curve.G1Jac
			t.FromAffine(&commons.G1.Tau[i])
			jac[i-lo].SubAssign(&t)
		}
		toAffineG1(z[lo:hi], jac)
	}, nil)
	bitReverse(z)
	p.Parameters.G1.Z = z[:n-1]
	p.Parameters.G1.PKK = pkk
	p.Sigmas = make([]cmpc.UpdateProof, len(ckk))
	p.Parameters.G1.SigmaCKK = make([][]curve.G1Affine, len(ckk))
	p.Parameters.G2.Sigma = make([]curve.G2Affine, len(ckk))
	for j := range ckk {
		p.Parameters.G1.SigmaCKK[j] = slices.Clone(ckk[j])
		p.Parameters.G2.Sigma[j] = g2
	}
	return p
}

// beaconScalars are the beacon's δ and σᵢ for phase 2's last state p.
func beaconScalars(p *mpcsetup.Phase2, beacon []byte) []fr.Element {
	return cmpc.BeaconContributions(hashPhase2(p), []byte("Groth16 MPC Setup - Phase2"), beacon, 1+len(p.Sigmas))
}

// keysOf is the keys of phase 2's sealed state p.
func keysOf(p *mpcsetup.Phase2, commons *mpcsetup.SrsCommons, evals *mpcsetup.Phase2Evaluations) (*groth16bn254.ProvingKey, *groth16bn254.VerifyingKey, error) {
	_, _, _, g2 := curve.Generators()
	var (
		pk groth16bn254.ProvingKey
		vk groth16bn254.VerifyingKey
	)
	pk.Domain = *fft.NewDomain(uint64(len(commons.G1.AlphaTau)))
	pk.G1.Alpha = commons.G1.AlphaTau[0]
	pk.G1.Beta = commons.G1.BetaTau[0]
	pk.G1.Delta = p.Parameters.G1.Delta
	pk.G1.Z = p.Parameters.G1.Z
	bitReverse(pk.G1.Z) // as gnark: a no-op, the length n−1 not being a power of two
	pk.G1.K = p.Parameters.G1.PKK
	pk.G2.Beta = commons.G2.Beta
	pk.G2.Delta = p.Parameters.G2.Delta

	// The wires whose A or B is zero are left out and flagged.
	nWires := len(evals.G1.A)
	pk.InfinityA, pk.InfinityB = make([]bool, nWires), make([]bool, nWires)
	pk.G1.A = make([]curve.G1Affine, 0, nWires)
	pk.G1.B = make([]curve.G1Affine, 0, nWires)
	pk.G2.B = make([]curve.G2Affine, 0, nWires)
	for i := range nWires {
		if evals.G1.A[i].IsInfinity() {
			pk.InfinityA[i] = true
		} else {
			pk.G1.A = append(pk.G1.A, evals.G1.A[i])
		}
		if evals.G1.B[i].IsInfinity() {
			pk.InfinityB[i] = true
		} else {
			pk.G1.B = append(pk.G1.B, evals.G1.B[i])
		}
		if !evals.G2.B[i].IsInfinity() {
			pk.G2.B = append(pk.G2.B, evals.G2.B[i])
		}
	}
	pk.NbInfinityA = uint64(nWires - len(pk.G1.A))
	pk.NbInfinityB = uint64(nWires - len(pk.G1.B))
	// gnark sizes these slices to nWires: keep their capacity out of it.
	pk.G1.A, pk.G1.B, pk.G2.B = slices.Clip(pk.G1.A), slices.Clip(pk.G1.B), slices.Clip(pk.G2.B)

	vk.G1.Alpha = commons.G1.AlphaTau[0]
	vk.G1.Beta = commons.G1.BetaTau[0]
	vk.G1.Delta = p.Parameters.G1.Delta
	vk.G2.Beta = commons.G2.Beta
	vk.G2.Delta = p.Parameters.G2.Delta
	vk.G2.Gamma = g2
	vk.G1.K = evals.G1.VKK
	vk.CommitmentKeys = make([]pedersen.VerifyingKey, len(evals.G1.CKK))
	pk.CommitmentKeys = make([]pedersen.ProvingKey, len(evals.G1.CKK))
	for i := range vk.CommitmentKeys {
		vk.CommitmentKeys[i].G = g2
		vk.CommitmentKeys[i].GSigmaNeg.Neg(&p.Parameters.G2.Sigma[i])
		pk.CommitmentKeys[i].Basis = evals.G1.CKK[i]
		pk.CommitmentKeys[i].BasisExpSigma = p.Parameters.G1.SigmaCKK[i]
	}
	vk.PublicAndCommitmentCommitted = evals.PublicAndCommitmentCommitted
	if err := vk.Precompute(); err != nil {
		return nil, nil, err
	}
	return &pk, &vk, nil
}

// mergeIterator walks the merge of sorted slices (gnark's internal
// MergeIterator): indexIfNext(v) consumes v and returns the slice it
// came from when v is the least value left, and −1 otherwise.
type mergeIterator struct {
	s     [][]int
	least int
}

func newMergeIterator(s [][]int) *mergeIterator {
	m := &mergeIterator{s: slices.Clone(s)}
	m.find()
	return m
}

func (m *mergeIterator) find() {
	m.least = -1
	for j := range m.s {
		if len(m.s[j]) > 0 && (m.least == -1 || m.s[j][0] < m.s[m.least][0]) {
			m.least = j
		}
	}
}

func (m *mergeIterator) indexIfNext(v int) int {
	if m.least == -1 || m.s[m.least][0] != v {
		return -1
	}
	j := m.least
	m.s[j] = m.s[j][1:]
	m.find()
	return j
}
