package sumcheck

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"
	"testing/cryptotest"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// seededTables returns d tables of 2^n entries drawn from a fixed stream.
func seededTables(rng *rand.ChaCha8, d, n int) []mle.Table {
	ts := make([]mle.Table, d)
	for k := range ts {
		ts[k] = make(mle.Table, 1<<n)
		for i := range ts[k] {
			var b [32]byte
			rng.Read(b[:])
			ts[k][i].SetBytes(b[:])
		}
	}
	return ts
}

// digestProof hashes every field of a proof: rounds (with their lengths),
// finals, tail, and the mask's commitment, sum, value and opening.
func digestProof(p Proof) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d|", len(p.Rounds))
	for _, g := range p.Rounds {
		fmt.Fprintf(h, "%d:", len(g))
		for _, v := range g {
			b := v.Bytes()
			h.Write(b[:])
		}
	}
	for _, v := range p.Finals {
		b := v.Bytes()
		h.Write(b[:])
	}
	if p.Tail != nil {
		b := p.Tail.Bytes()
		h.Write(b[:])
	}
	if m := p.Mask; m != nil {
		fmt.Fprintf(h, "mask %v %v %v %v", m.Com, m.Sum.Bytes(), m.Value.Bytes(), m.Open)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// goldenProofs proves sumCases (and Prove/ProveMasked instances) from a
// fixed randomness source (crypto/rand included: the masks, g and the
// hiding commitments' seeds) and returns one digest per case.
func goldenProofs(t *testing.T) map[string]string {
	cryptotest.SetGlobalRandom(t, 22)
	rng := rand.NewChaCha8([32]byte{22})
	out := map[string]string{}
	cases := append(append([]sumCase(nil), sumCases...),
		sumCase{"rescale-like", 5, 5, [][]int{{0, 1}, {0, 2}, {0, 3, 3}, {0, 3, 2}, {0, 4}}, map[int]int{1: 3, 2: 3, 3: 3, 4: 3}, -1})
	for _, c := range cases {
		for _, zk := range []bool{false, true} {
			in := Instance{Tables: seededTables(rng, c.m, c.n)}
			for ti, f := range c.terms {
				term := Term{Factors: f}
				term.Coef.SetUint64(uint64(3 + ti))
				in.Terms = append(in.Terms, term)
			}
			if c.masked != nil {
				in.Masks = make([][]fr.Element, c.m)
				for k := range c.m {
					if cv, ok := c.masked[k]; ok {
						in.Masks[k] = seededTables(rng, 1, cv)[0]
					}
				}
			}
			if c.tail >= 0 {
				pt := seededTables(rng, 1, c.tail)[0][:c.tail]
				in.Tail = &Tail{Coef: fr.NewElement(7), Point: pt, S: seededTables(rng, 1, c.tail)[0]}
			}
			claim := sumOf(in)
			p, _, err := proveSum(transcript.New("g"), claim, in, zk, maskParams)
			if err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("%s/zk=%v", c.name, zk)] = digestProof(p)
		}
	}
	// A span (fc20c57): table 1 committed over its last 2 of 4 variables.
	for _, zk := range []bool{false, true} {
		ts := seededTables(rng, 2, 4)
		small := seededTables(rng, 1, 2)[0]
		for i := range ts[1] {
			ts[1][i] = small[i%4]
		}
		in := Instance{Tables: ts, Masks: [][]fr.Element{nil, seededTables(rng, 1, 1)[0]}, Spans: []int{0, 2}, Terms: []Term{{Coef: fr.One(), Factors: []int{0, 1}}}}
		p, _, err := proveSum(transcript.New("g"), sumOf(in), in, zk, maskParams)
		if err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("span/zk=%v", zk)] = digestProof(p)
	}
	for _, d := range []int{1, 2, 3} {
		ts := seededTables(rng, d, 4)
		p, _, _, err := Prove(transcript.New("g"), sumProd(ts), clone(ts))
		if err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("Prove/d%d", d)] = digestProof(p)
		pm, _, err := proveMasked(transcript.New("g"), sumProd(ts), ts, maskParams)
		if err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("ProveMasked/d%d", d)] = digestProof(pm)
	}
	return out
}

// golden are goldenProofs' digests at fc20c57 (every round sent at the
// largest degree under zk), the reference for proofs that must not change.
var golden = map[string]string{
	"Prove/d1":                        "a76b5cb76fdc1a1c",
	"Prove/d2":                        "e63acf05515193f0",
	"Prove/d3":                        "04658fbb9ff186f4",
	"ProveMasked/d1":                  "f41e012eecc66749",
	"ProveMasked/d2":                  "574ca74bf51c5b0f",
	"ProveMasked/d3":                  "0c9e1b7b0aeb564a",
	"degrees 1 to 4/zk=false":         "08fb2ff8fbb42a7a",
	"degrees 1 to 4/zk=true":          "0c4bcf525f4fb000",
	"masked c<n/zk=false":             "5b6dfbfb36115188",
	"masked c<n/zk=true":              "c49338569d06d922",
	"masked c=0/zk=false":             "80347e1236f85262",
	"masked c=0/zk=true":              "a589acb7da070288",
	"masked c=n, two/zk=false":        "39c6f91f3b23c316",
	"masked c=n, two/zk=true":         "a401939a0a49768c",
	"masked n=1/zk=false":             "4ca91983901eb86f",
	"masked n=1/zk=true":              "79307b1ed9aa942b",
	"masked square/zk=false":          "2458a6a4f69d3b5e",
	"masked square/zk=true":           "f6a96fb7d617fd06",
	"n=0/zk=false":                    "2706e65945ca9766",
	"n=0/zk=true":                     "091bab0544214f7d",
	"n=1/zk=false":                    "b0435414b42465de",
	"n=1/zk=true":                     "4074b278044430d0",
	"one product/zk=false":            "40329e8ea9321efc",
	"one product/zk=true":             "5b48f8e975edeae5",
	"rescale-like/zk=false":           "f18ce7590605c3b4",
	"rescale-like/zk=true":            "57d8c059c3468f3a",
	"shared tables/zk=false":          "23564e2bb026e117",
	"shared tables/zk=true":           "3b0d4b1c405157fa",
	"span/zk=false":                   "6027c5910d50206c",
	"span/zk=true":                    "8d2af0dfd8f4f052",
	"square/zk=false":                 "b2d60d423db8b8f2",
	"square/zk=true":                  "7858c80d20cf43ee",
	"tail c<n/zk=false":               "2393090ed2daf810",
	"tail c<n/zk=true":                "a175f526e307c138",
	"tail c=0/zk=false":               "3f2c7b1f0599111a",
	"tail c=0/zk=true":                "31dbc388512c57f7",
	"tail c=n/zk=false":               "986ae607bbc45fd1",
	"tail c=n/zk=true":                "dfd373b12a82ba9c",
	"tail c>n/zk=false":               "80bc84c73646bb0c",
	"tail c>n/zk=true":                "aa4f1580b9e8f905",
	"tail n=0/zk=false":               "ca9bccba9d169c80",
	"tail n=0/zk=true":                "53564b4cf7b63894",
	"tail n=1 c>n/zk=false":           "723a96c686d877cd",
	"tail n=1 c>n/zk=true":            "28a871422b8171f5",
	"tail n=1/zk=false":               "3f3199baba2f43be",
	"tail n=1/zk=true":                "daa18adca25ab79e",
	"tail, masked c=n/zk=false":       "34d8c8ac83294889",
	"tail, masked c=n/zk=true":        "338a5f585f96c913",
	"tail, masked, degree 1/zk=false": "5e674ed1a0cc89f8",
	"tail, masked, degree 1/zk=true":  "4c3580d04202feda",
}

// TestProofBytesGolden: proofs from a fixed randomness source, zk and not,
// masked factors, spans, tails, Prove and ProveMasked, hash to the golden
// digests (the round polynomials are computed at their own degree's points
// and extended by interpolation: the same polynomials, the same bytes).
func TestProofBytesGolden(t *testing.T) {
	got := goldenProofs(t)
	for k, want := range golden {
		if got[k] != want {
			t.Errorf("%s: proof digest %s, want %s", k, got[k], want)
		}
	}
	if len(got) != len(golden) {
		t.Errorf("%d proofs, %d golden digests", len(got), len(golden))
	}
	if t.Failed() {
		for k, v := range got {
			t.Logf("\t%q: %q,", k, v)
		}
	}
}
