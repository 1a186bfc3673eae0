package pcs

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/merkle"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// goldenTable is a table of 2^n entries drawn from a fixed PCG stream.
func goldenTable(n int, seed uint64) mle.Table {
	g := rand.New(rand.NewPCG(seed, 7))
	t := make(mle.Table, 1<<n)
	for i := range t {
		t[i].SetUint64(g.Uint64())
		if i%3 == 0 { // some entries of full size
			var x fr.Element
			x.SetUint64(g.Uint64())
			t[i].Mul(&t[i], &x)
		}
	}
	return t
}

func goldenPoint(n int, seed uint64) []fr.Element { return goldenTable(max(n, 0), seed)[:n] }

// digest hashes what a proof carries of an opening, in order, and a
// challenge drawn after it (the transcript's state).
type digest struct{ h []byte }

func (d *digest) els(es ...fr.Element) {
	for i := range es {
		b := es[i].Bytes()
		d.h = append(d.h, b[:]...)
	}
}

func (d *digest) hashes(hs []merkle.Hash) {
	d.h = binary.BigEndian.AppendUint64(d.h, uint64(len(hs)))
	for _, h := range hs {
		d.h = append(d.h, h[:]...)
	}
}

func (d *digest) opening(op Opening) {
	d.els(op.U...)
	d.els(op.V...)
	for _, c := range op.Columns {
		d.els(c...)
	}
	d.hashes(op.Proof)
	d.els(op.Mask...)
}

func (d *digest) multi(op MultiOpening) {
	d.els(op.U...)
	d.els(op.V...)
	for c := range op.Columns {
		for _, col := range op.Columns[c] {
			d.els(col...)
		}
		d.hashes(op.Proofs[c])
	}
	d.els(op.Masks...)
}

func (d *digest) end(tr *transcript.Transcript) string {
	d.els(tr.Challenge("golden/end"))
	s := sha256.Sum256(d.h)
	return hex.EncodeToString(s[:])
}

// goldenProofs are the SHA-256 digests of the commitments and openings of
// TestProofBytesUnchanged, computed by the code that kept the encoded
// matrix (2d89403's pcs, columns copied from ProverData.cols): the pruned
// re-encoding at opening (columns.go) must give every byte of them. A
// protocol change that alters proofs on purpose updates them.
var goldenProofs = map[string]string{
	"binding 2^10 rv 3":                 "5272b3d8540c0cc26e8e16545b0459fc4ac37f5001a5e2b0805b0f05d93b529f",
	"binding 2^12 RowVars":              "35164c416e0cf114458390e7dfedbf95e513dcc4a7f7eac4c8f16009f1d2644d",
	"binding one row 2^6":               "2884823e31908cff02e90ee64f21c9099ba7c7ecf6b04c27f19a90c1677f3aa3",
	"binding one entry":                 "6b0a8295f69f8595326c70a636c99152e9844927e150aadc891849ad0788b17b",
	"hiding 2^10 rv 2":                  "1bf28e178222e7f89c1ad41f9abae27e3595abda2dd66c64b6f9615fbe32def8",
	"hiding one row 2^4":                "a7f6b99e03333275b431aa1c315e43d245ee62d82ccff8bfb8fe3481a1052bcc",
	"hiding rate 1/2, 30 queries, 2^9":  "bfd65e1b3df782e17a111415e397167a0f89abd51f1a205f411d710d19be8cc0",
	"vanishing 2^11 rv 3":               "bffb8e63c0e85fe58defcf793e9b8ab436757df48c65824d00504a605edab83f",
	"vanishing one entry":               "6ff5bb9ecf6542e7008b0ea38b0f3d0f0e35bda9ed27ff3cf908177bdb5e34be",
	"shared 2^13 RowVars":               "64028a1327d28b7be65532a7d747aa706b11bc2aab51ba5d459bb123581c39ca",
	"linear binding":                    "3be8a9dbb7b7e1a936012687b4e102f872e685fd3c84cb56bfe50e4814ec404a",
	"linear vanishing":                  "8a4fcec39ee285df165a10b55edf258a68447bff659399602267d6de6beb2783",
	"multi binding 3 × 2^10":            "ca7d0c898e1e7176c0feb9c4d17fd41436c5cfbe3fda3adb26fe439451e50637",
	"multi hiding 4 × 2^9":              "25593326bb235e0effd1fb6973134e220713f0376678bcbd3ecdf7da3aa12d96",
	"multi vanishing weighted 3 × 2^10": "2d9f571f3df586b1ca6c203d854b072fd0195f1f44d5bedd161889531e5347ff",
	"multi binding weighted 2 × 2^8":    "24a77665180b6edbe9761fd832f635d0444a83dff184544b4adc01641d69f1e5",
}

// TestProofBytesUnchanged: binding, hiding (seeded), seeded with a vanishing
// mask, shared shapes; Open, OpenLinear, OpenMulti, OpenMultiWeighted; with
// the encoded matrix recomputed at opening and with it kept.
func TestProofBytesUnchanged(t *testing.T) {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(3*i + 1)
	}
	commit := func(p Params, n, rv int, k uint64) *ProverData {
		t.Helper()
		s := seed
		s[0] = byte(k)
		var s2 *[32]byte
		if p.Hiding {
			s2 = &s
		}
		pd, err := commitShape(p, goldenTable(n, k), rv, s2)
		if err != nil {
			t.Fatal(err)
		}
		return pd
	}
	def := DefaultParams()
	hid := def
	hid.Hiding = true
	van := hid
	van.Vanishing = true
	shared := def
	shared.Shared = 8
	small := Params{RateLog: 1, Queries: 30, Hiding: true}
	type kase struct {
		name string
		run  func(d *digest, tr *transcript.Transcript)
	}
	open := func(p Params, n, rv int) func(d *digest, tr *transcript.Transcript) {
		return func(d *digest, tr *transcript.Transcript) {
			pd := commit(p, n, rv, uint64(n))
			d.hashes([]merkle.Hash{pd.Commitment().Root})
			val, op, _, err := pd.Open(tr, goldenPoint(n, 99))
			if err != nil {
				t.Fatal(err)
			}
			d.els(val)
			d.opening(op)
		}
	}
	multi := func(p Params, n, rv, k int, weighted bool) func(d *digest, tr *transcript.Transcript) {
		return func(d *digest, tr *transcript.Transcript) {
			pds := make([]*ProverData, k)
			w := make([]Weight, k)
			for c := range pds {
				pds[c] = commit(p, n, rv, uint64(10+c))
				d.hashes([]merkle.Hash{pds[c].Commitment().Root})
				w[c].Data.SetUint64(uint64(c + 2))
				if p.Vanishing {
					w[c].Mask.SetUint64(uint64(5 * c))
				}
			}
			var vals []fr.Element
			var op MultiOpening
			var err error
			if weighted {
				vals, op, err = OpenMultiWeighted(tr, pds, goldenPoint(n, 98), w)
			} else {
				vals, op, err = OpenMulti(tr, pds, goldenPoint(n, 98))
			}
			if err != nil {
				t.Fatal(err)
			}
			d.els(vals...)
			d.multi(op)
		}
	}
	cases := []kase{
		{"binding 2^10 rv 3", open(def, 10, 3)},
		{"binding 2^12 RowVars", open(def, 12, RowVars(12, def))},
		{"binding one row 2^6", open(def, 6, 0)},
		{"binding one entry", open(def, 0, 0)},
		{"hiding 2^10 rv 2", open(hid, 10, 2)},
		{"hiding one row 2^4", open(hid, 4, 0)},
		{"hiding rate 1/2, 30 queries, 2^9", open(small, 9, 1)},
		{"vanishing 2^11 rv 3", open(van, 11, 3)},
		{"vanishing one entry", open(van, 0, 0)},
		{"shared 2^13 RowVars", open(shared, 13, RowVars(13, shared))},
		{"linear binding", func(d *digest, tr *transcript.Transcript) {
			pd := commit(def, 7, 0, 3)
			val, op, err := pd.OpenLinear(tr, goldenTable(7, 4))
			if err != nil {
				t.Fatal(err)
			}
			d.els(val)
			d.opening(op)
		}},
		{"linear vanishing", func(d *digest, tr *transcript.Transcript) {
			pd := commit(van, 6, 0, 5)
			val, op, err := pd.OpenLinear(tr, goldenTable(6, 6))
			if err != nil {
				t.Fatal(err)
			}
			d.els(val)
			d.opening(op)
		}},
		{"multi binding 3 × 2^10", multi(def, 10, 3, 3, false)},
		{"multi hiding 4 × 2^9", multi(hid, 9, 2, 4, false)},
		{"multi vanishing weighted 3 × 2^10", multi(van, 10, 3, 3, true)},
		{"multi binding weighted 2 × 2^8", multi(def, 8, 2, 2, true)},
	}
	// Budget 0: every opening recomputes its columns; a large budget: every
	// commitment keeps its matrix and no opening recomputes (retain.go).
	for _, budget := range []int64{0, 1 << 40} {
		old := SetRetainBudget(budget)
		before := recomputes.Load()
		for _, c := range cases {
			d := &digest{}
			tr := transcript.New("golden")
			c.run(d, tr)
			got := d.end(tr)
			if want, ok := goldenProofs[c.name]; !ok {
				t.Errorf("%s: no golden digest (got %s)", c.name, got)
			} else if got != want {
				t.Errorf("budget %d, %s: proof digest %s, want %s (the bytes of the commit that kept the encoded matrix)", budget, c.name, got, want)
			}
		}
		SetRetainBudget(old)
		if n := recomputes.Load() - before; (budget == 0) != (n > 0) {
			t.Errorf("budget %d: %d openings recomputed their columns", budget, n)
		}
	}
}
