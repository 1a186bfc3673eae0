package proof

import (
	"container/heap"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/hash_to_field"
	"github.com/consensys/gnark/backend"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/constraint/solver"
	fcs "github.com/consensys/gnark/frontend/cs"
)

// The Groth16 prover: gnark's (backend/groth16/bn254.Prove, v0.16.3, whose
// steps and formulas these are), reordered so that the big things it
// holds are never in memory together. gnark's Prove takes the constraint
// system and the whole proving key, and holds both to its end; they are
// about 1.3 KB per constraint (cnn_c32: 145 MB and 210 MB), so that with
// the prover's vectors a proof needed about 2 KB per constraint. Here:
//
//  1. the key's tail (which wires have points, where the commitment keys
//     lie: they are read from disk where used, pkcommit.go) is read, and
//     the constraint system: solving it is the only use of it, and it is
//     dropped once solved;
//  2. the key's FFT domain is read and H computed from the solution's A,
//     B and C, which are then dropped, and the domain's twiddles with
//     them;
//  3. each vector of points (A, B, Z, K in G1, B in G2) is read and its
//     MSM run, and dropped before the next is read.
//
// What is live at once is the solution's wire values and one step's
// vectors. The MSMs run one after the other, each on every core, where
// gnark runs four at once on a share of the cores each: the same work.

// proveGroth16 proves the full witness wit with the directory's circuit
// and proving key and returns the proof's bytes (gnark's encoding). The
// commitment hash is keccak256, the one gnark's Solidity verifier uses.
func (c *Compiled) proveGroth16(wit witness.Witness, progress Progress) ([]byte, error) {
	popts, err := c.proverOptions()
	if err != nil {
		return nil, err
	}
	opt, err := backend.NewProverConfig(append(popts, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))...)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	read := func() (*cs_bn254.R1CS, error) {
		r1cs, err := c.readR1CS()
		if err != nil {
			return nil, err
		}
		progress.Log("prove: %d constraints (%s)", r1cs.GetNbConstraints(), c.Settings.Backend)
		return r1cs, nil
	}
	prf, err := proveKeyFile(c.path(ProvingKey), read, c.Settings.Constraints, wit, opt, progress)
	if err != nil {
		return nil, err
	}
	return EncodeGroth16(prf), nil
}

// ProveR1CS proves the full witness wit of r1cs with the Groth16 proving
// key at keyPath (gnark's raw encoding, ProvingKey.WriteRawTo) and gnark's
// prover options opts: the proof gnark's Prove would make, computed as
// this package's prover computes a compiled model's (the key read one
// vector at a time, each multi-scalar multiplication on every core in
// turn; gnark's Prove runs four at once, each on a share of the cores, so
// on few cores its last one runs alone on one). r1cs is not modified.
func ProveR1CS(r1cs *cs_bn254.R1CS, keyPath string, wit witness.Witness, progress Progress, opts ...backend.ProverOption) (*groth16bn254.Proof, error) {
	opt, err := backend.NewProverConfig(opts...)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	read := func() (*cs_bn254.R1CS, error) { return r1cs, nil }
	return proveKeyFile(keyPath, read, r1cs.GetNbConstraints(), wit, opt, progress)
}

// proveKeyFile proves wit with the key at keyPath and the constraint
// system read returns (of nbConstraints constraints).
func proveKeyFile(keyPath string, read func() (*cs_bn254.R1CS, error), nbConstraints int, wit witness.Witness, opt backend.ProverConfig, progress Progress) (prf *groth16bn254.Proof, err error) {
	kf, err := openKeyFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("prove: %w (run setup first)", err)
	}
	defer kf.f.Close()
	// A key that passed the checks but still does not fit the circuit can
	// make gnark's solver or an MSM panic: that is an error too.
	defer func() {
		if r := recover(); r != nil {
			prf, err = nil, fmt.Errorf("prove: the proving key does not fit the circuit (%v): run setup again", oneLineErr(fmt.Errorf("%v", r)))
		}
	}()
	s, err := solveGroth16(kf, read, nbConstraints, wit, opt, progress)
	if err != nil {
		return nil, err
	}
	if prf, err = s.prove(kf); err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	return prf, nil
}

// solveGCPercent is the collector's target while the constraint system
// is read and solved, the prover's peak (the constraint system, most of
// it pointer-free coefficients and instructions, that marking skips, and
// the solver's vectors). Restored after. cnn_c32's largest of 4 segments
// at 5d37145: peak 126.0 MB at the caller's 10, 122.0 and 123.4 MB at 2,
// the same CPU (17.7–18.3 s, load 9–13): a few MB, within run-to-run
// spread; the unsegmented prove's peak did not move (284 MB).
const solveGCPercent = 2

// lowGCConstraints is the smallest circuit whose prove lowers the
// collector's target (solveGCPercent, releaseGCPercent): Go's floor for a
// collection is 4 MB × the target/100, so at 2 the collector runs every
// ~80 KB of allocation, which costs a small circuit's prove more than its
// peak gains (accuracy, 7,297 constraints, 31 MB peak: ~2% of its time;
// mlp_h512, 46,225 constraints: 0.62–0.63 s and 54–56 MB with them,
// 0.53–0.60 s and 63–70 MB without, so below 2^16 the time wins, the
// prover's peak there being mostly the process's own ~25 MB).
const lowGCConstraints = 1 << 16

// lowGC sets the collector's target to percent for a circuit of
// nbConstraints if it has at least lowGCConstraints; the returned function
// restores it.
func lowGC(nbConstraints, percent int) func() {
	if nbConstraints < lowGCConstraints {
		return func() {}
	}
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}

// solved is what proving needs of the constraint system once it is
// solved.
type solved struct {
	w, a, b, c  fr.Vector
	nbPublic    int
	commitments constraint.Groth16Commitments
	committed   [][]fr.Element // the values each commitment commits to
	proof       *groth16bn254.Proof
}

// solveGroth16 reads the constraint system, checks the key was made for
// it and solves it; the constraint system is garbage when it returns
// (but for the progress meter's estimate, which is waited for) unless the
// caller holds it.
func solveGroth16(kf *keyFile, read func() (*cs_bn254.R1CS, error), nbConstraints int, wit witness.Witness, opt backend.ProverConfig, progress Progress) (*solved, error) {
	defer lowGC(nbConstraints, solveGCPercent)()
	r1cs, err := read()
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	if err := kf.matches(r1cs); err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	meter := watchProve(progress, r1cs)
	defer meter.stop()
	cms, ok := r1cs.CommitmentInfo.(constraint.Groth16Commitments)
	if !ok {
		return nil, fmt.Errorf("prove: unexpected commitment info %T", r1cs.CommitmentInfo)
	}
	s := &solved{
		nbPublic:    r1cs.GetNbPublicVariables(),
		commitments: cms,
		committed:   make([][]fr.Element, len(cms)),
		proof:       &groth16bn254.Proof{Commitments: make([]curve.G1Affine, len(cms))},
	}
	hashToField := opt.HashToFieldFn
	if hashToField == nil {
		hashToField = hash_to_field.New([]byte(constraint.CommitmentDst))
	}
	// The commitments are made while solving: each is hashed into the wire
	// that the constraints after it use (gnark's BSB22 commitments).
	solverOpts := append(opt.SolverOpts[:len(opt.SolverOpts):len(opt.SolverOpts)],
		solver.OverrideHint(solver.GetHintID(fcs.Bsb22CommitmentComputePlaceholder), func(_ *big.Int, in []*big.Int, out []*big.Int) error {
			i := int(in[0].Int64())
			in = in[1:]
			s.committed[i] = make([]fr.Element, len(cms[i].PrivateCommitted))
			hashed := in[:len(cms[i].PublicAndCommitmentCommitted)]
			for j, v := range in[len(hashed):] {
				s.committed[i][j].SetBigInt(v)
			}
			var err error
			if s.proof.Commitments[i], err = kf.commit(i, s.committed[i]); err != nil {
				return err
			}
			res := CommitmentValue(hashToField, &s.proof.Commitments[i], hashed)
			res.BigInt(out[0])
			return nil
		}))
	sol, err := r1cs.Solve(wit, solverOpts...)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	rs, ok := sol.(*cs_bn254.R1CSSolution)
	if !ok {
		return nil, fmt.Errorf("prove: unexpected solution %T", sol)
	}
	s.w, s.a, s.b, s.c = rs.W, rs.A, rs.B, rs.C
	meter.released() // the meter's estimate reads the constraint system too
	return s, nil
}

// matches checks that the key was made for the constraint system (the
// wire counts gnark's setup sizes the key by).
func (kf *keyFile) matches(r1cs *cs_bn254.R1CS) error {
	internal, secret, public := r1cs.GetNbVariables()
	wires := internal + secret + public
	cms, _ := r1cs.CommitmentInfo.(constraint.Groth16Commitments)
	committed := 0
	for _, c := range cms {
		committed += len(c.PrivateCommitted)
	}
	private := internal + secret - committed - len(cms)
	if kf.wires != uint64(wires) || kf.nK != uint64(private) || len(kf.commitmentKeys) != len(cms) {
		return fmt.Errorf("the proving key is for another circuit (%d wires, %d private, %d commitments; this circuit has %d, %d and %d): run setup again",
			kf.wires, kf.nK, len(kf.commitmentKeys), wires, private, len(cms))
	}
	for i, c := range cms {
		if kf.commitmentKeys[i].n != len(c.PrivateCommitted) {
			return fmt.Errorf("the proving key is for another circuit (commitment %d has %d bases, this circuit commits %d values): run setup again", i, kf.commitmentKeys[i].n, len(c.PrivateCommitted))
		}
	}
	if n := ecc.NextPowerOfTwo(uint64(max(r1cs.GetNbConstraints(), 1))); kf.nZ != n-1 {
		return fmt.Errorf("the proving key is for another circuit (%d points Z; this circuit's domain has %d elements): run setup again", kf.nZ, n)
	}
	return nil
}

// prove computes the proof from the solution, reading the key's body one
// vector at a time.
func (s *solved) prove(kf *keyFile) (*groth16bn254.Proof, error) {
	proof := s.proof
	// The commitments' proofs of knowledge, folded into one.
	poks := make([]curve.G1Affine, len(kf.commitmentKeys))
	for i := range kf.commitmentKeys {
		var err error
		if poks[i], err = kf.proveKnowledge(i, s.committed[i]); err != nil {
			return nil, err
		}
	}
	serialized := make([]byte, fr.Bytes*len(s.commitments))
	for i, c := range s.commitments {
		copy(serialized[fr.Bytes*i:], s.w[c.CommitmentIndex].Marshal())
	}
	challenge, err := fr.Hash(serialized, []byte("G16-BSB22"), 1)
	if err != nil {
		return nil, err
	}
	if _, err := proof.CommitmentPok.Fold(poks, challenge[0], ecc.MultiExpConfig{NbTasks: 1}); err != nil {
		return nil, err
	}
	s.committed = nil

	body, err := kf.body()
	if err != nil {
		return nil, err
	}
	var domain fft.Domain
	if err := body.domain(&domain); err != nil {
		return nil, err
	}
	if domain.Cardinality != kf.nZ+1 || uint64(len(s.a)) > domain.Cardinality {
		return nil, errors.New("proving key: its domain does not fit the circuit")
	}
	// The rest of the key is read one item ahead of its use.
	var alpha, beta, delta curve.G1Affine
	var pointsA, pointsB, pointsZ, pointsK []curve.G1Affine
	var beta2, delta2 curve.G2Affine
	var points2 []curve.G2Affine
	items := []keyItem{{"α", &alpha}, {"β", &beta}, {"δ", &delta},
		{"points A", &pointsA}, {"points B", &pointsB}, {"points Z", &pointsZ}, {"points K", &pointsK},
		{"[β]₂", &beta2}, {"[δ]₂", &delta2}, {"points B₂", &points2}}
	ahead := body.prefetch(items...)
	defer ahead.stop()
	ahead.allow(4) // α, β, δ and the points A, read while H is computed

	// H, with the domain's twiddles, which are dropped with it.
	h := computeH(s.a, s.b, s.c, &domain)
	s.a, s.b, s.c = nil, nil, nil
	domain = fft.Domain{}

	// r and s, and [r]δ, [s]δ, [-rs]δ.
	var r, sigma big.Int
	var _r, _s, _kr fr.Element
	if _, err := _r.SetRandom(); err != nil {
		return nil, err
	}
	if _, err := _s.SetRandom(); err != nil {
		return nil, err
	}
	_kr.Mul(&_r, &_s).Neg(&_kr)
	_r.BigInt(&r)
	_s.BigInt(&sigma)

	if err := ahead.wait(3); err != nil { // α, β, δ
		return nil, err
	}
	deltas := curve.BatchScalarMultiplicationG1(&delta, []fr.Element{_r, _s, _kr})
	nCPU := runtime.NumCPU()
	cfg := ecc.MultiExpConfig{NbTasks: nCPU}
	// msm waits for the next vector of G1 points, *points, lets the next
	// items be read (then of them) while it works, and returns the MSM of
	// the points with scalars (large taken out of them: msmsplit.go),
	// checking the lengths first; the points are dropped.
	msm := func(what string, points *[]curve.G1Affine, want uint64, scalars []fr.Element, large *largeScalars, then int) (curve.G1Jac, error) {
		var res curve.G1Jac
		if err := ahead.wait(1); err != nil {
			return res, err
		}
		ahead.allow(then)
		defer func() { *points = nil }()
		if uint64(len(*points)) != want || len(*points) != len(scalars) {
			return res, fmt.Errorf("proving key: %d %s for %d values", len(*points), what, len(scalars))
		}
		err := msmSplit(&res, *points, scalars, large, cfg)
		return res, err
	}

	// [A]₁ = α + Σ wᵢ·Aᵢ + rδ
	wA := withPoints(s.w, kf.infinityA, kf.nA)
	ar, err := msm("points A", &pointsA, kf.nA, wA, takeLarge(wA), 1)
	if err != nil {
		return nil, err
	}
	ar.AddMixed(&alpha)
	ar.AddMixed(&deltas[0])
	proof.Ar.FromJacobian(&ar)

	// [B]₁ = β + Σ wᵢ·Bᵢ + sδ, for [C]
	wB := withPoints(s.w, kf.infinityB, kf.nB)
	largeB := takeLarge(wB) // for [B]₂ too
	bs1, err := msm("points B", &pointsB, kf.nB, wB, largeB, 1)
	if err != nil {
		return nil, err
	}
	bs1.AddMixed(&beta)
	bs1.AddMixed(&deltas[1])

	// [C]₁ = Σ hᵢ·Zᵢ + Σ wᵢ·Kᵢ (private wires) + s[A] + r[B] - rsδ
	krs, err := msm("points Z", &pointsZ, kf.nZ, h[:kf.nZ], nil, 1) // h is full-size throughout
	if err != nil {
		return nil, err
	}
	h = nil
	toRemove := s.commitments.GetPrivateCommitted()
	toRemove = append(toRemove, s.commitments.CommitmentIndexes())
	var remove []int
	for _, t := range toRemove {
		remove = append(remove, t...)
	}
	// wK may be s.w itself (nothing to remove): takeLarge zeroes its
	// full-size values, and s.w is not read after this.
	wK := filterHeap(s.w[s.nbPublic:], s.nbPublic, remove)
	k, err := msm("points K", &pointsK, kf.nK, wK, takeLarge(wK), 3) // then [β]₂, [δ]₂, the points B₂
	if err != nil {
		return nil, err
	}
	krs.AddAssign(&k)
	krs.AddMixed(&deltas[2])
	var p1 curve.G1Jac
	p1.ScalarMultiplication(&ar, &sigma)
	krs.AddAssign(&p1)
	p1.ScalarMultiplication(&bs1, &r)
	krs.AddAssign(&p1)
	proof.Krs.FromJacobian(&krs)

	// [B]₂ = β + Σ wᵢ·Bᵢ + sδ
	if err := ahead.wait(3); err != nil { // [β]₂, [δ]₂, the points B₂
		return nil, err
	}
	if uint64(len(points2)) != kf.nB2 || len(points2) != len(wB) {
		return nil, fmt.Errorf("proving key: %d points B₂ for %d values", len(points2), len(wB))
	}
	nbTasks := nCPU
	if nbTasks <= 16 {
		nbTasks *= 2 // as gnark does: a G2 MSM on few cores gains from smaller tasks
	}
	var bs, deltaS curve.G2Jac
	if err := msmSplit(&bs, points2, wB, largeB, ecc.MultiExpConfig{NbTasks: nbTasks}); err != nil {
		return nil, err
	}
	deltaS.FromAffine(&delta2)
	deltaS.ScalarMultiplication(&deltaS, &sigma)
	bs.AddAssign(&deltaS)
	bs.AddMixed(&beta2)
	proof.Bs.FromJacobian(&bs)
	return proof, nil
}

// withPoints returns the values of the wires that have a point (those not
// at infinity), n of them.
func withPoints(w []fr.Element, infinity []bool, n uint64) []fr.Element {
	out := make([]fr.Element, 0, n)
	for i, inf := range infinity {
		if !inf && i < len(w) {
			out = append(out, w[i])
		}
	}
	return out
}

// filterHeap returns slice without the elements whose index plus
// first is in toRemove (gnark's filterHeap).
func filterHeap(slice []fr.Element, first int, toRemove []int) []fr.Element {
	if len(toRemove) == 0 {
		return slice
	}
	rm := intHeap(toRemove)
	heap.Init(&rm)
	out := make([]fr.Element, 0, len(slice))
	for i := range slice {
		if len(rm) > 0 && i+first == rm[0] {
			for len(rm) > 0 && i+first == rm[0] {
				heap.Pop(&rm)
			}
			continue
		}
		out = append(out, slice[i])
	}
	return out
}

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// computeH returns the coefficients of H = (A·B - C)/Z over the domain
// (gnark's computeH): the inverse FFTs of a, b and c, their FFTs on a
// coset, where Z is a constant, the quotient there, and its inverse FFT.
// a's array holds the result.
func computeH(a, b, c []fr.Element, domain *fft.Domain) []fr.Element {
	n := int(domain.Cardinality)
	pad := func(v []fr.Element) []fr.Element {
		if cap(v) >= n {
			l := len(v)
			v = v[:n]
			clear(v[l:])
			return v
		}
		out := make([]fr.Element, n)
		copy(out, v)
		return out
	}
	a, b, c = pad(a), pad(b), pad(c)
	domain.FFTInverse(a, fft.DIF)
	domain.FFTInverse(b, fft.DIF)
	domain.FFTInverse(c, fft.DIF)
	domain.FFT(a, fft.DIT, fft.OnCoset())
	domain.FFT(b, fft.DIT, fft.OnCoset())
	domain.FFT(c, fft.DIT, fft.OnCoset())

	// Z is xⁿ - 1: on the coset g·⟨ω⟩ it is gⁿ - 1 everywhere.
	var den, one fr.Element
	one.SetOne()
	den.Exp(domain.FrMultiplicativeGen, big.NewInt(int64(domain.Cardinality)))
	den.Sub(&den, &one).Inverse(&den)
	parallel(n, func(start, end int) {
		for i := start; i < end; i++ {
			a[i].Mul(&a[i], &b[i]).Sub(&a[i], &c[i]).Mul(&a[i], &den)
		}
	})
	domain.FFTInverse(a, fft.DIF, fft.OnCoset())
	return a
}

// parallel runs work over [0, n) in one chunk per core.
func parallel(n int, work func(start, end int)) {
	k := min(runtime.NumCPU(), max(n/1024, 1))
	var wg sync.WaitGroup
	for i := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(i*n/k, (i+1)*n/k)
		}()
	}
	wg.Wait()
}

// CommitmentValue is the value a Groth16 (BSB22) commitment gives the
// circuit: the commitment point and the public values it also commits to
// (hashed), hashed to the field with h (gnark's hash_to_field over
// constraint.CommitmentDst unless the proof is made for another
// verifier), as gnark's prover and verifier compute it. h is reset.
func CommitmentValue(h hash.Hash, p *curve.G1Affine, hashed []*big.Int) fr.Element {
	h.Reset()
	h.Write(constraint.SerializeCommitment(p.Marshal(), hashed, (fr.Bits-1)/8+1))
	sum := h.Sum(nil)
	h.Reset()
	var res fr.Element
	res.SetBytes(sum[:min(fr.Bytes, h.Size())])
	return res
}
