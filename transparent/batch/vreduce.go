package batch

import (
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/internal/par"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// vanishingIn is a shape's reduction input under vanishing masks, per
// table: E and f over the n variables, E' and s over the c = n − rv column
// variables (consumed).
type vanishingIn struct {
	rv      int
	es, fs  []mle.Table
	eps, ss []mle.Table
}

// reduceVanishing is the sumcheck of
//
//	claim = Σ_x Σ_c [E_c(x)·f̂_c(x) + eq(x_row, 0)·E'_c(x_col)·s_c(x_col)]
//
// (package doc, "Vanishing masks"). Rounds 0..n−2 are those of Σ E·f plus
// the mask term: while a row variable is bound the mask term is
// eq(r_<j, 0)·(1 − X)·Σ_c ⟨E'_c, s_c⟩ (the other row variables sum
// eq(·, 0) to 1), after that eq(r_row, 0) times the product sumcheck of
// E'_c·s_c. Z vanishes on every summand while x_{n−1} is Boolean, so f̂'s
// mask enters the last round only: f̂(r_<, X) = f(r_<, X) +
// Z_<·X(1 − X)·ŝ(X), Z_< = Π_{i<n−1} r_i(1 − r_i), ŝ the mask bound at
// r_{rv..n−2} (a constant when c = 0). Every round is sent by its values
// at 0..d, d = vanishingDegree(c), the degree of the last round and of the
// mask g. It fills g's Rounds, Finals (V_c, finalWeight) and Mask and
// returns ρ and the weights of the V_c's opening. Work: the 2^n·8
// multiplications per table of [reduce] plus 2^c·8 for E'·s.
func reduceVanishing(tr *transcript.Transcript, claim fr.Element, in *vanishingIn, mask *sumcheck.Mask, g *Group) ([]fr.Element, []pcs.Weight, error) {
	n, rv := in.es[0].NumVars(), in.rv
	d := vanishingDegree(n - rv)
	start(tr, claim, n, len(in.es))
	if mask != nil {
		g.Mask = &Mask{Com: mask.Commitment(), Sum: mask.Sum()}
		absorbMask(tr, g.Mask)
		mask.Start(tr.Challenge("batch/rho"))
	}
	var k fr.Element // Σ_c ⟨E'_c, s_c⟩, the mask term while row variables are free
	for c := range in.eps {
		ip := mle.Inner(in.eps[c], in.ss[c])
		k.Add(&k, &ip)
	}
	one := fr.One()
	row0, zp := one, one // eq(r_row bound so far, 0); Z over r_0..r_{j−1}, j < n−1
	g.Rounds = make([][]fr.Element, n)
	rho := make([]fr.Element, n)
	for j := 0; j < n; j++ {
		vals := make([]fr.Element, d+1)
		if j < n-1 {
			var p [3]fr.Element
			for c := range in.es {
				add3(&p, pairSums(in.es[c], in.fs[c]), one)
			}
			if j < rv {
				var t fr.Element
				t.Mul(&row0, &k)
				p[0].Add(&p[0], &t)
				p[2].Sub(&p[2], &t) // (1 − X) at 0, 1, 2: 1, 0, −1
			} else {
				for c := range in.eps {
					add3(&p, pairSums(in.eps[c], in.ss[c]), row0)
				}
			}
			extend2(vals, p)
		} else {
			for c := range in.es {
				lastRound(vals, in.es[c], in.fs[c], in.eps[c], in.ss[c], row0, zp, n-rv > 0)
			}
		}
		if mask != nil {
			mask.AddRound(vals)
		}
		tr.AppendElements("batch/round", vals...)
		r := tr.Challenge("batch/r")
		for c := range in.es {
			in.es[c], in.fs[c] = in.es[c].Fold(r), in.fs[c].Fold(r)
		}
		var t fr.Element
		if j < rv {
			row0.Mul(&row0, t.Sub(&one, &r))
		} else {
			for c := range in.eps {
				in.eps[c], in.ss[c] = in.eps[c].Fold(r), in.ss[c].Fold(r)
			}
		}
		if j < n-1 {
			t.Sub(&one, &r).Mul(&t, &r)
			zp.Mul(&zp, &t)
		}
		if mask != nil {
			mask.Bind(r)
		}
		g.Rounds[j], rho[j] = vals, r
	}
	if n == 0 {
		g.Rounds = nil
	}
	zRho := pcs.Vanishing(rho)
	weights := make([]pcs.Weight, len(in.es))
	g.Finals = make([]fr.Element, len(in.es))
	for c := range in.es {
		weights[c], _ = finalWeight(in.es[c][0], in.eps[c][0], row0, zRho)
		var a, b fr.Element
		a.Mul(&weights[c].Data, &in.fs[c][0])
		b.Mul(&weights[c].Mask, &in.ss[c][0])
		g.Finals[c].Add(&a, &b)
	}
	tr.AppendElements("batch/finals", g.Finals...)
	if mask != nil {
		g.Mask.Value = mask.Value()
		tr.AppendElements("batch/maskvalue", g.Mask.Value)
		var err error
		if g.Mask.Open, err = mask.Open(tr); err != nil {
			return nil, nil, err
		}
	}
	return rho, weights, nil
}

// pairSums returns Σ_i (a·b)(X) at X = 0, 1, 2 over the pairs (i, i + h)
// of the tables' first variable.
func pairSums(a, b mle.Table) [3]fr.Element {
	h := len(a) / 2
	var out [3]fr.Element
	var mu sync.Mutex
	par.For(h, 1<<11, func(lo, hi int) {
		var local [3]fr.Element
		var da, db, va, vb, p fr.Element
		for i := lo; i < hi; i++ {
			da.Sub(&a[i+h], &a[i])
			db.Sub(&b[i+h], &b[i])
			va, vb = a[i], b[i]
			for t := 0; t < 3; t++ {
				if t > 0 {
					va.Add(&va, &da)
					vb.Add(&vb, &db)
				}
				p.Mul(&va, &vb)
				local[t].Add(&local[t], &p)
			}
		}
		mu.Lock()
		add3(&out, local, fr.One())
		mu.Unlock()
	})
	return out
}

// add3 sets p += k·q.
func add3(p *[3]fr.Element, q [3]fr.Element, k fr.Element) {
	var t fr.Element
	for i := range p {
		p[i].Add(&p[i], t.Mul(&q[i], &k))
	}
}

// extend2 writes a polynomial of degree ≤ 2 given at 0, 1, 2 as its values
// at 0..len(out)−1 (a third finite difference of zero:
// p(x) = p(x−3) − 3·p(x−2) + 3·p(x−1)).
func extend2(out []fr.Element, p [3]fr.Element) {
	copy(out, p[:])
	var three fr.Element
	three.SetUint64(3)
	for x := 3; x < len(out); x++ {
		var a, b fr.Element
		a.Sub(&out[x-1], &out[x-2]).Mul(&a, &three)
		b.Add(&out[x-3], &a)
		out[x] = b
	}
}

// lastRound adds one table's last-round polynomial at X = 0..len(vals)−1:
// E(X)·(f(X) + Z_<·X(1 − X)·ŝ(X)) + mask term, with E, f of two entries;
// cols: ŝ, E' of two entries (the last variable is a column variable, mask
// term row0·E'(X)·ŝ(X)), else of one (the last variable is a row variable:
// mask term row0·(1 − X)·E'·s).
func lastRound(vals []fr.Element, e, f, ep, s mle.Table, row0, zp fr.Element, cols bool) {
	one := fr.One()
	lin := func(t mle.Table, x fr.Element) fr.Element {
		if len(t) == 1 {
			return t[0]
		}
		var d fr.Element
		d.Sub(&t[1], &t[0]).Mul(&d, &x).Add(&d, &t[0])
		return d
	}
	for i := range vals {
		var x, zx, t fr.Element
		x.SetUint64(uint64(i))
		ex, fx, sx := lin(e, x), lin(f, x), lin(s, x)
		zx.Sub(&one, &x).Mul(&zx, &x).Mul(&zx, &zp).Mul(&zx, &sx)
		fx.Add(&fx, &zx)
		t.Mul(&ex, &fx)
		vals[i].Add(&vals[i], &t)
		var m fr.Element
		if cols {
			epx := lin(ep, x)
			m.Mul(&epx, &sx)
		} else {
			m.Sub(&one, &x).Mul(&m, &ep[0]).Mul(&m, &s[0])
		}
		m.Mul(&m, &row0)
		vals[i].Add(&vals[i], &m)
	}
}
