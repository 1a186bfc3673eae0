package weightpack

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/poseidon2gkr"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

func init() { sumcheck.MaskParams = pcs.Params{RateLog: 1, Queries: 16, Hiding: true} }

var modes = []struct {
	name string
	p    pcs.Params
}{
	{"binding", pcs.Params{RateLog: 1, Queries: 16}},
	{"zk", pcs.Params{RateLog: 1, Queries: 16, Hiding: true, Vanishing: true}},
}

// weights returns random tables of 2^vars[t] entries in [−2^(b−1), 2^(b−1))
// ([−2^(2b−1), 2^(2b−1)) for a wide one, its first two entries the ends)
// and the salt's table of seed 1, the salt's last.
func weights(l *Layout, seed uint64) []mle.Table {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]mle.Table, l.Inputs())
	for t := range l.Inputs() - 1 {
		half := int64(1) << (l.Bits - 1)
		if l.Wide[t] {
			half = int64(1) << (2*l.Bits - 1)
		}
		out[t] = make(mle.Table, 1<<l.In[t])
		for y := range out[t] {
			out[t][y].SetInt64(rng.Int64N(2*half) - half)
		}
		if l.Wide[t] && len(out[t]) > 1 {
			out[t][0].SetInt64(-half)
			out[t][1].SetInt64(half - 1)
		}
	}
	out[len(out)-1] = l.SaltTable([32]byte{1})
	return out
}

// run commits committed (the tables) and leaves, proves with the prover's
// view sum (nil: committed) under ch and verifies; edit may alter the
// proof. It returns the prover's or the verifier's error.
func run(t *testing.T, p pcs.Params, l *Layout, committed []mle.Table, leaves mle.Table, ch cheats, edit func(*Proof)) error {
	t.Helper()
	data := make([]*pcs.ProverData, len(committed))
	coms := make([]pcs.Commitment, len(committed))
	var err error
	for i, tab := range committed {
		if data[i], err = pcs.Commit(p, tab); err != nil {
			t.Fatal(err)
		}
		coms[i] = data[i].Commitment()
	}
	ld, err := pcs.Commit(p, leaves)
	if err != nil {
		t.Fatal(err)
	}
	bp, bv := batch.NewProver(), batch.NewVerifier()
	ptr, vtr := transcript.New("t"), transcript.New("t")
	proof, err := prove(ptr, p, l, data, committed, ld, bp, ch)
	if err != nil {
		return fmt.Errorf("prover: %v", err)
	}
	bproof, err := bp.Prove(ptr)
	if err != nil {
		return fmt.Errorf("batch prover: %v", err)
	}
	if edit != nil {
		edit(&proof)
	}
	if err := Verify(vtr, p, l, coms, ld.Commitment(), proof, bv); err != nil {
		return err
	}
	return bv.Verify(vtr, p, bproof)
}

// shapes: table variables. Under zero knowledge a table of one variable (2
// columns) cannot take its two claims (range, packing) and the batch's
// reduction: its vanishing mask hides 2 forms (docs/TRANSPARENT.md).
var shapes = [][]int{{0}, {3, 0}, {6}, {5, 2, 4, 0}, {6, 3, 6, 2}}

// testBits keeps the range tables small (2^8 entries); TestPack runs one
// shape at DefaultBits.
const testBits = 8

// wideShapes: shapes with wide tables (accumulator-scale biases).
var wideShapes = []struct {
	vars []int
	wide []bool
}{{[]int{5, 2, 4, 0}, []bool{false, true, false, true}}, {[]int{3}, []bool{true}}, {[]int{6, 3}, []bool{true, true}}}

// validShapes: tables with padding (valid rectangles), narrow and wide.
var validShapes = []struct {
	vars  []int
	wide  []bool
	valid []Valid
}{
	{[]int{6, 3}, nil, []Valid{{Rows: 5, Cols: 7, ColVars: 3}, {Rows: 1, Cols: 5, ColVars: 3}}},
	{[]int{5, 3, 2}, []bool{false, true, false}, []Valid{{Rows: 3, Cols: 6, ColVars: 3}, {Rows: 1, Cols: 6, ColVars: 3}, {}}},
}

func TestPack(t *testing.T) {
	for _, md := range modes {
		for _, vs := range validShapes {
			t.Run(fmt.Sprintf("%s/%v/wide%v/valid%v", md.name, vs.vars, vs.wide, vs.valid), func(t *testing.T) {
				l, err := NewLayoutValid(vs.vars, vs.wide, vs.valid, testBits)
				if err != nil {
					t.Fatal(err)
				}
				w := weights(l, 1)
				zeroPadding(l, w)
				if err := run(t, md.p, l, w, mustLeaves(l, w), cheats{}, nil); err != nil {
					t.Fatal(err)
				}
			})
		}
		for _, ws := range wideShapes {
			t.Run(fmt.Sprintf("%s/%v/wide%v", md.name, ws.vars, ws.wide), func(t *testing.T) {
				l, err := NewLayoutWide(ws.vars, ws.wide, testBits)
				if err != nil {
					t.Fatal(err)
				}
				w := weights(l, 1)
				leaves, err := l.Leaves(w)
				if err != nil {
					t.Fatal(err)
				}
				if err := run(t, md.p, l, w, leaves, cheats{}, nil); err != nil {
					t.Fatal(err)
				}
			})
		}
		for i, vars := range shapes {
			bits := testBits
			if i == len(shapes)-1 {
				bits = DefaultBits
			}
			t.Run(fmt.Sprintf("%s/%v/b=%d", md.name, vars, bits), func(t *testing.T) {
				l, err := NewLayout(vars, bits)
				if err != nil {
					t.Fatal(err)
				}
				w := weights(l, 1)
				leaves, err := l.Leaves(w)
				if err != nil {
					t.Fatal(err)
				}
				if err := run(t, md.p, l, w, leaves, cheats{}, nil); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestLayout: placement by decreasing size at aligned offsets, the salt's
// last column, and leaves decoded back to the entries (injectivity).
func TestLayout(t *testing.T) {
	l, err := NewLayout([]int{3, 6, 0, 6}, 15)
	if err != nil {
		t.Fatal(err)
	}
	if l.SlotVars != 4 || l.LeafVars != 4 || fmt.Sprint(l.Offsets) != "[144 0 152 64 128]" || l.In[4] != 4 {
		t.Fatalf("layout s=%d m=%d offsets %v", l.SlotVars, l.LeafVars, l.Offsets)
	}
	for _, c := range []struct{ bits, s int }{{16, 3}, {15, 4}, {8, 4}, {7, 5}, {2, 6}} {
		if l, _ := NewLayout([]int{1}, c.bits); l.SlotVars != c.s {
			t.Errorf("%d bits: %d slot variables, want %d", c.bits, l.SlotVars, c.s)
		}
	}
	decodes := func(l *Layout, w []mle.Table) {
		t.Helper()
		leaves, err := l.Leaves(w)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for t0, tab := range w {
			l.place(t0, func(y, x int) {
				n++
				b := leaves[x&(1<<l.LeafVars-1)].BigInt(new(big.Int))
				limb := new(big.Int).And(new(big.Int).Rsh(b, uint(l.Bits*(x>>l.LeafVars))), new(big.Int).SetInt64(1<<l.Bits-1)).Int64() - 1<<(l.Bits-1)
				var e fr.Element
				e.SetInt64(limb)
				if !e.Equal(&tab[y]) {
					t.Fatalf("table %d entry %d does not decode from its leaf", t0, y)
				}
			})
		}
		if want := l.valid(); n != want {
			t.Fatalf("%d entries placed, want %d", n, want)
		}
	}
	decodes(l, weights(l, 3))
	// Valid rectangles: a 4×8 table of 3×5 valid entries (rows 2 + 1 by
	// columns 4 + 1: 4 blocks), a vector of 3 of 4; the padding packs
	// nowhere: changing it changes no leaf.
	lv, err := NewLayoutValid([]int{5, 2}, nil, []Valid{{Rows: 3, Cols: 5, ColVars: 3}, {Rows: 1, Cols: 3, ColVars: 2}}, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(lv.Blocks[0]) != 4 || len(lv.Blocks[1]) != 2 || lv.valid() != 15+3+32 {
		t.Fatalf("blocks %v", lv.Blocks)
	}
	wv := weights(lv, 3)
	zeroPadding(lv, wv)
	decodes(lv, wv)
	a, _ := lv.Leaves(wv)
	wv[0][7].SetInt64(9) // row 0, column 7: padding
	if b, _ := lv.Leaves(wv); !slicesEqual(a, b) {
		t.Fatal("a padding entry changes the leaves")
	}
	for _, bad := range []Valid{{Rows: 5, Cols: 1, ColVars: 3}, {Rows: 1, Cols: 9, ColVars: 3}, {Rows: 0, Cols: 1, ColVars: 3}, {Rows: 1, Cols: 1, ColVars: 6}} {
		if _, err := NewLayoutValid([]int{5}, nil, []Valid{bad}, 8); err == nil {
			t.Errorf("valid rectangle %v of a 2^5 table accepted", bad)
		}
	}
	// Wide tables: limbs in range, w = lo + 2^b·hi + 2^(b−1), the ends of
	// the 2b-bit range included (weights' first two entries), one past refused.
	lw, err := NewLayoutWide([]int{4, 2}, []bool{true, false}, 8)
	if err != nil || fmt.Sprint(lw.Slots) != "[[0 1] [2] [3]]" {
		t.Fatalf("wide layout %v: %v", lw.Slots, err)
	}
	ww := weights(lw, 4)
	slots, err := lw.slotTables(ww)
	if err != nil {
		t.Fatal(err)
	}
	for y := range ww[0] {
		lo, _ := signed(slots[0][y], 128)
		hi, ok := signed(slots[1][y], 128)
		w, _ := signed(ww[0][y], 1<<15)
		if !ok || lo < -128 || lo >= 128 || hi < -128 || lo+256*hi+128 != w {
			t.Fatalf("entry %d = %d split into %d, %d", y, w, lo, hi)
		}
	}
	for _, v := range []int64{1 << 15, -1<<15 - 1} {
		bad := append([]mle.Table(nil), ww...)
		bad[0] = append(mle.Table(nil), ww[0]...)
		bad[0][2].SetInt64(v)
		if _, err := lw.Leaves(bad); err == nil {
			t.Errorf("wide entry %d packed", v)
		}
	}
	for _, bad := range [][]int{nil, {-1}, {31}} {
		if _, err := NewLayout(bad, 15); err == nil {
			t.Errorf("layout of %v accepted", bad)
		}
	}
	if _, err := NewLayout([]int{1}, 17); err == nil {
		t.Error("17-bit entries accepted")
	}
}

func TestRejected(t *testing.T) {
	set := func(tab mle.Table, y int, v int64) mle.Table {
		out := append(mle.Table(nil), tab...)
		out[y].SetInt64(v)
		return out
	}
	for _, md := range modes {
		vars := []int{5, 2, 0}
		l, _ := NewLayout(vars, testBits)
		w := weights(l, 2)
		const half = 1 << (testBits - 1)
		leaves, _ := l.Leaves(w)
		with := func(t0 int, tab mle.Table) []mle.Table {
			out := append([]mle.Table(nil), w...)
			out[t0] = tab
			return out
		}
		var one fr.Element
		one.SetOne()
		cases := []struct {
			name      string
			committed []mle.Table
			leaves    mle.Table
			edit      func(*Proof)
			want      string
		}{
			{"wrong weight", with(0, set(w[0], 7, 5)), leaves, nil, ""},
			{"wrong bias", with(2, set(w[2], 0, -3)), leaves, nil, ""},
			{"wrong salt", with(3, set(w[3], 1, 9)), leaves, nil, ""},
			{"tampered leaf", w, set(leaves, 2, 11), nil, ""},
			{"weight 2^(b-1)", with(0, set(w[0], 3, half)), mustLeaves(l, with(0, set(w[0], 3, half))), nil, "range"},
			{"weight -2^(b-1)-1 (p - 2^(b-1) - 1)", with(1, set(w[1], 0, -half-1)), mustLeaves(l, with(1, set(w[1], 0, -half-1))), nil, "range"},
			{"tampered final", w, leaves, func(p *Proof) { p.Sumcheck.Finals[1].Add(&p.Sumcheck.Finals[1], &one) }, ""},
			{"tampered leaves' final", w, leaves, func(p *Proof) { f := p.Sumcheck.Finals; f[len(f)-1].Add(&f[len(f)-1], &one) }, ""},
			{"tampered coefficient", w, leaves, func(p *Proof) { p.Sumcheck.Finals[2].Add(&p.Sumcheck.Finals[2], &one) }, ""},
			{"tampered round", w, leaves, func(p *Proof) { r := p.Sumcheck.Rounds[0]; r[0].Add(&r[0], &one) }, ""},
			{"range commitment dropped", w, leaves, func(p *Proof) { p.H = p.H[:len(p.H)-1] }, ""},
			{"range multiplicities of another table", w, leaves, func(p *Proof) { p.M = p.G }, ""},
			{"range fractions of another table", w, leaves, func(p *Proof) { p.H[0] = p.G }, ""},
		}
		for _, c := range cases {
			t.Run(md.name+"/"+c.name, func(t *testing.T) {
				err := run(t, md.p, l, c.committed, c.leaves, cheats{}, c.edit)
				if err == nil {
					t.Fatal("accepted")
				}
				if c.want != "" && !strings.Contains(err.Error(), c.want) {
					t.Fatalf("rejected for another reason: %v", err)
				}
			})
		}
	}
}

// TestWideRejected: a wrong entry of a wide table under the committed
// leaves, and limbs that are not the committed table's.
func TestWideRejected(t *testing.T) {
	for _, md := range modes {
		l, _ := NewLayoutWide([]int{5, 3}, []bool{false, true}, testBits)
		w := weights(l, 6)
		leaves := mustLeaves(l, w)
		other := append([]mle.Table(nil), w...)
		other[1] = append(mle.Table(nil), w[1]...)
		other[1][2].SetInt64(12345)
		t.Run(md.name+"/wrong wide entry", func(t *testing.T) {
			if err := run(t, md.p, l, other, leaves, cheats{}, nil); err == nil {
				t.Fatal("accepted")
			}
		})
		t.Run(md.name+"/limbs of another table", func(t *testing.T) {
			if err := run(t, md.p, l, w, mustLeaves(l, other), cheats{limbs: other}, nil); err == nil {
				t.Fatal("accepted")
			}
		})
		t.Run(md.name+"/limb commitment dropped", func(t *testing.T) {
			if err := run(t, md.p, l, w, leaves, cheats{}, func(p *Proof) { p.Limbs = p.Limbs[:1] }); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// zeroPadding zeroes every entry outside its table's valid rectangle.
func zeroPadding(l *Layout, w []mle.Table) {
	for t := range l.Inputs() - 1 {
		va := l.Valid[t]
		for y := range w[t] {
			if y>>va.ColVars >= va.Rows || y&(1<<va.ColVars-1) >= va.Cols {
				w[t][y] = fr.Element{}
			}
		}
	}
}

func mustLeaves(l *Layout, w []mle.Table) mle.Table {
	leaves, err := l.Leaves(w)
	if err != nil {
		panic(err)
	}
	return leaves
}

// TestChecksNeeded: each cheat is rejected, and accepted once its one check
// is deleted from prover and verifier (omit).
func TestChecksNeeded(t *testing.T) {
	l, _ := NewLayout([]int{6}, testBits) // table 0 fills slots 0..3 of 16 leaves
	w := weights(l, 4)
	leaves, _ := l.Leaves(w)
	// Limbs 0 and 1 of leaf 0 (entries 0 and 2^m): w_0 + 2^b, w_(2^m) − 1
	// pack to the same leaf: a collision without the range check.
	wrap := append(mle.Table(nil), w[0]...)
	var d fr.Element
	d.SetUint64(1 << l.Bits)
	wrap[0].Add(&wrap[0], &d)
	d.SetOne()
	wrap[1<<l.LeafVars].Sub(&wrap[1<<l.LeafVars], &d)
	if got := mustLeaves(l, []mle.Table{wrap, w[1]}); !slicesEqual(got, leaves) {
		t.Fatal("the wrapped table does not pack to the same leaves")
	}
	wrong := append(mle.Table(nil), w[0]...)
	wrong[5].Add(&wrong[5], &d)
	tampered := append(mle.Table(nil), leaves...)
	tampered[3].Add(&tampered[3], &d)
	cases := []struct {
		check     string
		committed []mle.Table
		leaves    mle.Table
		ch        cheats
	}{
		{"range", []mle.Table{wrap, w[1]}, leaves, cheats{}},
		{"table", []mle.Table{wrong, w[1]}, leaves, cheats{sum: w}},
		{"leaves", w, tampered, cheats{leaves: leaves}},
		{"coef", w, tampered, cheats{scaleE: true}},
		{"fractions", []mle.Table{wrap, w[1]}, leaves, cheats{forgeH: true}},
	}
	// Wide: limbs split from another table (packed into the leaves) with
	// W committed: only the limb relation catches it; the same with the
	// relation's W term run on the other table: only W's claim does.
	lw, _ := NewLayoutWide([]int{3}, []bool{true}, testBits)
	ww := weights(lw, 8)
	ow := append([]mle.Table(nil), ww...)
	ow[0] = append(mle.Table(nil), ww[0]...)
	ow[0][5].SetInt64(-777)
	type wcase struct {
		check     string
		l         *Layout
		committed []mle.Table
		leaves    mle.Table
		ch        cheats
	}
	var all []wcase
	for _, c := range cases {
		all = append(all, wcase{c.check, l, c.committed, c.leaves, c.ch})
	}
	// Padding: a nonzero entry outside a table's valid rectangle (in
	// range, packed nowhere, so the leaves are the honest ones), narrow
	// and wide; only the padding's zero-check catches it.
	for _, vs := range validShapes {
		lp, _ := NewLayoutValid(vs.vars, vs.wide, vs.valid, testBits)
		wp := weights(lp, 10)
		zeroPadding(lp, wp)
		leaves := mustLeaves(lp, wp)
		for t0, va := range lp.Valid[:len(vs.vars)] {
			if va.Rows*va.Cols == len(wp[t0]) {
				continue
			}
			bad := append([]mle.Table(nil), wp...)
			bad[t0] = append(mle.Table(nil), wp[t0]...)
			bad[t0][len(bad[t0])-1].SetInt64(3)
			all = append(all, wcase{"padding", lp, bad, leaves, cheats{}})
		}
	}
	all = append(all,
		wcase{"limbs", lw, ww, mustLeaves(lw, ow), cheats{limbs: ow}},
		wcase{"wide", lw, ww, mustLeaves(lw, ow), cheats{limbs: ow, wideSum: ow}})
	for _, md := range modes {
		for _, c := range all {
			l := c.l
			t.Run(md.name+"/"+c.check, func(t *testing.T) {
				if err := run(t, md.p, l, c.committed, c.leaves, c.ch, nil); err == nil {
					t.Fatal("the cheat is accepted with every check")
				}
				omit[c.check] = true
				defer delete(omit, c.check)
				if err := run(t, md.p, l, c.committed, c.leaves, c.ch, nil); err != nil {
					t.Fatalf("the cheat is rejected without the %s check: %v", c.check, err)
				}
			})
		}
	}
}

func slicesEqual(a, b mle.Table) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(&b[i]) {
			return false
		}
	}
	return true
}

// TestEndToEnd packs weights and proves the Merkle tree of the committed
// leaves (poseidon2gkr) in one batch: the root is Layout.Root's.
func TestEndToEnd(t *testing.T) {
	for _, md := range modes {
		t.Run(md.name, func(t *testing.T) {
			l, _ := NewLayout([]int{6, 3, 0}, testBits)
			w := weights(l, 5)
			want, err := l.Root(w)
			if err != nil {
				t.Fatal(err)
			}
			leaves, _ := l.Leaves(w)
			data := make([]*pcs.ProverData, len(w))
			coms := make([]pcs.Commitment, len(w))
			for i := range w {
				data[i], _ = pcs.Commit(md.p, w[i])
				coms[i] = data[i].Commitment()
			}
			ld, _ := pcs.Commit(md.p, leaves)
			bp, bv := batch.NewProver(), batch.NewVerifier()
			ptr, vtr := transcript.New("e2e"), transcript.New("e2e")
			pp, err := Prove(ptr, md.p, l, data, w, ld, bp)
			if err != nil {
				t.Fatal(err)
			}
			tp, root, err := poseidon2gkr.ProveTree(ptr, ld, bp)
			if err != nil {
				t.Fatal(err)
			}
			if !root.Equal(&want) {
				t.Fatal("the tree's root is not Layout.Root's")
			}
			bproof, err := bp.Prove(ptr)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(vtr, md.p, l, coms, ld.Commitment(), pp, bv); err != nil {
				t.Fatal(err)
			}
			if err := poseidon2gkr.VerifyTree(vtr, md.p, ld.Commitment(), want, tp, bv); err != nil {
				t.Fatal(err)
			}
			if err := bv.Verify(vtr, md.p, bproof); err != nil {
				t.Fatal(err)
			}
			// Another salt, another root; the same, the same.
			w2 := append([]mle.Table(nil), w...)
			w2[len(w2)-1] = l.SaltTable([32]byte{2})
			r2, _ := l.Root(w2)
			r1, _ := l.Root(w)
			if r2.Equal(&want) || !r1.Equal(&want) {
				t.Fatal("the root is not a function of the weights and the salt")
			}
		})
	}
}

// TestStreamSetAside: with a mask stream attached to the transcripts (as
// the chains attach theirs), the packing's sumcheck keeps its own Libra
// mask (the block prover cannot take a stream's slot): the proof verifies,
// the stream serves no slot, and it is attached again afterwards.
func TestStreamSetAside(t *testing.T) {
	p := modes[1].p
	l, _ := NewLayoutValid(validShapes[1].vars, validShapes[1].wide, validShapes[1].valid, testBits)
	w := weights(l, 12)
	zeroPadding(l, w)
	data := make([]*pcs.ProverData, len(w))
	coms := make([]pcs.Commitment, len(w))
	for i := range w {
		data[i], _ = pcs.Commit(p, w[i])
		coms[i] = data[i].Commitment()
	}
	ld, _ := pcs.Commit(p, mustLeaves(l, w))
	bp, bv := batch.NewProver(), batch.NewVerifier()
	ptr, vtr := transcript.New("s"), transcript.New("s")
	st, sv := sumcheck.NewMaskStream(sumcheck.StreamVars), sumcheck.NewStreamVerifier(sumcheck.StreamVars, nil)
	sumcheck.AttachStream(ptr, st)
	sumcheck.AttachStream(vtr, sv)
	proof, err := Prove(ptr, p, l, data, w, ld, bp)
	if err != nil {
		t.Fatal(err)
	}
	if ptr.Attached() != st || proof.Sumcheck.Mask == nil || proof.Sumcheck.Mask.Com == (pcs.Commitment{}) {
		t.Fatal("the stream is not attached again, or the packing's mask is not its own")
	}
	sumcheck.DetachStream(ptr)
	bproof, err := bp.Prove(ptr)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(vtr, p, l, coms, ld.Commitment(), proof, bv); err != nil {
		t.Fatal(err)
	}
	if vtr.Attached() != sv {
		t.Fatal("the verifier's stream is not attached again")
	}
	sumcheck.DetachStream(vtr)
	if err := bv.Verify(vtr, p, bproof); err != nil {
		t.Fatal(err)
	}
}
