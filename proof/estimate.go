package proof

import (
	"errors"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/pedersen"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
)

// A compiled circuit's cost before any key exists: the keys' sizes,
// exactly, from the constraint system's dimensions, and the setup's and
// the prover's time on this machine, from a model of their work scaled by
// a measurement made here (Calibrate).
//
// The work model counts multi-scalar-multiplication points, in units of
// one G1 point of a 2^14-point MSM (its per-point time falls as 1/log₂ of
// the MSM's size under Pippenger's method, so a point of a larger MSM
// counts less): the prover's MSMs are A and B over G1 (the wires with a
// nonzero left or right polynomial), B over G2 (a G2 point counts
// g2Weight), K over the private wires and Z over the domain; its FFTs and
// witness solving are proportional to the domain and the constraints. Our
// fixed-base setup (proof/groth16setup) costs a batch of affine additions
// per key point. The per-unit coefficients below were fitted to setups and
// proofs timed on corpus models with a calibration run just before each
// (docs/SETUP.md, "Cost estimate", gives the fit and its error).

// Cost is a compiled Groth16 circuit's expected cost.
type Cost struct {
	Constraints int
	Wires       int
	Domain      uint64 // the power of two ≥ the constraints
	// ProvingKeyBytes and VerifyingKeyBytes are the sizes of pk.bin and
	// vk.bin as setup or a ceremony writes them, exactly.
	ProvingKeyBytes, VerifyingKeyBytes int64
	// Setup and Prove are the expected times on this machine (zero
	// without a calibration).
	Setup, Prove time.Duration
}

// Calibration is this machine's speed, as measured now.
type Calibration struct {
	// Unit is the time per point of a 2^14-point G1 MSM on all cores.
	Unit time.Duration
	// G2 is a G2 MSM point's time in G1 points (about 3).
	G2 float64
}

// The fitted coefficients, in Units (see the comment above).
const (
	calibrationLog = 14   // log₂ of the calibration MSM's size
	proveMSM       = 1.0  // per weighted MSM point of the prover
	proveFixed     = 0.9  // per domain element: FFTs, quotient
	proveSolve     = 0.35 // per constraint: witness solving
	setupPoint     = 1.1  // per G1 key point (G2: ×G2) of the setup
	setupQAP       = 0.25 // per constraint: evaluating the QAP at τ
	msmSize        = 1 << calibrationLog
)

// Calibrate times a 2^14-point G1 MSM and a 2^12-point G2 MSM on random
// points: about a tenth of a second. The time depends on the machine's
// load at that moment, as the steps it predicts will.
func Calibrate() (Calibration, error) {
	cfg := ecc.MultiExpConfig{NbTasks: runtime.GOMAXPROCS(0)}
	s := make([]fr.Element, msmSize)
	for i := range s {
		if _, err := s[i].SetRandom(); err != nil {
			return Calibration{}, err
		}
	}
	p1 := curve.BatchScalarMultiplicationG1(g1Gen(), s)
	var r1 curve.G1Jac
	r1.MultiExp(p1, s, cfg) // warm up
	start := time.Now()
	if _, err := r1.MultiExp(p1, s, cfg); err != nil {
		return Calibration{}, err
	}
	unit := time.Since(start) / msmSize
	const n2 = msmSize / 4
	_, _, _, g2 := curve.Generators()
	p2 := curve.BatchScalarMultiplicationG2(&g2, s[:n2])
	var r2 curve.G2Jac
	start = time.Now()
	if _, err := r2.MultiExp(p2, s[:n2], cfg); err != nil {
		return Calibration{}, err
	}
	// A 2^12 MSM's points cost 14/12 of a 2^14 one's.
	g2w := float64(time.Since(start)) / n2 / float64(unit) * 12 / calibrationLog
	return Calibration{Unit: max(unit, 1), G2: max(g2w, 1)}, nil
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
	cs, err := c.ReadCircuit()
	if err != nil {
		return nil, err
	}
	r, ok := cs.(*cs_bn254.R1CS)
	if !ok {
		return nil, fmt.Errorf("cost: unexpected constraint system %T", cs)
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
	it := r.GetR1CIterator()
	for c := it.Next(); c != nil; c = it.Next() {
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
	cost := &Cost{Constraints: nc, Wires: nWires, Domain: n}
	var err error
	if cost.ProvingKeyBytes, err = provingKeySize(n, nWires, nA, nB, nK, cms); err != nil {
		return nil, err
	}
	if cost.VerifyingKeyBytes, err = verifyingKeySize(nbPublic, cms); err != nil {
		return nil, err
	}
	if cal.Unit > 0 {
		per := func(size int) float64 { // one point of a size-point MSM, in units
			return calibrationLog / float64(max(bits.Len(uint(size)), 8))
		}
		msm := float64(nA)*per(nA) + float64(nB)*per(nB)*(1+cal.G2) + float64(nK)*per(nK) + float64(n)*per(int(n))
		prove := proveMSM*msm + proveFixed*float64(n) + proveSolve*float64(nc)
		points := float64(nA+nB+nK+int(n)+2*committed) + float64(nB)*cal.G2
		setup := setupPoint*points + setupQAP*float64(nc)
		cost.Prove = time.Duration(prove * float64(cal.Unit))
		cost.Setup = time.Duration(setup * float64(cal.Unit))
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
