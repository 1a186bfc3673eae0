package wire

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/logup"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/rescale"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// testParams keep the proofs small: the format does not depend on them.
var testParams = pcs.Params{RateLog: 1, Queries: 6}

// small is a 3 → 4 (ReLU) → 2 model on one row, with its input range of 14
// bits (two limbs) so that every optional part of the proof is present.
func small(t testing.TB) (*mlp.Model, []int64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	ints := func(n int, lim int64) []int64 {
		v := make([]int64, n)
		for i := range v {
			v[i] = rng.Int64N(2*lim) - lim
		}
		return v
	}
	m, err := mlp.NewModel(14, []mlp.Dense{
		{K: 3, N: 4, W: ints(12, 200), B: ints(4, 1000), Shift: 8, Bits: 14, ReLU: true},
		{K: 4, N: 2, W: ints(8, 200), B: ints(2, 1000), Shift: 8, Bits: 14},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, ints(3, 5000)
}

func proven(t testing.TB) (*mlp.Model, []int64, []byte) {
	t.Helper()
	m, x := small(t)
	p, y, err := mlp.Prove(testParams, m, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeMLP(&p)
	if err != nil {
		t.Fatal(err)
	}
	return m, y, b
}

func TestRoundTrip(t *testing.T) {
	m, y, b := proven(t)
	p, err := DecodeMLP(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := mlp.Verify(testParams, m, 1, y, *p); err != nil {
		t.Fatalf("the decoded proof does not verify: %v", err)
	}
	again, err := EncodeMLP(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Fatalf("decode then encode changed the bytes (%d → %d)", len(b), len(again))
	}
	// Deterministic: the same proof encodes to the same bytes.
	_, _, b2 := proven(t)
	if !bytes.Equal(b, b2) {
		t.Fatal("two encodings of the same statement's proof differ")
	}
	// Nothing of the proof is lost: re-encoding a decoded proof equals the
	// original, and so does the decoded value, up to nil vs empty slices.
	orig, _ := DecodeMLP(b)
	if !reflect.DeepEqual(orig, p) {
		t.Fatal("two decodings of the same bytes differ")
	}
}

// TestFieldsCovered fails when a proof struct gains, loses or reorders a
// field: the encoders in proofs.go must follow (and Version be bumped).
func TestFieldsCovered(t *testing.T) {
	want := map[reflect.Type]string{
		reflect.TypeFor[pcs.Commitment]():       "Root NumVars RowVars",
		reflect.TypeFor[pcs.Opening]():          "U V Columns Proof Mask",
		reflect.TypeFor[sumcheck.Proof]():       "Rounds Finals Mask Tail",
		reflect.TypeFor[sumcheck.MaskPart]():    "Com Sum Value Open",
		reflect.TypeFor[logup.Proof]():          "M H G Sumcheck Openings",
		reflect.TypeFor[rescale.Proof]():        "Q R V0 V1 Sigma Y Lookups Check Openings",
		reflect.TypeFor[matmul.StepProof]():     "Y YAtR BAtR Sumcheck X YOpen",
		reflect.TypeFor[mlp.Proof]():            "X Input Steps Requan Out",
		reflect.TypeFor[mlp.InputRange]():       "V0 V1 Lookups Zero Openings",
		reflect.TypeFor[mlp.BatchedProof]():     "Proof Batch",
		reflect.TypeFor[batch.Proof]():          "Groups Pools",
		reflect.TypeFor[sumcheck.StreamProof](): "Coms Opens",
		reflect.TypeFor[sumcheck.PoolOpening](): "Reduce Open",
		reflect.TypeFor[batch.Group]():          "Rounds Finals Open Mask",
		reflect.TypeFor[batch.Mask]():           "Com Sum Value Open",
		reflect.TypeFor[pcs.MultiOpening]():     "U V Columns Proofs Masks",
	}
	for typ, fields := range want {
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if g := strings.Join(got, " "); g != fields {
			t.Errorf("%v has fields %q, transparent/wire encodes %q: update proofs.go and bump Version", typ, g, fields)
		}
	}
	if n := reflect.TypeFor[logup.Proof]().Field(4).Type.Len(); n != 4 {
		t.Errorf("logup.Proof.Openings is an array of %d, wire encodes 4", n)
	}
}

// TestMalformed: every prefix, every single-byte change of a sampled set of
// positions, and extensions are refused or decode to a proof that does not
// verify — never a panic, never a changed proof accepted.
func TestMalformed(t *testing.T) {
	m, y, b := proven(t)
	for n := 0; n < len(b); n += 1 + n/64 {
		if _, err := DecodeMLP(b[:n]); err == nil {
			t.Fatalf("a %d-byte prefix of a %d-byte proof decoded", n, len(b))
		}
	}
	for _, ext := range [][]byte{{0}, []byte("x"), b[:40]} {
		if _, err := DecodeMLP(append(append([]byte(nil), b...), ext...)); err == nil || !strings.Contains(err.Error(), "after the proof's end") {
			t.Fatalf("an extended proof: %v", err)
		}
	}
	stride := len(b)/200 + 1
	for i := 0; i < len(b); i += stride {
		c := append([]byte(nil), b...)
		c[i] ^= 0x01
		p, err := DecodeMLP(c)
		if err != nil {
			continue
		}
		if err := mlp.Verify(testParams, m, 1, y, *p); err == nil {
			if rb, _ := EncodeMLP(p); !bytes.Equal(rb, b) {
				t.Fatalf("flipping bit 0 of byte %d left a valid proof", i)
			}
		}
	}
}

func TestHeader(t *testing.T) {
	_, _, b := proven(t)
	for _, c := range []struct {
		name string
		edit func([]byte)
		want string
	}{
		{"magic", func(b []byte) { b[0] = 'X' }, "no \"ZKTP\" header"},
		{"version", func(b []byte) { b[5] = 1 }, "format version 1"},
		{"kind", func(b []byte) { b[6] = 9 }, "kind 9"},
		{"count", func(b []byte) { copy(b[7+3*34:], []byte{0xff, 0xff, 0xff, 0xff}) }, "entries of"},
		{"vars", func(b []byte) { b[7+32] = MaxVars + 1 }, "commitment over 41 variables"},
		{"noncanonical", func(b []byte) {
			// the first lookup's first round value: after its three
			// commitments, the link's presence byte, its sumcheck's round
			// count and the round's length
			copy(b[7+3*34+4+3*34+1+4+4:], bytes.Repeat([]byte{0xff}, 32))
		}, "not a canonical field element"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := append([]byte(nil), b...)
			c.edit(d)
			if _, err := DecodeMLP(d); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestEncodeRefusesWideCommitment(t *testing.T) {
	p := &mlp.Proof{X: pcs.Commitment{NumVars: 300}}
	if _, err := EncodeMLP(p); err == nil {
		t.Fatal("a commitment over 300 variables was encoded")
	}
}

// FuzzDecodeMLP: decoding arbitrary bytes (as either kind) never panics, allocates in
// proportion to its input, and whatever decodes re-encodes to the same
// bytes (scripts/fuzz.sh runs it).
func FuzzDecodeMLP(f *testing.F) {
	_, _, b := proven(f)
	seeds(f, b)
	_, _, bb := provenBatched(f)
	seeds(f, bb)
	_, _, cb := provenCNN(f)
	seeds(f, cb)
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, err := DecodeMLP(data); err == nil {
			again, err := EncodeMLP(p)
			if err != nil || !bytes.Equal(again, data) {
				t.Fatalf("decoded proof re-encodes differently (%v)", err)
			}
		}
		if p, err := DecodeMLPBatched(data); err == nil {
			again, err := EncodeMLPBatched(p)
			if err != nil || !bytes.Equal(again, data) {
				t.Fatalf("decoded batched proof re-encodes differently (%v)", err)
			}
		}
		if p, err := DecodeCNN(data); err == nil {
			again, err := EncodeCNN(p)
			if err != nil || !bytes.Equal(again, data) {
				t.Fatalf("decoded CNN proof re-encodes differently (%v)", err)
			}
		}
	})
}

// FuzzVerifyMLP: whatever decodes is verified against the small model: the
// verifier must not panic on any well-formed proof, and nothing but the
// honest bytes may pass. Slower than FuzzDecodeMLP (a verification per
// input); its seeds run in go test, `go test -fuzz FuzzVerifyMLP` runs it.
func FuzzVerifyMLP(f *testing.F) {
	m, y, b := proven(f)
	seeds(f, b)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeMLP(data)
		if err != nil {
			return
		}
		if mlp.Verify(testParams, m, 1, y, *p) == nil && !bytes.Equal(data, b) {
			if rb, _ := EncodeMLP(p); !bytes.Equal(rb, b) {
				t.Fatal("bytes other than the honest proof verified")
			}
		}
	})
}

func seeds(f *testing.F, b []byte) {
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte(Magic))
	f.Add(append([]byte(Magic), 0, Version, 1))
	flipped := append([]byte(nil), b...)
	flipped[len(b)/3] ^= 0x80
	f.Add(flipped)
}

// TestTooLarge: input over MaxBytes is refused before it is read (the
// slice's pages past the header are never touched).
func TestTooLarge(t *testing.T) {
	b := make([]byte, MaxBytes+1)
	copy(b, Magic)
	if _, err := DecodeMLP(b); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("got %v", err)
	}
}

func provenBatched(t testing.TB) (*mlp.Model, []int64, []byte) {
	t.Helper()
	m, x := small(t)
	p, y, err := mlp.ProveBatched(testParams, m, 1, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeMLPBatched(&p)
	if err != nil {
		t.Fatal(err)
	}
	return m, y, b
}

// TestBatched: the batched proof round-trips, verifies once decoded, is not
// read as the other kind, and no prefix, extension or sampled bit flip of it
// is accepted.
func TestBatched(t *testing.T) {
	m, y, b := provenBatched(t)
	p, err := DecodeMLPBatched(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := mlp.VerifyBatched(testParams, m, 1, y, *p); err != nil {
		t.Fatalf("the decoded proof does not verify: %v", err)
	}
	if again, err := EncodeMLPBatched(p); err != nil || !bytes.Equal(again, b) {
		t.Fatalf("decode then encode changed the bytes (%v)", err)
	}
	if len(p.Batch.Groups) == 0 {
		t.Fatal("the batched proof has no batch")
	}
	if _, err := DecodeMLP(b); err == nil || !strings.Contains(err.Error(), "kind 2") {
		t.Fatalf("a batched proof read as a plain one: %v", err)
	}
	for n := 0; n < len(b); n += 1 + n/32 {
		if _, err := DecodeMLPBatched(b[:n]); err == nil {
			t.Fatalf("a %d-byte prefix decoded", n)
		}
	}
	if _, err := DecodeMLPBatched(append(append([]byte(nil), b...), 0)); err == nil {
		t.Fatal("an extended proof decoded")
	}
	stride := len(b)/150 + 1
	for i := 0; i < len(b); i += stride {
		c := append([]byte(nil), b...)
		c[i] ^= 0x01
		if q, err := DecodeMLPBatched(c); err == nil && mlp.VerifyBatched(testParams, m, 1, y, *q) == nil {
			if rb, _ := EncodeMLPBatched(q); !bytes.Equal(rb, b) {
				t.Fatalf("flipping bit 0 of byte %d left a valid proof", i)
			}
		}
	}
}
