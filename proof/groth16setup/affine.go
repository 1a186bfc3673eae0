package groth16setup

// Affine point arithmetic shared by G1 (coordinates in Fp) and G2 (in Fp²),
// for curves y² = x³ + b: additions of many independent pairs of points at
// once, with one field inversion for the whole batch (Montgomery's trick).

// field is the arithmetic the affine formulas need: *fp.Element for G1,
// *bn254.E2 for G2.
type field[F any] interface {
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

// affine is a point in affine coordinates; (0, 0), which is on neither
// curve (b ≠ 0), is the point at infinity, as in gnark-crypto. Its layout
// is that of bn254.G1Affine (F = fp.Element) and bn254.G2Affine (F = E2),
// which convert to and from it.
type affine[F any] struct{ X, Y F }

func isInfinity[F any, PF field[F]](p *affine[F]) bool {
	return PF(&p.X).IsZero() && PF(&p.Y).IsZero()
}

// negate sets p to −p (the point at infinity stays itself).
func negate[F any, PF field[F]](p *affine[F]) {
	PF(&p.Y).Neg(&p.Y)
}

// double sets p to 2p with one inversion. y = 0 does not occur in G1 or G2
// (their orders are odd), but is mapped to infinity all the same.
func double[F any, PF field[F]](p *affine[F]) {
	if PF(&p.Y).IsZero() {
		*p = affine[F]{}
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

// adder adds batches of point pairs; its buffers are reused between
// batches, so each goroutine has its own.
type adder[F any, PF field[F]] struct {
	den, prod []F
	lane      []int32
	// Temporaries, here rather than on the stack: the compiler cannot
	// see that calls through PF keep no pointer to them, so locals would
	// be allocated on the heap at every use.
	l, x3, t, inv F
}

// add sets acc[i] += q[i] for every i (len(q) ≥ len(acc)). Pairs whose sum
// needs no division (either point at infinity, or the same x: a doubling
// or a sum at infinity) are handled one by one; the others share one
// inversion: ~5 multiplications and a squaring per pair, against ~11 for
// a mixed Jacobian addition followed by normalization.
func (s *adder[F, PF]) add(acc, q []affine[F]) {
	if cap(s.den) < len(acc) {
		s.den = make([]F, len(acc))
		s.prod = make([]F, len(acc))
		s.lane = make([]int32, 0, len(acc))
	}
	lane, den := s.lane[:0], s.den[:len(acc)]
	for i := range acc {
		a, b := &acc[i], &q[i]
		switch {
		case isInfinity[F, PF](b):
			continue
		case isInfinity[F, PF](a):
			*a = *b
			continue
		case PF(&a.X).Equal(&b.X):
			if PF(&a.Y).Equal(&b.Y) {
				double[F, PF](a)
			} else { // b = −a
				*a = affine[F]{}
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
func (s *adder[F, PF]) invert(d []F) {
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
