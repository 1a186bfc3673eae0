package groth16setup

import (
	"errors"
	"math/big"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/pedersen"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/proof/progress"
)

// Option configures Setup.
type Option func(*config)

type config struct {
	progress func(format string, args ...any)
	workers  int
}

// WithProgress reports the setup's progress (percent done and time left)
// through log, with lines like "setup: 40% (3.1s, about 5s left)".
func WithProgress(log func(format string, args ...any)) Option {
	return func(c *config) { c.progress = log }
}

// WithWorkers sets the number of goroutines (default GOMAXPROCS).
func WithWorkers(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.workers = n
		}
	}
}

// Setup returns Groth16 proving and verifying keys for r1cs, with toxic
// waste drawn from crypto/rand and overwritten before it returns. The keys
// are those gnark's groth16.Setup would make from the same randomness
// (see the package documentation).
func Setup(r1cs *cs.R1CS, opts ...Option) (*groth16bn254.ProvingKey, *groth16bn254.VerifyingKey, error) {
	cfg := config{workers: defaultWorkers()}
	for _, o := range opts {
		o(&cfg)
	}
	if r1cs == nil {
		return nil, nil, errors.New("groth16 setup: no constraint system")
	}
	cms, ok := r1cs.CommitmentInfo.(constraint.Groth16Commitments)
	if !ok && r1cs.CommitmentInfo != nil {
		return nil, nil, errors.New("groth16 setup: the constraint system's commitments are not Groth16's")
	}
	tw, err := sampleToxicWaste(len(cms))
	if err != nil {
		return nil, nil, errors.New("groth16 setup: drawing randomness: " + err.Error())
	}
	defer tw.zeroize()
	pk, vk, err := setup(r1cs, cms, tw, cfg)
	if err != nil {
		return nil, nil, errors.New("groth16 setup: " + err.Error())
	}
	return pk, vk, nil
}

// setup makes the keys from the given toxic waste.
func setup(r1cs *cs.R1CS, cms constraint.Groth16Commitments, tw *toxicWaste, cfg config) (*groth16bn254.ProvingKey, *groth16bn254.VerifyingKey, error) {
	nbWires := r1cs.NbInternalVariables + r1cs.GetNbPublicVariables() + r1cs.GetNbSecretVariables()
	layout, err := newLayout(r1cs.GetNbPublicVariables(), nbWires, cms)
	if err != nil {
		return nil, nil, err
	}
	domain := fft.NewDomain(uint64(r1cs.GetNbConstraints()))
	n := domain.Cardinality

	a, b, c, err := evalQAP(r1cs, domain, &tw.t, nbWires)
	if err != nil {
		return nil, nil, err
	}
	defer func() { clear(a); clear(b); clear(c) }()
	vkK, ckK, pkK, err := kVectors(a, b, c, tw, layout)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		clear(vkK)
		for i := range ckK {
			clear(ckK[i])
		}
	}()
	pk, vk := new(groth16bn254.ProvingKey), new(groth16bn254.VerifyingKey)
	a, pk.InfinityA, pk.NbInfinityA = dropZeros(a)
	b, pk.InfinityB, pk.NbInfinityB = dropZeros(b)

	// The work, for the table sizes and the progress estimate.
	committed := 0
	for i := range ckK {
		committed += len(ckK[i])
	}
	nG1 := 3 + len(a) + len(b) + int(n-1) + len(vkK) + len(pkK) + 2*committed
	nG2 := len(b) + 3
	w1, w2 := chooseWindow(nG1), chooseWindow(nG2)
	m := progress.New(cfg.progress, "setup", Work(nG1, nG2))
	work := cfg.workers

	// G1: one table of the generator's multiples serves every vector.
	t1 := newG1Table(nG1, work, m.Counter(unitG1))
	g1 := func(dst []curve.G1Affine, fill func([]fr.Element, int)) {
		t1.mulAll(len(dst), work, fill, toG1(dst), m.Counter(unitG1*int64(windows(w1))))
	}
	var abd [3]curve.G1Affine
	secrets := []fr.Element{tw.alpha, tw.beta, tw.delta}
	g1(abd[:], from(secrets))
	pk.G1.Alpha, pk.G1.Beta, pk.G1.Delta = abd[0], abd[1], abd[2]
	pk.G1.A = make([]curve.G1Affine, len(a))
	g1(pk.G1.A, from(a))
	clear(a)
	a = nil // for the collector; likewise below
	pk.G1.B = make([]curve.G1Affine, len(b))
	g1(pk.G1.B, from(b))
	pk.G1.Z = make([]curve.G1Affine, n-1)
	t1.mulAll(int(n-1), work, zScalars(&tw.t, n, &tw.deltaInv), toBitReversed(pk.G1.Z, n), m.Counter(unitG1*int64(windows(w1))))
	pk.G1.K = make([]curve.G1Affine, len(pkK))
	g1(pk.G1.K, from(pkK))
	clear(c)
	c, pkK = nil, nil
	vk.G1.K = make([]curve.G1Affine, len(vkK))
	g1(vk.G1.K, from(vkK))
	if len(cms) > 0 {
		pk.CommitmentKeys = make([]pedersen.ProvingKey, len(cms))
		vk.CommitmentKeys = make([]pedersen.VerifyingKey, len(cms))
	}
	for i := range pk.CommitmentKeys {
		ck := &pk.CommitmentKeys[i]
		ck.Basis = make([]curve.G1Affine, len(ckK[i]))
		g1(ck.Basis, from(ckK[i]))
		ck.BasisExpSigma = make([]curve.G1Affine, len(ckK[i]))
		g1(ck.BasisExpSigma, scaled(ckK[i], &tw.sigma[i]))
		vk.CommitmentKeys[i] = pedersenVerifyingKey(&tw.commitG2, &tw.sigma[i])
	}
	t1 = nil

	// G2: [v_i(τ)]₂ for the wires of B, and β, δ, γ.
	t2 := newG2Table(nG2, work, m.Counter(unitG2))
	g2 := func(dst []curve.G2Affine, fill func([]fr.Element, int)) {
		t2.mulAll(len(dst), work, fill, toG2(dst), m.Counter(unitG2*int64(windows(w2))))
	}
	pk.G2.B = make([]curve.G2Affine, len(b))
	g2(pk.G2.B, from(b))
	clear(b)
	b = nil
	var bdg [3]curve.G2Affine
	secrets = append(secrets[:0], tw.beta, tw.delta, tw.gamma)
	g2(bdg[:], from(secrets))
	clear(secrets)
	pk.G2.Beta, pk.G2.Delta = bdg[0], bdg[1]

	vk.G1.Alpha, vk.G1.Beta, vk.G1.Delta = pk.G1.Alpha, pk.G1.Beta, pk.G1.Delta
	vk.G2.Beta, vk.G2.Delta, vk.G2.Gamma = bdg[0], bdg[1], bdg[2]
	vk.PublicAndCommitmentCommitted = cms.GetPublicAndCommitmentCommitted(layout.wires, layout.nbPublic)
	if err := vk.Precompute(); err != nil {
		return nil, nil, err
	}
	pk.Domain = *domain
	return pk, vk, nil
}

// scaled reads s·src[i].
func scaled(src []fr.Element, s *fr.Element) func(dst []fr.Element, lo int) {
	return func(dst []fr.Element, lo int) {
		for i := range dst {
			dst[i].Mul(&src[lo+i], s)
		}
	}
}

// pedersenVerifyingKey is the verifying key of a Pedersen commitment with
// knowledge exponent σ over the G2 base g: (g, −σ·g), as gnark-crypto's
// pedersen.Setup makes it.
func pedersenVerifyingKey(g *curve.G2Affine, sigma *fr.Element) pedersen.VerifyingKey {
	var s big.Int
	sigma.BigInt(&s)
	vk := pedersen.VerifyingKey{G: *g}
	vk.GSigmaNeg.ScalarMultiplication(g, &s)
	vk.GSigmaNeg.Neg(&vk.GSigmaNeg)
	clear(s.Bits())
	return vk
}
