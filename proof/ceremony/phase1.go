package ceremony

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	cmpc "github.com/consensys/gnark-crypto/ecc/bn254/mpcsetup"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	gio "github.com/consensys/gnark/io"
)

// phase1 is gnark's mpcsetup.Phase1, whose parameters gnark keeps
// unexported: the same fields, encoded byte for byte as gnark encodes them
// (so state files and hashes are gnark's), with the update done on all
// cores, batches of points multiplied in lockstep (group.go), instead of
// one affine scalar multiplication at a time.
type phase1 struct {
	proofs    [3]cmpc.UpdateProof // τ, α, β
	params    mpcsetup.SrsCommons
	challenge []byte // the hash of the previous state's payload
}

// newPhase1 is phase 1's start for domain size n: every parameter is the
// generator (mpcsetup.NewPhase1).
func newPhase1(n uint64) *phase1 {
	p := new(phase1)
	c := &p.params
	_, _, g1, g2 := curve.Generators()
	c.G1.Tau = make([]curve.G1Affine, 2*n-1)
	c.G2.Tau = make([]curve.G2Affine, n)
	c.G1.AlphaTau = make([]curve.G1Affine, n)
	c.G1.BetaTau = make([]curve.G1Affine, n)
	for _, s := range [][]curve.G1Affine{c.G1.Tau, c.G1.AlphaTau, c.G1.BetaTau} {
		for i := range s {
			s[i] = g1
		}
	}
	for i := range c.G2.Tau {
		c.G2.Tau[i] = g2
	}
	c.G2.Beta = g2
	return p
}

// WriteTo writes gnark's encoding of a Phase1.
func (p *phase1) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, v := range []io.WriterTo{&p.proofs[0], &p.proofs[1], &p.proofs[2], &p.params} {
		dn, err := v.WriteTo(w)
		n += dn
		if err != nil {
			return n, err
		}
	}
	dn, err := gio.WriteBytesShort(p.challenge, w)
	return n + dn, err
}

// ReadFrom reads gnark's encoding of a Phase1, checking every point is on
// its curve and in its subgroup. gnark-crypto's decoder decompresses the
// points (a square root each, and a subgroup check for G2) one at a time;
// here all cores do, the encoding being compressed points of fixed size.
func (p *phase1) ReadFrom(r io.Reader) (int64, error) {
	var n int64
	for i := range p.proofs {
		dn, err := p.proofs[i].ReadFrom(r)
		n += dn
		if err != nil {
			return n, err
		}
	}
	dn, err := decodeCommons(r, &p.params)
	n += dn
	if err != nil {
		return n, err
	}
	c, dn, err := gio.ReadBytesShort(r)
	p.challenge = c
	return n + dn, err
}

// maxPhase1Domain bounds the domain decodeCommons allocates for.
const maxPhase1Domain = 1 << 28

// decodeCommons reads gnark's encoding of SrsCommons: N (u64 big-endian),
// [β]₂, [τⁱ]₁ for 1 ≤ i ≤ 2N−2, [τⁱ]₂ for 1 ≤ i ≤ N−1, [βτⁱ]₁ and
// [ατⁱ]₁ for i < N, every point compressed.
func decodeCommons(r io.Reader, c *mpcsetup.SrsCommons) (int64, error) {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, err
	}
	n := binary.BigEndian.Uint64(b[:])
	if n < 2 || n > maxPhase1Domain {
		return 8, fmt.Errorf("domain size %d", n)
	}
	const g1, g2 = curve.SizeOfG1AffineCompressed, curve.SizeOfG2AffineCompressed
	size := g2 + (2*n-2)*g1 + (n-1)*g2 + 2*n*g1
	buf := make([]byte, size)
	if k, err := io.ReadFull(r, buf); err != nil {
		return 8 + int64(k), err
	}
	_, _, gen1, gen2 := curve.Generators()
	c.G1.Tau = make([]curve.G1Affine, 2*n-1)
	c.G2.Tau = make([]curve.G2Affine, n)
	c.G1.AlphaTau = make([]curve.G1Affine, n)
	c.G1.BetaTau = make([]curve.G1Affine, n)
	c.G1.Tau[0], c.G2.Tau[0] = gen1, gen2
	// The G1 points come in two runs around the G2 ones: decode by offset.
	type at struct {
		off int
		g1  *curve.G1Affine
		g2  *curve.G2Affine
	}
	points := make([]at, 0, 5*n)
	off := 0
	add1 := func(p *curve.G1Affine) { points = append(points, at{off: off, g1: p}); off += g1 }
	add2 := func(p *curve.G2Affine) { points = append(points, at{off: off, g2: p}); off += g2 }
	add2(&c.G2.Beta)
	for i := 1; i < len(c.G1.Tau); i++ {
		add1(&c.G1.Tau[i])
	}
	for i := 1; i < len(c.G2.Tau); i++ {
		add2(&c.G2.Tau[i])
	}
	for i := range c.G1.BetaTau {
		add1(&c.G1.BetaTau[i])
	}
	for i := range c.G1.AlphaTau {
		add1(&c.G1.AlphaTau[i])
	}
	var (
		mu    sync.Mutex
		first error
	)
	parallel(len(points), func(lo, hi int) {
		for _, q := range points[lo:hi] {
			var k int
			var err error
			if q.g1 != nil {
				if k, err = q.g1.SetBytes(buf[q.off : q.off+g1]); err == nil && k != g1 {
					err = errors.New("a point is not compressed")
				}
			} else if k, err = q.g2.SetBytes(buf[q.off : q.off+g2]); err == nil && k != g2 {
				err = errors.New("a point is not compressed")
			}
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				return
			}
		}
	}, nil)
	return 8 + int64(size), first
}

func (p *phase1) hash() []byte {
	h := sha256.New()
	if _, err := p.WriteTo(h); err != nil {
		panic(err) // a hash does not fail
	}
	return h.Sum(nil)
}

// The domain-separation tags of gnark's phase 1.
const (
	dstTau   = mpcsetup.DST_TAU
	dstAlpha = mpcsetup.DST_ALPHA
	dstBeta  = mpcsetup.DST_BETA
)

// contribute is mpcsetup.Phase1.Contribute: fresh τ, α, β from
// crypto/rand with their proofs of knowledge, then the update.
func (p *phase1) contribute(done func(int)) {
	p.challenge = p.hash()
	var tau, alpha, beta fr.Element // zero: UpdateValues draws them
	p.proofs[0] = cmpc.UpdateValues(&tau, p.challenge, dstTau)
	p.proofs[1] = cmpc.UpdateValues(&alpha, p.challenge, dstAlpha)
	p.proofs[2] = cmpc.UpdateValues(&beta, p.challenge, dstBeta)
	p.update(&tau, &alpha, &beta, done)
	for _, x := range []*fr.Element{&tau, &alpha, &beta} {
		x.SetZero()
	}
}

// seal is mpcsetup.Phase1.Seal: the beacon's reproducible contribution,
// and the result.
func (p *phase1) seal(beacon []byte, done func(int)) mpcsetup.SrsCommons {
	k := cmpc.BeaconContributions(p.hash(), []byte("Groth16 MPC Setup - Phase 1"), beacon, 3)
	p.update(&k[0], &k[1], &k[2], done)
	return p.params
}

// updateWork is the work update does, in G1 scalar multiplications (a G2
// one counts 3).
func updateWork(n uint64) int64 { return int64(4*n-1) + 3*int64(n) }

// update multiplies [τⁱ]₁, [τⁱ]₂ by τ'ⁱ, [ατⁱ]₁ by α'τ'ⁱ, [βτⁱ]₁ by
// β'τ'ⁱ and [β]₂ by β', as gnark's SrsCommons.update.
func (p *phase1) update(tau, alpha, beta *fr.Element, done func(int)) {
	c := &p.params
	n := len(c.G2.Tau)
	g2 := func(k int) {
		if done != nil {
			done(3 * k)
		}
	}
	// The scalars derive from the contribution's secrets: overwritten
	// once used.
	t := powersOf(tau, nil, len(c.G1.Tau))
	mulG1(c.G1.Tau, each(t), done)
	mulG2(c.G2.Tau, each(t), g2)
	clear(t)
	t = powersOf(tau, alpha, n)
	mulG1(c.G1.AlphaTau, each(t), done)
	clear(t)
	t = powersOf(tau, beta, n)
	mulG1(c.G1.BetaTau, each(t), done)
	clear(t)
	var b big.Int
	c.G2.Beta.ScalarMultiplication(&c.G2.Beta, beta.BigInt(&b))
	b.SetInt64(0)
}

// verify is mpcsetup.Phase1.Verify: next's proofs of knowledge of τ, α,
// β, and that its parameters are powers of one τ with the same α, β
// (mpcsetup.SameRatioMany: one pairing check on random linear
// combinations of all of them).
func (p *phase1) verify(next *phase1) error {
	challenge := p.hash()
	if len(next.challenge) != 0 && !bytes.Equal(next.challenge, challenge) {
		return errors.New("the challenge does not match the previous contribution's hash")
	}
	next.challenge = challenge
	c, d := &p.params, &next.params
	if len(d.G2.Tau) != len(c.G2.Tau) {
		return errors.New("domain size mismatch")
	}
	if err := next.proofs[0].Verify(challenge, dstTau, cmpc.ValueUpdate{Previous: &c.G1.Tau[1], Next: &d.G1.Tau[1]}); err != nil {
		return fmt.Errorf("failed to verify contribution to τ: %w", err)
	}
	if err := next.proofs[1].Verify(challenge, dstAlpha, cmpc.ValueUpdate{Previous: c.G1.AlphaTau[0], Next: d.G1.AlphaTau[0]}); err != nil {
		return fmt.Errorf("failed to verify contribution to α: %w", err)
	}
	if err := next.proofs[2].Verify(challenge, dstBeta,
		cmpc.ValueUpdate{Previous: &c.G1.BetaTau[0], Next: &d.G1.BetaTau[0]},
		cmpc.ValueUpdate{Previous: &c.G2.Beta, Next: &d.G2.Beta}); err != nil {
		return fmt.Errorf("failed to verify contribution to β: %w", err)
	}
	return cmpc.SameRatioMany(d.G1.Tau, d.G2.Tau, d.G1.AlphaTau, d.G1.BetaTau)
}
