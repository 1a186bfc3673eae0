package poseidon2gkr

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
)

// The permutation is gnark-crypto v0.21.0's ecc/bn254/fr/poseidon2 with
// its default parameters (poseidon2.GetDefaultParameters: width 2, 6 full
// and 50 partial rounds, S-box x^5): the state (a, b) first goes through
// the external matrix M_E = [[2, 1], [1, 2]]; then round i = 0..55 adds
// its key (both lanes in a full round, lane 0 only in a partial one),
// applies the S-box (both lanes, or lane 0), and multiplies by M_E (full)
// or the internal matrix M_I = [[2, 1], [1, 3]] (partial). Rounds 0..2 and
// 53..55 are full. [Perm] is checked against poseidon2.Permutation bit for
// bit (TestPermMatchesGnark).

// Width is the state's width; the proofs' tables come one per lane.
const Width = 2

// Rounds is the number of rounds, one GKR layer each.
const Rounds = 56

var (
	mExt = [2][2]uint64{{2, 1}, {1, 2}}
	mInt = [2][2]uint64{{2, 1}, {1, 3}}
)

// round is one layer of the circuit: its key (key[1] zero in a partial
// round), whether lane 1 has an S-box, and its matrix.
type round struct {
	key  [2]fr.Element
	full bool
	m    [2][2]fr.Element
}

var schedule = func() [Rounds]round {
	p := poseidon2.GetDefaultParameters()
	if p.Width != Width || p.NbFullRounds+p.NbPartialRounds != Rounds || poseidon2.DegreeSBox() != 5 {
		panic("poseidon2gkr: gnark-crypto's default Poseidon2 parameters changed; the layers here are width 2, 56 rounds, x^5")
	}
	var out [Rounds]round
	rf := p.NbFullRounds / 2
	for i := range out {
		r := &out[i]
		copy(r.key[:], p.RoundKeys[i])
		r.full = i < rf || i >= rf+p.NbPartialRounds
		m := mInt
		if r.full {
			m = mExt
		}
		for j := range 2 {
			for k := range 2 {
				r.m[j][k].SetUint64(m[j][k])
			}
		}
	}
	return out
}()

// sbox returns u^5.
func sbox(u fr.Element) fr.Element {
	var v fr.Element
	v.Square(&u).Square(&v).Mul(&v, &u)
	return v
}

// apply returns round r's output for the input state s.
func (r *round) apply(s [2]fr.Element) [2]fr.Element {
	var u [2]fr.Element
	u[0].Add(&s[0], &r.key[0])
	u[1].Add(&s[1], &r.key[1])
	u[0] = sbox(u[0])
	if r.full {
		u[1] = sbox(u[1])
		return extIn(u)
	}
	// M_I·u = (u_0 + Σ, 2u_1 + Σ), Σ = u_0 + u_1 (gnark-crypto's additions).
	var sum fr.Element
	sum.Add(&u[0], &u[1])
	u[0].Add(&u[0], &sum)
	u[1].Double(&u[1]).Add(&u[1], &sum)
	return u
}

// extIn returns M_E·x, the state before round 0.
func extIn(x [2]fr.Element) [2]fr.Element {
	var out [2]fr.Element
	var s fr.Element
	s.Add(&x[0], &x[1])
	out[0].Add(&s, &x[0])
	out[1].Add(&s, &x[1])
	return out
}

// extInv returns M_E^{-1}·s = ((2s_0 − s_1)/3, (2s_1 − s_0)/3).
func extInv(s [2]fr.Element) [2]fr.Element {
	var out [2]fr.Element
	var third fr.Element
	third.SetUint64(3)
	third.Inverse(&third)
	out[0].Double(&s[0]).Sub(&out[0], &s[1]).Mul(&out[0], &third)
	out[1].Double(&s[1]).Sub(&out[1], &s[0]).Mul(&out[1], &third)
	return out
}

// Perm returns the Poseidon2 permutation of x (gnark-crypto's
// poseidon2.NewDefaultPermutation().Permutation).
func Perm(x [2]fr.Element) [2]fr.Element {
	s := extIn(x)
	for i := range schedule {
		s = schedule[i].apply(s)
	}
	return s
}

// Compress is gnark-crypto's Poseidon2 compression (Permutation.Compress,
// the Merkle–Damgård hasher's step): Perm(l, r)[1] + r, the right input
// fed forward into the second lane.
func Compress(l, r fr.Element) fr.Element {
	p := Perm([2]fr.Element{l, r})
	p[1].Add(&p[1], &r)
	return p[1]
}

// states returns the N instances' states before every round, states[i]
// the input of round i (states[0] = M_E·x), and states[Rounds] the output.
// Each is a pair of lane tables.
func states(x [2]mle.Table) [Rounds + 1][2]mle.Table {
	var out [Rounds + 1][2]mle.Table
	N := len(x[0])
	for i := range out {
		out[i] = [2]mle.Table{make(mle.Table, N), make(mle.Table, N)}
	}
	par.For(N, 256, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			s := extIn([2]fr.Element{x[0][j], x[1][j]})
			for i := range schedule {
				out[i][0][j], out[i][1][j] = s[0], s[1]
				s = schedule[i].apply(s)
			}
			out[Rounds][0][j], out[Rounds][1][j] = s[0], s[1]
		}
	})
	return out
}
