package ceremony

import (
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	cmpc "github.com/consensys/gnark-crypto/ecc/bn254/mpcsetup"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

var two = big.NewInt(2)

func doubleG1(p *curve.G1Affine) { p.ScalarMultiplication(p, two) }
func doubleG2(p *curve.G2Affine) { p.ScalarMultiplication(p, two) }

// TestVerifyPhase1Tampered: a phase-1 contribution with any one point of
// any vector replaced by another valid point, or with its parameters and
// proofs of knowledge for different secrets, is rejected by the check
// that batches the per-element pairing equations with random
// coefficients (each case changes what only one check looks at, so each
// fails if that check is removed). The untampered contribution passes.
func TestVerifyPhase1Tampered(t *testing.T) {
	const n = 64
	prev := newPhase1(n)
	prev.contribute(nil)
	for _, tc := range []struct {
		name   string
		tamper func(p *phase1)
		want   string // in the error; "" for no error
	}{
		{"untampered", func(*phase1) {}, ""},
		{"[τⁱ]₁ in the middle", func(p *phase1) { doubleG1(&p.params.G1.Tau[n]) }, "pairing mismatch"},
		{"last [τⁱ]₁", func(p *phase1) { doubleG1(&p.params.G1.Tau[2*n-2]) }, "pairing mismatch"},
		{"[τ]₁, under its proof", func(p *phase1) { doubleG1(&p.params.G1.Tau[1]) }, "τ"},
		{"[τⁱ]₂", func(p *phase1) { doubleG2(&p.params.G2.Tau[n/2]) }, "pairing mismatch"},
		{"last [τⁱ]₂", func(p *phase1) { doubleG2(&p.params.G2.Tau[n-1]) }, "pairing mismatch"},
		{"[ατⁱ]₁", func(p *phase1) { doubleG1(&p.params.G1.AlphaTau[3]) }, "pairing mismatch"},
		{"[α]₁, under its proof", func(p *phase1) { doubleG1(&p.params.G1.AlphaTau[0]) }, "α"},
		{"[βτⁱ]₁", func(p *phase1) { doubleG1(&p.params.G1.BetaTau[n-1]) }, "pairing mismatch"},
		{"[β]₂", func(p *phase1) { doubleG2(&p.params.G2.Beta) }, "β"},
		{"parameters for other secrets than proven", func(p *phase1) {
			var x, a, b fr.Element
			x.SetUint64(3)
			a.SetUint64(5)
			b.SetUint64(7)
			p.update(&x, &a, &b, nil) // consistent powers, unproven secrets
		}, "τ"},
		{"proof of knowledge of another τ", func(p *phase1) {
			var x fr.Element
			p.proofs[0] = cmpc.UpdateValues(&x, p.challenge, dstTau)
		}, "τ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := clone1(t, prev)
			next.contribute(nil)
			tc.tamper(next)
			err := clone1(t, prev).verify(next)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

// TestVerifyPhase2Tampered is TestVerifyPhase1Tampered for phase 2's
// vectors: K and Z over δ, the commitments' σ-scaled bases, [δ] and [σ].
func TestVerifyPhase2Tampered(t *testing.T) {
	r := compileMixed(t, 2)
	p1 := newPhase1(64)
	p1.contribute(nil)
	commons := p1.seal([]byte("a beacon of sixteen bytes"), nil)
	w, err := wireTermsOf(r)
	if err != nil {
		t.Fatal(err)
	}
	start, _, err := initialize(r, &commons, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(p *mpcsetup.Phase2)
		want   string
	}{
		{"untampered", func(*mpcsetup.Phase2) {}, ""},
		{"K over δ", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.PKK[len(p.Parameters.G1.PKK)/2]) }, "δ"},
		{"Z over δ", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.Z[len(p.Parameters.G1.Z)-1]) }, "δ"},
		{"[δ]₁", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.Delta) }, "δ"},
		// Consistent vectors and elements, but a proof of knowledge of
		// another contribution's secret: only the proof's own check
		// (step) rejects it, the end-to-end equations (finish) pass.
		{"δ's proof of another secret", func(p *mpcsetup.Phase2) { p.Delta = otherContribution(t, start).Delta }, "δ"},
		{"σ's proof of another secret", func(p *mpcsetup.Phase2) { p.Sigmas[1] = otherContribution(t, start).Sigmas[1] }, "σ[1]"},
		{"[δ]₂", func(p *mpcsetup.Phase2) { doubleG2(&p.Parameters.G2.Delta) }, "δ"},
		{"σ-scaled basis", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.SigmaCKK[1][1]) }, "σ[1]"},
		{"[σ]₂", func(p *mpcsetup.Phase2) { doubleG2(&p.Parameters.G2.Sigma[0]) }, "σ[0]"},
		{"vectors over another δ than proven", func(p *mpcsetup.Phase2) {
			var d fr.Element
			d.SetUint64(3)
			ones := make([]fr.Element, len(p.Sigmas))
			for i := range ones {
				ones[i].SetOne()
			}
			update2(p, &d, ones, nil)
		}, "δ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev := clone2(t, start)
			next := clone2(t, start)
			contribute2(next, nil)
			tc.tamper(next)
			// gnark's Verify and the chain's batched check (chain2)
			// agree on every case.
			gerr := clone2(t, prev).Verify(clone2(t, next))
			var ch chain2
			ch.start(prev)
			err := ch.step(prev, next)
			if err == nil {
				err = ch.finish()
			}
			if (gerr == nil) != (err == nil) {
				t.Fatalf("gnark's Verify says %v, the chain's check %v", gerr, err)
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

// otherContribution is a contribution of fresh randomness to start.
func otherContribution(t *testing.T, start *mpcsetup.Phase2) *mpcsetup.Phase2 {
	t.Helper()
	p := clone2(t, start)
	contribute2(p, nil)
	return p
}

func clone1(t *testing.T, p *phase1) *phase1 {
	t.Helper()
	var c phase1
	decodeInto(t, &c, encode(t, p))
	return &c
}

func clone2(t *testing.T, p *mpcsetup.Phase2) *mpcsetup.Phase2 {
	t.Helper()
	var c mpcsetup.Phase2
	decodeInto(t, &c, encode(t, p))
	return &c
}

// TestVerifyPhase2StartTampered: a phase 2 start whose proving-key K or
// commitment basis has one point replaced by another valid point is
// rejected by the random-linear-combination check of the start's
// evaluations (without it, the start rebuilt from the file's own vectors
// would match it byte for byte).
func TestVerifyPhase2StartTampered(t *testing.T) {
	c, path := openPhase2(t)
	files := []string{path("p1-0"), path("p1-1"), path("p2-0")}
	if _, err := Verify(files, VerifyOptions{Circuit: c, InProgress: true}); err != nil {
		t.Fatal(err)
	}
	elsewhere := *c // without the coordinator's directory: phase 1 sealed again
	elsewhere.Dir = t.TempDir()
	if _, err := Verify(files, VerifyOptions{Circuit: &elsewhere, InProgress: true}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(p *mpcsetup.Phase2)
	}{
		{"proving key's K", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.PKK[1]) }},
		{"commitment basis", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.SigmaCKK[0][0]) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := readState(path("p2-0"))
			if err != nil {
				t.Fatal(err)
			}
			tc.tamper(s.P2)
			bad := path("bad")
			if _, err := writeState(bad, s.Header, s.P2); err != nil {
				t.Fatal(err)
			}
			_, err = Verify([]string{files[0], files[1], bad}, VerifyOptions{Circuit: c, InProgress: true})
			if err == nil || !strings.Contains(err.Error(), "not phase 1's result initialized") {
				t.Fatalf("error %v", err)
			}
		})
	}
}

// TestCheckSeal: phase 1's result as the coordinator left it passes the
// check that it is the last state sealed with the beacon, and any one
// point of it replaced by another valid point, or another beacon, fails.
func TestCheckSeal(t *testing.T) {
	const n = 32
	p := newPhase1(n)
	p.contribute(nil)
	beacon := []byte("a beacon of sixteen bytes")
	good := clone1(t, p).seal(beacon, nil)
	for _, tc := range []struct {
		name   string
		tamper func(c *mpcsetup.SrsCommons)
		beacon string
		want   string
	}{
		{"untampered", func(*mpcsetup.SrsCommons) {}, "", ""},
		{"[τⁱ]₁", func(c *mpcsetup.SrsCommons) { doubleG1(&c.G1.Tau[2*n-2]) }, "", "G1"},
		{"[ατⁱ]₁", func(c *mpcsetup.SrsCommons) { doubleG1(&c.G1.AlphaTau[0]) }, "", "G1"},
		{"[βτⁱ]₁", func(c *mpcsetup.SrsCommons) { doubleG1(&c.G1.BetaTau[5]) }, "", "G1"},
		{"[τⁱ]₂", func(c *mpcsetup.SrsCommons) { doubleG2(&c.G2.Tau[1]) }, "", "G2"},
		{"[β]₂", func(c *mpcsetup.SrsCommons) { doubleG2(&c.G2.Beta) }, "", "G2"},
		{"another beacon", func(*mpcsetup.SrsCommons) {}, "another beacon, sixteen", "G1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c mpcsetup.SrsCommons
			decodeInto(t, &c, encode(t, &good))
			tc.tamper(&c)
			b := beacon
			if tc.beacon != "" {
				b = []byte(tc.beacon)
			}
			err := checkSeal(clone1(t, p), &c, b)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

// TestChainBlame: phase 2's vectors are checked from the chain's first
// state to its last (chain2), so a contribution whose Z, K or commitment
// basis is not its predecessor's over its secrets, built on by honest
// participants after it, fails the end-to-end check; Verify then walks the
// chain state by state and names that contribution, not the last. Without
// the end-to-end check (or with its equations skipped) the chain passes.
func TestChainBlame(t *testing.T) {
	c, path := openPhase2(t)
	for _, tc := range []struct {
		name   string
		tamper func(p *mpcsetup.Phase2)
		want   string
	}{
		{"none", nil, ""},
		{"Z", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.Z[2]) }, "δ"},
		{"K", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.PKK[1]) }, "δ"},
		{"commitment basis", func(p *mpcsetup.Phase2) { doubleG1(&p.Parameters.G1.SigmaCKK[0][1]) }, "σ[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := []string{path("p1-0"), path("p1-1"), path("p2-0")}
			for i := 1; i <= 3; i++ {
				next := path(fmt.Sprintf("%s-p2-%d", tc.name, i))
				if _, err := Contribute(files[len(files)-1], next, nil); err != nil {
					t.Fatal(err)
				}
				if i == 2 && tc.tamper != nil {
					s, err := readState(next)
					if err != nil {
						t.Fatal(err)
					}
					tc.tamper(s.P2)
					if _, err := writeState(next, s.Header, s.P2); err != nil {
						t.Fatal(err)
					}
				}
				files = append(files, next)
			}
			_, err := Verify(files, VerifyOptions{Circuit: c, InProgress: true})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tc.want == "":
				return
			case err == nil:
				t.Fatal("a chain with a broken contribution passed")
			case !strings.Contains(err.Error(), files[4]) || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %v, want one naming %s and %q", err, files[4], tc.want)
			}
			// A participant checking the last two states (the broken one
			// and its honest successor) sees a sound step.
			if _, err := Verify(files[4:], VerifyOptions{Circuit: c, InProgress: true, FromAny: true}); err != nil {
				t.Fatalf("the last contribution alone: %v", err)
			}
		})
	}
}

// openPhase2 runs a ceremony for a small circuit with one commitment up to
// phase 2's start: phase 1's start p1-0, one contribution p1-1 and phase
// 2's start p2-0, in a temporary directory (path names a file in it).
func openPhase2(t *testing.T) (c *Circuit, path func(string) string) {
	t.Helper()
	dir := t.TempDir()
	c = &Circuit{R1CS: compileMixed(t, 1), SHA256: "circuit", Dir: dir}
	path = func(name string) string { return filepath.Join(dir, name) }
	if _, err := Init(c, path("p1-0")); err != nil {
		t.Fatal(err)
	}
	if _, err := Contribute(path("p1-0"), path("p1-1"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Phase2(c, path("p1-1"), path("p2-0"), []byte("a beacon of sixteen bytes"), nil); err != nil {
		t.Fatal(err)
	}
	return c, path
}
