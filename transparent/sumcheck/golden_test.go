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
	rng := rand.NewChaCha8([32]byte{22})
	out := map[string]string{}
	// Each proof draws from its own fixed crypto/rand stream, so that a
	// proof drawing fewer mask coefficients does not shift the others'.
	prove := func(name string, f func() (Proof, error)) {
		t.Run(name, func(t *testing.T) {
			cryptotest.SetGlobalRandom(t, 22)
			p, err := f()
			if err != nil {
				t.Fatal(err)
			}
			out[name] = digestProof(p)
		})
	}
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
			prove(fmt.Sprintf("%s/zk=%v", c.name, zk), func() (Proof, error) {
				p, _, err := proveSum(transcript.New("g"), sumOf(in), in, zk, maskParams)
				return p, err
			})
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
		prove(fmt.Sprintf("span/zk=%v", zk), func() (Proof, error) {
			p, _, err := proveSum(transcript.New("g"), sumOf(in), in, zk, maskParams)
			return p, err
		})
	}
	for _, d := range []int{1, 2, 3} {
		ts := seededTables(rng, d, 4)
		prove(fmt.Sprintf("Prove/d%d", d), func() (Proof, error) {
			p, _, _, err := Prove(transcript.New("g"), sumProd(ts), clone(ts))
			return p, err
		})
		prove(fmt.Sprintf("ProveMasked/d%d", d), func() (Proof, error) {
			p, _, err := proveMasked(transcript.New("g"), sumProd(ts), clone(ts), maskParams)
			return p, err
		})
	}
	return out
}

// golden are goldenProofs' digests at fc20c57 (every round sent at the
// largest degree under zk), the reference for proofs that must not change.
var golden = map[string]string{
	"Prove/d1":                        "a76b5cb76fdc1a1c",
	"Prove/d2":                        "e63acf05515193f0",
	"Prove/d3":                        "04658fbb9ff186f4",
	"ProveMasked/d1":                  "f56aacaa1a367f42",
	"ProveMasked/d2":                  "82454c915b56f1be",
	"ProveMasked/d3":                  "17d36a0e88937917",
	"degrees 1 to 4/zk=false":         "08fb2ff8fbb42a7a",
	"degrees 1 to 4/zk=true":          "aed7ae53dec31c7e",
	"masked c<n/zk=false":             "5b6dfbfb36115188",
	"masked c<n/zk=true":              "63f6a503272eba14",
	"masked c=0/zk=false":             "80347e1236f85262",
	"masked c=0/zk=true":              "212e3054fc0b917f",
	"masked c=n, two/zk=false":        "39c6f91f3b23c316",
	"masked c=n, two/zk=true":         "d07f18e8cac3541f",
	"masked n=1/zk=false":             "4ca91983901eb86f",
	"masked n=1/zk=true":              "39812c678fb692cc",
	"masked square/zk=false":          "2458a6a4f69d3b5e",
	"masked square/zk=true":           "858ef3af61fa492f",
	"n=0/zk=false":                    "2706e65945ca9766",
	"n=0/zk=true":                     "091bab0544214f7d",
	"n=1/zk=false":                    "b0435414b42465de",
	"n=1/zk=true":                     "5011f27f998361a0",
	"one product/zk=false":            "40329e8ea9321efc",
	"one product/zk=true":             "5b48f8e975edeae5",
	"rescale-like/zk=false":           "f18ce7590605c3b4",
	"rescale-like/zk=true":            "a3154a3884acf95c",
	"shared tables/zk=false":          "23564e2bb026e117",
	"shared tables/zk=true":           "55801c65a638dfb4",
	"span/zk=false":                   "6027c5910d50206c",
	"span/zk=true":                    "fb3163570e081389",
	"square/zk=false":                 "b2d60d423db8b8f2",
	"square/zk=true":                  "a16be9f284cb333a",
	"tail c<n/zk=false":               "2393090ed2daf810",
	"tail c<n/zk=true":                "38d1dee20731c7fa",
	"tail c=0/zk=false":               "3f2c7b1f0599111a",
	"tail c=0/zk=true":                "3cac84c850e03713",
	"tail c=n/zk=false":               "986ae607bbc45fd1",
	"tail c=n/zk=true":                "04b1df43b2141d78",
	"tail c>n/zk=false":               "80bc84c73646bb0c",
	"tail c>n/zk=true":                "197598a99b1f7164",
	"tail n=0/zk=false":               "ca9bccba9d169c80",
	"tail n=0/zk=true":                "53564b4cf7b63894",
	"tail n=1 c>n/zk=false":           "723a96c686d877cd",
	"tail n=1 c>n/zk=true":            "8a21601c61c64b12",
	"tail n=1/zk=false":               "3f3199baba2f43be",
	"tail n=1/zk=true":                "18e8c9828fc62376",
	"tail, masked c=n/zk=false":       "34d8c8ac83294889",
	"tail, masked c=n/zk=true":        "8256f79361594749",
	"tail, masked, degree 1/zk=false": "5e674ed1a0cc89f8",
	"tail, masked, degree 1/zk=true":  "5eaef0fba1471f9b",
}

// perRoundGolden are the digests that changed when each round of a zk
// proof got its own degree (the Libra mask's g_j too): exactly the zk
// proofs whose last round's degree exceeds the others' (masked factors).
var perRoundGolden = map[string]string{
	"masked c<n/zk=true":             "2776f7468642660d",
	"masked c=0/zk=true":             "9e820a06d501d17a",
	"masked c=n, two/zk=true":        "96d2fd6b3112d473",
	"masked square/zk=true":          "c78787f4d8926d27",
	"rescale-like/zk=true":           "fdaa5fec40d2b453",
	"span/zk=true":                   "54247e516279404f",
	"tail, masked c=n/zk=true":       "ca4406e7681dbda5",
	"tail, masked, degree 1/zk=true": "17b6f218a43e004c",
}

// TestProofBytesGolden: proofs from a fixed randomness source, zk and not,
// masked factors, spans, tails, Prove and ProveMasked, hash to the golden
// digests: unchanged by computing each round at its own degree's points
// (91b7cf1); with per-round mask degrees only the zk proofs whose rounds
// differ in degree change (perRoundGolden), the others (non-zk, Prove,
// ProveMasked, zk of one degree) keep their bytes.
func TestProofBytesGolden(t *testing.T) {
	got := goldenProofs(t)
	for k, want := range golden {
		if w, ok := perRoundGolden[k]; ok {
			if w == want {
				t.Errorf("%s: listed as changed but has the old digest", k)
			}
			want = w
		}
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
