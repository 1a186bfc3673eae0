package proof_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
	"github.com/zkinfer/zkinfer/proof/srs"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/quant"
)

// TestTrustWarnings: every key origin gets the warnings a verifier should
// see, one line each, and no others: a single-party setup (and, when it
// made the basis of a Pedersen model commitment, that its maker can open
// the commitment to other weights), a development SRS, an SRS file not on
// the list of published ones, an unrecorded origin; nothing for a ceremony
// or a published powers of tau.
func TestTrustWarnings(t *testing.T) {
	pedersen := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public, ParamCommitment: circuit.Pedersen}
	poseidon := pedersen
	poseidon.ParamCommitment = circuit.Poseidon2
	published := &srs.Info{File: "powersOfTau28_hez_final_15.ptau", Blake2b: "982372c867d229c236091f767e703253249a9b432c1710b4f326306bfa2428a17b06240359606cfe4d580b10a5a1f63fbed499527069c18ae17060472969ae6e"}
	selfMade := &srs.Info{File: "pot9.ptau", Blake2b: strings.Repeat("ab", 64), Known: true} // Known as recorded is not trusted: the hash is looked up
	fromCeremony := &proof.SetupInfo{Kind: proof.SetupCeremony, Ceremony: &ceremony.Record{Phase1: 1, Phase2: 1}}
	for _, tc := range []struct {
		name  string
		setup *proof.SetupInfo
		vis   circuit.Visibility
		want  []string // a substring of each warning, in order
	}{
		{"local setup", &proof.SetupInfo{Kind: proof.SetupLocal}, circuit.DefaultVisibility, []string{"only as trustworthy as the machine"}},
		{"local setup, pedersen weights", &proof.SetupInfo{Kind: proof.SetupLocal}, pedersen, []string{"only as trustworthy as the machine", "can open the published commitment to other weights"}},
		{"local setup, poseidon2 weights", &proof.SetupInfo{Kind: proof.SetupLocal}, poseidon, []string{"only as trustworthy as the machine"}},
		{"ceremony", fromCeremony, circuit.DefaultVisibility, nil},
		{"ceremony, pedersen weights", fromCeremony, pedersen, nil},
		{"development SRS", &proof.SetupInfo{Kind: proof.SetupUnsafeSRS}, circuit.DefaultVisibility, []string{"UNSAFE"}},
		{"published SRS", &proof.SetupInfo{Kind: proof.SetupSRS, SRS: published}, poseidon, nil},
		{"self-made SRS", &proof.SetupInfo{Kind: proof.SetupSRS, SRS: selfMade}, poseidon, []string{"pot9.ptau (blake2b abababababababab…) is not a published powers of tau"}},
		{"SRS not recorded", &proof.SetupInfo{Kind: proof.SetupSRS}, circuit.DefaultVisibility, []string{"does not identify the SRS"}},
		{"no record", nil, circuit.DefaultVisibility, []string{"does not say where these keys came from"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &proof.Compiled{Settings: proof.Settings{Settings: verifier.Settings{Visibility: tc.vis}, Setup: tc.setup}}
			checkWarnings(t, c.TrustWarnings(), tc.want)
		})
	}
}

// checkWarnings checks that got has one one-line warning per substring of
// want, in order.
func checkWarnings(t *testing.T, got, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = strings.Contains(got[i], want[i]) && !strings.Contains(got[i], "\n")
	}
	if !ok {
		t.Fatalf("warnings %q, want one line each with %q", got, want)
	}
}

// TestSetupRecordsWarnings: setup writes the trust warnings into
// settings.json's setup record and Open reads them back, for a Groth16
// local setup binding Pedersen-committed weights and for PLONK keys from a
// self-made .ptau, which is recorded as not known. (1l_mlp: a few hundred
// constraints.)
func TestSetupRecordsWarnings(t *testing.T) {
	weights, _ := testkit.CorpusModel(t, "1l_mlp")
	hashed := circuit.Visibility{Input: circuit.Private, Params: circuit.Hashed, Output: circuit.Public}
	for _, tc := range []struct {
		name    string
		compile proof.CompileOptions
		setup   proof.SetupOptions
		want    []string
	}{
		{"groth16 local, pedersen", proof.CompileOptions{Visibility: hashed, RangeCheck: circuit.RangeBits},
			proof.SetupOptions{}, []string{"only as trustworthy", "can open the published commitment"}},
		{"plonk, self-made ptau", proof.CompileOptions{Visibility: circuit.DefaultVisibility, RangeCheck: circuit.RangeBits, Backend: proof.Plonk},
			proof.SetupOptions{SRS: "srs/testdata/pot9.ptau"}, []string{"pot9.ptau (blake2b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.compile.Quant = quant.Default
			c, err := proof.CompileWith(weights, t.TempDir(), tc.compile)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.SetupWith(tc.setup); err != nil {
				t.Fatal(err)
			}
			if c, err = proof.Open(c.Dir); err != nil {
				t.Fatal(err)
			}
			s := c.Settings.Setup
			checkWarnings(t, s.Warnings, tc.want)
			if !slices.Equal(s.Warnings, c.TrustWarnings()) {
				t.Fatalf("recorded %q, verify would say %q", s.Warnings, c.TrustWarnings())
			}
			var raw struct {
				Setup struct {
					SRS *struct{ Known *bool } `json:"srs"`
				} `json:"setup"`
			}
			if err := json.Unmarshal(read(t, filepath.Join(c.Dir, proof.SettingsFile)), &raw); err != nil {
				t.Fatal(err)
			}
			if srs := raw.Setup.SRS; (srs != nil) != (tc.setup.SRS != "") || srs != nil && (srs.Known == nil || *srs.Known) {
				t.Fatalf("settings.json records the SRS as %+v, want \"known\": false", srs)
			}
		})
	}
}
