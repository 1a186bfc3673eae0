package proof

import (
	"errors"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/pedersen"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/proof/groth16setup"
)

// A compiled circuit's cost before any key exists: the keys' sizes,
// exactly, from the constraint system's dimensions, and the setup's and
// the prover's time on this machine, from a model of their work scaled by
// a measurement made here (Calibrate).
//
// The time unit is the time per point of a 2^13-point G1 MSM with
// full-size scalars, measured just before (Calibrate, the median of three
// runs). Setup's work is our fixed-base setup's own count of additions
// (groth16setup.Work: per key point one addition per window, plus the
// tables). The prover's is linear in the proving key's points (its
// multi-scalar multiplications; a G2 point weighs 3, an Fp² product being
// three Fp products) and in the constraints' terms (witness solving, and
// the MSMs' cost grows with the witness values that dense linear layers
// produce). The coefficients below were fitted by least squares (of the
// relative error) to setups and proofs of six corpus models timed here,
// each right after a calibration (docs/SETUP.md, "Progress and the cost
// estimate", gives the fit and its error). Since the lookups' inverses
// left the B MSMs (circuit/sides.go) a point weighs more than a term: the
// refit halved the estimate of term-heavy circuits (cnn_c32 6.4 → 3.3 s
// against 3.5–3.8 s measured).

// Cost is a compiled Groth16 circuit's expected cost.
type Cost struct {
	Constraints int
	Wires       int
	Domain      uint64 // the power of two ≥ the constraints
	// ProvingKeyBytes and VerifyingKeyBytes are the sizes of pk.bin and
	// vk.bin as setup or a ceremony writes them, exactly.
	ProvingKeyBytes, VerifyingKeyBytes int64
	// G1Points and G2Points are the proving key's points in each group;
	// Terms the constraints' nonzero terms.
	G1Points, G2Points, Terms int
	// Setup and Prove are the expected times on this machine (zero
	// without a calibration), from Calibration.
	Setup, Prove time.Duration
	Calibration  Calibration
}

// Calibration is this machine's speed, as measured now.
type Calibration struct {
	// Unit is the time per point of a 2^13-point G1 MSM on all cores.
	Unit time.Duration
}

// The fitted coefficients, in units per unit of work.
const (
	calibrationSize = 1 << 13
	setupPerWork    = 0.017 // per groth16setup.Work unit
	provePerPoint   = 0.27  // per key point (G2: ×g2Weight)
	provePerTerm    = 0.083 // per term of the constraints
	g2Weight        = 3
)

// Calibrate times a 2^13-point G1 MSM on random points three times and
// keeps the median: about a tenth of a second. The time depends on the
// machine's load at that moment, as the steps it predicts will.
func Calibrate() (Calibration, error) {
	cfg := ecc.MultiExpConfig{NbTasks: runtime.GOMAXPROCS(0)}
	s := make([]fr.Element, calibrationSize)
	for i := range s {
		if _, err := s[i].SetRandom(); err != nil {
			return Calibration{}, err
		}
	}
	// The points g, 2g, 3g, …: an MSM's time does not depend on which
	// points it sums, and additions make them in milliseconds where
	// scalar multiplications took a third of a second of CPU, which every
	// proof with a progress meter paid.
	jac := make([]curve.G1Jac, calibrationSize)
	jac[0].FromAffine(g1Gen())
	for i := 1; i < len(jac); i++ {
		jac[i].Set(&jac[i-1]).AddMixed(g1Gen())
	}
	p := curve.BatchJacobianToAffineG1(jac)
	var r curve.G1Jac
	times := make([]time.Duration, 3)
	for i := range times {
		start := time.Now()
		if _, err := r.MultiExp(p, s, cfg); err != nil {
			return Calibration{}, err
		}
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	return Calibration{Unit: max(times[1]/calibrationSize, 1)}, nil
}

func g1Gen() *curve.G1Affine {
	_, _, g1, _ := curve.Generators()
	return &g1
}

// Cost returns the directory's Groth16 cost; a zero calibration leaves the
// times out.
func (c *Compiled) Cost(cal Calibration) (*Cost, error) {
	if c.Settings.Backend != Groth16 {
		return nil, fmt.Errorf("cost: %s is compiled for %s: the estimate covers groth16", c.Dir, c.Settings.Backend)
	}
	r, err := c.readR1CS()
	if err != nil {
		return nil, fmt.Errorf("cost: %w", err)
	}
	return Groth16Cost(r, cal)
}

// Groth16Cost returns the cost of a Groth16 circuit: its keys' sizes and,
// with a calibration, the setup's and prover's times.
func Groth16Cost(r *cs_bn254.R1CS, cal Calibration) (*Cost, error) {
	cms, ok := r.CommitmentInfo.(constraint.Groth16Commitments)
	if !ok {
		return nil, fmt.Errorf("cost: unexpected commitment info %T", r.CommitmentInfo)
	}
	nbInternal, nbSecret, nbPublic := r.GetNbVariables()
	nWires := nbInternal + nbSecret + nbPublic
	nc := r.GetNbConstraints()
	n := ecc.NextPowerOfTwo(uint64(max(nc, 1)))
	// The wires with a nonzero polynomial: those with a term, since the
	// Lagrange polynomials are independent.
	inA, inB := make([]bool, nWires), make([]bool, nWires)
	terms := 0
	it := r.GetR1CIterator()
	for c := it.Next(); c != nil; c = it.Next() {
		terms += len(c.L) + len(c.R) + len(c.O)
		for _, t := range c.L {
			if w := int(t.WireID()); w < nWires && t.CoeffID() != constraint.CoeffIdZero {
				inA[w] = true
			}
		}
		for _, t := range c.R {
			if w := int(t.WireID()); w < nWires && t.CoeffID() != constraint.CoeffIdZero {
				inB[w] = true
			}
		}
	}
	var nA, nB int
	for i := range nWires {
		if inA[i] {
			nA++
		}
		if inB[i] {
			nB++
		}
	}
	committed := 0
	for _, s := range cms.GetPrivateCommitted() {
		committed += len(s)
	}
	nK := nWires - nbPublic - len(cms) - committed
	if nK < 0 {
		return nil, errors.New("cost: malformed commitments")
	}
	cost := &Cost{Constraints: nc, Wires: nWires, Domain: n, Calibration: cal}
	var err error
	if cost.ProvingKeyBytes, err = provingKeySize(n, nWires, nA, nB, nK, cms); err != nil {
		return nil, err
	}
	if cost.VerifyingKeyBytes, err = verifyingKeySize(nbPublic, cms); err != nil {
		return nil, err
	}
	cost.G1Points = nA + nB + nK + int(n-1) + 2*committed
	cost.G2Points = nB
	cost.Terms = terms
	if cal.Unit > 0 {
		// The setup also makes the verifying key's points and a few more.
		setup := setupPerWork * float64(groth16setup.Work(cost.G1Points+nbPublic+len(cms)+3, cost.G2Points+3))
		prove := provePerPoint*float64(cost.G1Points+g2Weight*cost.G2Points) + provePerTerm*float64(terms)
		cost.Setup = time.Duration(setup * float64(cal.Unit))
		cost.Prove = time.Duration(prove * float64(cal.Unit))
	}
	return cost, nil
}

// provingKeySize is the size of gnark's raw encoding of a proving key of
// these dimensions: the encoding of a key with every vector empty but the
// wire flags, plus each point's fixed raw size.
func provingKeySize(n uint64, nWires, nA, nB, nK int, cms constraint.Groth16Commitments) (int64, error) {
	var pk groth16bn254.ProvingKey
	pk.Domain = *fft.NewDomain(n, fft.WithoutPrecompute())
	pk.InfinityA, pk.InfinityB = make([]bool, nWires), make([]bool, nWires)
	pk.CommitmentKeys = make([]pedersen.ProvingKey, len(cms))
	points := int64(nA+nB+nK) + int64(n-1)
	for _, c := range cms {
		points += 2 * int64(len(c.PrivateCommitted))
	}
	size, err := pk.WriteRawTo(io.Discard)
	return size + points*curve.SizeOfG1AffineUncompressed + int64(nB)*curve.SizeOfG2AffineUncompressed, err
}

// verifyingKeySize is the size of gnark's (compressed) encoding of a
// verifying key with these public inputs and commitments.
func verifyingKeySize(nbPublic int, cms constraint.Groth16Commitments) (int64, error) {
	var vk groth16bn254.VerifyingKey
	vk.G1.K = make([]curve.G1Affine, nbPublic+len(cms))
	vk.CommitmentKeys = make([]pedersen.VerifyingKey, len(cms))
	vk.PublicAndCommitmentCommitted = cms.GetPublicAndCommitmentCommitted(cms.CommitmentIndexes(), nbPublic)
	return vk.WriteTo(io.Discard)
}

// String is the estimate in one line, e.g. "setup ~12s, prove ~0.8s,
// pk.bin 24.1 MiB, vk.bin 488 B (N = 2^16)".
func (c *Cost) String() string {
	s := ""
	if c.Setup > 0 {
		s = fmt.Sprintf("setup ~%s, prove ~%s, ", roundDuration(c.Setup), roundDuration(c.Prove))
	}
	return s + fmt.Sprintf("pk.bin %s, vk.bin %s (N = 2^%d)", byteSize(c.ProvingKeyBytes), byteSize(c.VerifyingKeyBytes), bits.TrailingZeros64(c.Domain))
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(10 * time.Millisecond)
	case d < 10*time.Second:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

func byteSize(b int64) string {
	switch {
	case b < 1<<10:
		return fmt.Sprintf("%d B", b)
	case b < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	case b < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
}

// CostSummary is the line compile prints: the expected setup and prove
// times on this machine (calibrated now) and the keys' sizes, for a
// Groth16 directory ("" for PLONK).
func (c *Compiled) CostSummary() string {
	if c.Settings.Backend != Groth16 {
		return ""
	}
	cal, err := Calibrate()
	if err != nil {
		cal = Calibration{}
	}
	cost, err := c.Cost(cal)
	if err != nil {
		return "expected cost: not estimated: " + err.Error()
	}
	return "expected cost on this machine (now): " + cost.String()
}
