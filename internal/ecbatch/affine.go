package ecbatch

// Field is the arithmetic the affine formulas need: *fp.Element for G1,
// *bn254.E2 for G2.
type Field[F any] interface {
	*F
	Add(x, y *F) *F
	Sub(x, y *F) *F
	Double(x *F) *F
	Neg(x *F) *F
	Mul(x, y *F) *F
	Square(x *F) *F
	Inverse(x *F) *F
	Equal(x *F) bool
	IsZero() bool
	SetOne() *F
}

// Affine is a point in affine coordinates; (0, 0), which is on neither
// curve (b ≠ 0), is the point at infinity, as in gnark-crypto. Its layout
// is that of bn254.G1Affine (F = fp.Element) and bn254.G2Affine (F = E2),
// which convert to and from it.
type Affine[F any] struct{ X, Y F }

func IsInfinity[F any, PF Field[F]](p *Affine[F]) bool {
	return PF(&p.X).IsZero() && PF(&p.Y).IsZero()
}

// Negate sets p to −p (the point at infinity stays itself).
func Negate[F any, PF Field[F]](p *Affine[F]) {
	PF(&p.Y).Neg(&p.Y)
}

// Double sets p to 2p with one inversion. y = 0 does not occur in G1 or G2
// (their orders are odd), but is mapped to infinity all the same.
func Double[F any, PF Field[F]](p *Affine[F]) {
	if PF(&p.Y).IsZero() {
		*p = Affine[F]{}
		return
	}
	var l, t, x3 F
	PF(&l).Square(&p.X) // λ = 3x² / 2y
	PF(&t).Double(&l)
	PF(&l).Add(&l, &t)
	PF(&t).Double(&p.Y)
	PF(&t).Inverse(&t)
	PF(&l).Mul(&l, &t)
	PF(&x3).Square(&l) // x₃ = λ² − 2x
	PF(&t).Double(&p.X)
	PF(&x3).Sub(&x3, &t)
	PF(&t).Sub(&p.X, &x3) // y₃ = λ(x − x₃) − y
	PF(&t).Mul(&t, &l)
	PF(&p.Y).Sub(&t, &p.Y)
	p.X = x3
}

// Adder adds batches of point pairs; its buffers are reused between
// batches, so each goroutine has its own.
type Adder[F any, PF Field[F]] struct {
	den, prod []F
	lane      []int32
	// Temporaries, here rather than on the stack: the compiler cannot
	// see that calls through PF keep no pointer to them, so locals would
	// be allocated on the heap at every use.
	l, x3, t, inv F
}

// reserve returns the buffers for a batch of n: no lanes yet, n
// denominators.
func (s *Adder[F, PF]) reserve(n int) ([]int32, []F) {
	if cap(s.den) < n {
		s.den = make([]F, n)
		s.prod = make([]F, n)
		s.lane = make([]int32, 0, n)
	}
	return s.lane[:0], s.den[:n]
}

// Add sets acc[i] += q[i] for every i (len(q) ≥ len(acc)). Pairs whose sum
// needs no division (either point at infinity, or the same x: a doubling
// or a sum at infinity) are handled one by one; the others share one
// inversion: ~5 multiplications and a squaring per pair, against ~11 for
// a mixed Jacobian addition followed by normalization.
func (s *Adder[F, PF]) Add(acc, q []Affine[F]) {
	lane, den := s.reserve(len(acc))
	for i := range acc {
		a, b := &acc[i], &q[i]
		switch {
		case IsInfinity[F, PF](b):
			continue
		case IsInfinity[F, PF](a):
			*a = *b
			continue
		case PF(&a.X).Equal(&b.X):
			if PF(&a.Y).Equal(&b.Y) {
				Double[F, PF](a)
			} else { // b = −a
				*a = Affine[F]{}
			}
			continue
		}
		PF(&den[len(lane)]).Sub(&b.X, &a.X)
		lane = append(lane, int32(i))
	}
	den = den[:len(lane)]
	s.invert(den)
	for k, i := range lane {
		a, b := &acc[i], &q[i]
		l, x3, t := PF(&s.l), PF(&s.x3), PF(&s.t)
		l.Sub(&b.Y, &a.Y) // λ = (y_b − y_a) / (x_b − x_a)
		l.Mul(l, &den[k])
		x3.Square(l) // x₃ = λ² − x_a − x_b
		x3.Sub(x3, &a.X)
		x3.Sub(x3, &b.X)
		t.Sub(&a.X, x3) // y₃ = λ(x_a − x₃) − y_a
		t.Mul(t, l)
		PF(&a.Y).Sub(t, &a.Y)
		a.X = *x3
	}
	s.lane = lane
}

// invert replaces every element of d (none zero) by its inverse:
// Montgomery's trick, one inversion and 3(len(d)−1) multiplications.
func (s *Adder[F, PF]) invert(d []F) {
	if len(d) == 0 {
		return
	}
	prod := s.prod[:len(d)]
	prod[0] = d[0]
	for k := 1; k < len(d); k++ {
		PF(&prod[k]).Mul(&prod[k-1], &d[k])
	}
	inv, t := PF(&s.inv), PF(&s.t)
	inv.Inverse(&prod[len(d)-1])
	for k := len(d) - 1; k > 0; k-- {
		t.Mul(inv, &prod[k-1]) // 1/d[k]
		inv.Mul(inv, &d[k])    // 1/(d[0]⋯d[k−1])
		d[k] = *t
	}
	d[0] = *inv
}

// DoubleAll sets every p[i] to 2p[i], the inversions shared: ~5
// multiplications and 2 squarings a point, about a Jacobian doubling's
// cost, but the result is affine and a following addition is the cheap
// affine one. The point at infinity stays itself; y = 0 does not occur
// (the groups' orders are odd).
func (s *Adder[F, PF]) DoubleAll(p []Affine[F]) {
	lane, den := s.reserve(len(p))
	for i := range p {
		if PF(&p[i].Y).IsZero() {
			p[i] = Affine[F]{}
			continue
		}
		PF(&den[len(lane)]).Double(&p[i].Y)
		lane = append(lane, int32(i))
	}
	den = den[:len(lane)]
	s.invert(den)
	for k, i := range lane {
		a := &p[i]
		l, x3, t := PF(&s.l), PF(&s.x3), PF(&s.t)
		l.Square(&a.X) // λ = 3x² / 2y
		t.Double(l)
		l.Add(l, t)
		l.Mul(l, &den[k])
		x3.Square(l) // x₃ = λ² − 2x
		t.Double(&a.X)
		x3.Sub(x3, t)
		t.Sub(&a.X, x3) // y₃ = λ(x − x₃) − y
		t.Mul(t, l)
		PF(&a.Y).Sub(t, &a.Y)
		a.X = *x3
	}
	s.lane = lane
}

// Recode writes the signed digits of width w of the little-endian limbs
// k, least significant first: k = Σⱼ dⱼ·2^{wj} with −2^{w−1} < dⱼ ≤ 2^{w−1}.
// digits must have room for the carry out of k's top bit.
func Recode(k []uint64, w uint, digits []int32) {
	mask := uint64(1)<<w - 1
	half := int32(1) << (w - 1)
	carry := int32(0)
	for j := range digits {
		pos := uint(j) * w
		limb, off := int(pos/64), pos%64
		var v uint64
		if limb < len(k) {
			v = k[limb] >> off
			if off+w > 64 && limb+1 < len(k) {
				v |= k[limb+1] << (64 - off)
			}
		}
		d := int32(v&mask) + carry
		carry = 0
		if d > half {
			d -= 1 << w
			carry = 1
		}
		digits[j] = d
	}
}
