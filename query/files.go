package query

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/audit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/internal/strictjson"
	"github.com/zkinfer/zkinfer/ops"
)

// A query directory holds query.json (the Statement), circuit.r1cs,
// pk.bin and vk.bin. A verifier needs query.json and vk.bin only.
const (
	StatementFile   = "query.json"
	CircuitFile     = "circuit.r1cs"
	ProvingKey      = "pk.bin"
	VerifyingKey    = "vk.bin"
	StatementFormat = "zkinfer-dp-query-v2"
	ProofFormat     = "zkinfer-dp-query-proof-v1"
)

// ErrInvalid is verification's verdict on a proof that does not hold.
var ErrInvalid = errors.New("the query proof is not valid for this statement")

// Statement is query.json: what every proof of the directory's circuit
// establishes, up to the public values each proof carries.
type Statement struct {
	Format string `json:"format"`
	Spec
	// Delta is the mechanism's δ at its ε for one released value
	// (dp.Table.Delta; a histogram's release is (Composition·ε,
	// Composition·δ)-DP); Offset its noise bound T.
	Delta        float64        `json:"delta"`
	Offset       int64          `json:"noise_bound"`
	RangeCheck   ops.RangeCheck `json:"range_check"`
	Constraints  int            `json:"constraints"`
	PublicInputs int            `json:"public_inputs"`
	Commitments  int            `json:"groth16_commitments"`
	CircuitSHA   string         `json:"circuit_sha256"`
	// Setup is "local": keys drawn on the machine that ran the query.
	Setup string `json:"setup"`
}

// NewStatement describes cs, the circuit of spec.
func NewStatement(spec *Spec, rc ops.RangeCheck, cs constraint.ConstraintSystem, sha string) (*Statement, error) {
	t, err := spec.Mechanism.Table()
	if err != nil {
		return nil, err
	}
	return &Statement{Format: StatementFormat, Spec: *spec, Delta: t.Delta(spec.Mechanism.Epsilon, spec.Mechanism.Sensitivity),
		Offset: t.Offset, RangeCheck: rc, Constraints: cs.GetNbConstraints(), PublicInputs: cs.GetNbPublicVariables() - 1,
		Commitments: len(cs.GetCommitments().CommitmentIndexes()), CircuitSHA: sha, Setup: "local"}, nil
}

// ReadStatement reads and checks dir's query.json: the spec must be valid
// and its δ and noise bound those of its mechanism (a verifier prints
// them, so they are recomputed, not trusted).
func ReadStatement(dir string) (*Statement, error) {
	path := filepath.Join(dir, StatementFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Statement
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Format != StatementFormat {
		return nil, fmt.Errorf("%s: format %.40q is not %s", path, s.Format, StatementFormat)
	}
	if err := s.Spec.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.PublicInputs != s.Spec.NumPublic() {
		return nil, fmt.Errorf("%s: %d public inputs, the query has %d", path, s.PublicInputs, s.Spec.NumPublic())
	}
	t, err := s.Mechanism.Table()
	if err != nil {
		return nil, err
	}
	if d := t.Delta(s.Mechanism.Epsilon, s.Mechanism.Sensitivity); d != s.Delta || t.Offset != s.Offset {
		return nil, fmt.Errorf("%s: δ %g and noise bound %d are not the mechanism's (%g, %d): the file was edited", path, s.Delta, s.Offset, d, t.Offset)
	}
	return &s, nil
}

// WriteDir writes the statement, the circuit and the keys into dir, all
// together.
func WriteDir(dir string, st *Statement, cs constraint.ConstraintSystem, pk groth16.ProvingKey, vk groth16.VerifyingKey) error {
	return audit.WriteStatementDir(dir, StatementFile, st, cs, pk, vk)
}

// ReadVerifyingKey reads and checks dir's vk.bin for the statement.
func ReadVerifyingKey(dir string, st *Statement) (*groth16bn254.VerifyingKey, error) {
	return audit.ReadStatementKey(dir, st.PublicInputs, st.Commitments)
}

// ProofFile is a query proof: the proof's bytes and the public values,
// with the statement in words for whoever reads it (verification never
// reads the words).
type ProofFile struct {
	Format    string `json:"format"`
	Statement string `json:"statement"`
	Proof     string `json:"proof"`
	Dataset   string `json:"dataset_commitment"`
	Seed      string `json:"seed_commitment"`
	Coins     string `json:"coins"`
	// Released are the noisy values in lattice units (one, or one per bin
	// of a histogram); Values the same in the statistic's units (a count,
	// or a mean).
	Released []int64   `json:"released"`
	Values   []float64 `json:"values"`
}

// NewProofFile makes the proof file of a proof.
func NewProofFile(st *Statement, raw []byte, pub *Public) *ProofFile {
	p := &ProofFile{Format: ProofFormat, Proof: hex.EncodeToString(raw), Dataset: dp.FieldHex(pub.Dataset), Seed: dp.FieldHex(pub.Seed),
		Coins: hex.EncodeToString(pub.Coins), Released: pub.Released}
	for _, r := range pub.Released {
		p.Values = append(p.Values, st.Query.Real(r))
	}
	p.Statement = st.Describe(p)
	return p
}

// ReadProof reads a query proof file.
func ReadProof(path string) (*ProofFile, error) {
	var p ProofFile
	if err := strictjson.Read(path, 1<<20, &p); err != nil {
		return nil, err
	}
	if p.Format != ProofFormat {
		return nil, fmt.Errorf("%s: format %.40q is not %s", path, p.Format, ProofFormat)
	}
	return &p, nil
}

// VerifyOptions are what the verifier expects beyond the statement: the
// published dataset and seed commitments (hex; "" skips the comparison)
// and the coins it drew (nil skips).
type VerifyOptions struct {
	Dataset, Seed string
	Coins         []byte
}

// VerifyFile checks a proof file against dir's statement and verifying key
// and what the verifier expects. An error wrapping ErrInvalid is a verdict.
func VerifyFile(dir string, p *ProofFile, opt VerifyOptions) (*Statement, error) {
	st, err := ReadStatement(dir)
	if err != nil {
		return nil, err
	}
	vk, err := ReadVerifyingKey(dir, st)
	if err != nil {
		return nil, err
	}
	var pub Public
	if pub.Dataset, err = dp.ParseField("dataset_commitment", p.Dataset); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if pub.Seed, err = dp.ParseField("seed_commitment", p.Seed); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if pub.Coins, err = dp.ParseCoins(p.Coins); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	pub.Released, pub.Tag = p.Released, st.Spec.Tag()
	if len(p.Released) != st.Query.Outputs() || len(p.Values) != len(p.Released) {
		return nil, fmt.Errorf("%w: %d released values and %d values for a query that releases %d", ErrInvalid, len(p.Released), len(p.Values), st.Query.Outputs())
	}
	for i, r := range p.Released {
		if v := st.Query.Real(r); math.Abs(v-p.Values[i]) > 1e-9*max(1, math.Abs(v)) {
			return nil, fmt.Errorf("%w: value %v is not the released %d in the statistic's units (%v)", ErrInvalid, p.Values[i], r, v)
		}
	}
	for _, c := range []struct{ what, want, got string }{
		{"dataset commitment", opt.Dataset, p.Dataset}, {"seed commitment", opt.Seed, p.Seed},
	} {
		if c.want != "" && !strings.EqualFold(c.want, c.got) {
			return nil, fmt.Errorf("%w: the proof's %s is %s, not the published %s", ErrInvalid, c.what, c.got, c.want)
		}
	}
	if opt.Coins != nil && !bytes.Equal(opt.Coins, pub.Coins) {
		return nil, fmt.Errorf("%w: the proof used coins %s, not the %s drawn for it (a replayed or re-drawn release)", ErrInvalid, p.Coins, hex.EncodeToString(opt.Coins))
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(p.Proof, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: proof is not hex", ErrInvalid)
	}
	return st, Verify(vk, st.Commitments, raw, &pub)
}

// Privacy says the mechanism, ε, δ and sensitivity in plain words.
func (st *Statement) Privacy() string {
	m := &st.Spec.Mechanism
	q := &st.Query
	k := q.Composition()
	sens := fmt.Sprintf("%d record", m.Sensitivity)
	if m.Sensitivity > 1 {
		sens += "s"
	}
	if q.Kind == Mean {
		sens = fmt.Sprintf("%d lattice units of %g in the clipped sum: replacing one record moves the sum by at most %s − %s, the mean by that over %d",
			m.Sensitivity, math.Ldexp(1, q.Shift-q.valueScale()), q.Clip[1], q.Clip[0], q.N)
	}
	name := "discrete Laplace (two-sided geometric) noise"
	if m.Kind == dp.Gaussian {
		name = fmt.Sprintf("discrete Gaussian noise (σ = %s lattice units)", m.Sigma)
	}
	total := dp.Decimal{Num: m.Epsilon.Num * k, Den: m.Epsilon.Den}.Reduced()
	out := fmt.Sprintf("%s, within ±%d, for (ε = %s, δ = %.2g)-differential privacy at sensitivity %s", name, st.Offset, total, float64(k)*st.Delta, sens)
	if k > 1 {
		out += fmt.Sprintf(" in each bin (ε = %s and δ = %.2g per bin: one record moves two bins)", m.Epsilon, st.Delta)
	}
	return out
}

// Describe says in plain words what a valid proof p of the statement
// establishes.
func (st *Statement) Describe(p *ProofFile) string {
	q := &st.Query
	var val string
	switch q.Kind {
	case Count:
		val = fmt.Sprintf("%d", p.Released[0])
	case Mean:
		val = fmt.Sprintf("%.6g (the clipped sum released as %d lattice units)", p.Values[0], p.Released[0])
	case Histogram:
		var parts []string
		for i, name := range q.BinNames() {
			parts = append(parts, fmt.Sprintf("%s: %d", name, p.Released[i]))
		}
		val = strings.Join(parts, "; ")
	}
	over := fmt.Sprintf("all %s records", thousands(st.Schema.Records))
	if st.Schema.Records == 1 {
		over = "the one record"
	}
	return fmt.Sprintf("%s, released as %s, is its exact value over %s committed as %s plus %s; the noise is drawn from the seed committed as %s and the coins %s; the records and the noise stay secret",
		st.Query.Describe(), val, over, p.Dataset, st.Privacy(), p.Seed, p.Coins)
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
