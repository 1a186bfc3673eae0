package ecbatch

import (
	"math/big"
	"sync"
	"unsafe"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// BN254's decompositions, with gnark-crypto's constants (ecc/bn254,
// bn254.go: thirdRootOneG1, lambdaGLV, endo, glsBasis), which gnark-crypto
// keeps unexported: in G1, φ(x, y) = (β·x, y) = [λ]P; in G2, φ with β² and
// ψ(x, y) = (x̄·u, ȳ·v), with gnark-crypto's LLL-reduced lattice of
// (k₀, k₁, k₂, k₃) ↦ k₀ + λk₁ + λ_ψk₂ + λλ_ψk₃. TestEndomorphism checks
// φ against [λ], and TestMul every product against gnark-crypto's.

var (
	lambda = mustInt("4407920970296243842393367215006156084916469457145843978461")
	beta1  = mustFp("2203960485148121921418603742825762020974279258880205651966")
	beta2  = func() (b fp.Element) { return *b.Square(&beta1) }()
	psiU   = curve.E2{
		A0: mustFp("21575463638280843010398324269430826099269044274347216827212613867836435027261"),
		A1: mustFp("10307601595873709700152284273816112264069230130616436755625194854815875713954"),
	}
	psiV = curve.E2{
		A0: mustFp("2821565182194536844548159561693502659359617185244120367078079554186484126554"),
		A1: mustFp("3505843767911556378687030309984248845540243509899259641013678093033130930403"),
	}

	endoG1 = func() *Endo[fp.Element] {
		var l ecc.Lattice
		ecc.PrecomputeLattice(fr.Modulus(), lambda, &l)
		return &Endo[fp.Element]{
			Split:  func(k *big.Int) []big.Int { p := ecc.SplitScalar(k, &l); return p[:] },
			Images: []func(p *Affine[fp.Element]){phiG1},
		}
	}()
	endoG2 = func() *Endo[curve.E2] {
		var l ecc.Lattice4
		const x0, x1, x2 = "4965661367192848881", "4965661367192848882", "9931322734385697762"
		const x3 = "9931322734385697763"
		for i, row := range [4][4]string{
			{x2, x0, x1, "-" + x0},
			{"-" + x0, x0, x0, x3},
			{"-" + x1, x0, "-" + x0, "-" + x2},
			{x3, x1, "-" + x0, x0},
		} {
			for j, v := range row {
				l.V[i][j].Set(mustInt(v))
			}
		}
		ecc.PrecomputeLattice4(&l)
		return &Endo[curve.E2]{
			Split:  func(k *big.Int) []big.Int { p := ecc.SplitScalarFour(k, &l); return p[:] },
			Images: []func(p *Affine[curve.E2]){phiG2, psiG2, func(p *Affine[curve.E2]) { phiG2(p); psiG2(p) }},
		}
	}()
	poolG1 = sync.Pool{New: func() any { return NewMultiplier[fp.Element, *fp.Element](endoG1) }}
	poolG2 = sync.Pool{New: func() any { return NewMultiplier[curve.E2, *curve.E2](endoG2) }}
)

func phiG1(p *Affine[fp.Element]) { p.X.Mul(&p.X, &beta1) }

func phiG2(p *Affine[curve.E2]) { p.X.MulByElement(&p.X, &beta2) }

func psiG2(p *Affine[curve.E2]) {
	p.X.Conjugate(&p.X).Mul(&p.X, &psiU)
	p.Y.Conjugate(&p.Y).Mul(&p.Y, &psiV)
}

func mustInt(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("ecbatch: bad constant " + s)
	}
	return v
}

func mustFp(s string) (e fp.Element) {
	if _, err := e.SetString(s); err != nil {
		panic("ecbatch: bad constant " + s)
	}
	return e
}

// G1 and G2 view gnark-crypto's affine points as Affine, whose layout they
// share (two coordinates, nothing else).
func G1(p []curve.G1Affine) []Affine[fp.Element] {
	return unsafe.Slice((*Affine[fp.Element])(unsafe.Pointer(unsafe.SliceData(p))), len(p))
}

func G2(p []curve.G2Affine) []Affine[curve.E2] {
	return unsafe.Slice((*Affine[curve.E2])(unsafe.Pointer(unsafe.SliceData(p))), len(p))
}

// MulG1 sets pts[i] to kᵢ·pts[i], scalar(i, k) setting kᵢ, on the calling
// goroutine (callers run batches of a few hundred points in parallel).
func MulG1(pts []curve.G1Affine, scalar func(i int, k *fr.Element)) {
	m := poolG1.Get().(*Multiplier[fp.Element, *fp.Element])
	m.Mul(G1(pts), scalar)
	poolG1.Put(m)
}

// MulG2 is MulG1 in G2.
func MulG2(pts []curve.G2Affine, scalar func(i int, k *fr.Element)) {
	m := poolG2.Get().(*Multiplier[curve.E2, *curve.E2])
	m.Mul(G2(pts), scalar)
	poolG2.Put(m)
}
