package audit

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/internal/strictjson"
	"github.com/zkinfer/zkinfer/ops"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// An audit directory holds audit.json (the Statement), circuit.r1cs,
// pk.bin and vk.bin. A verifier needs audit.json and vk.bin only.
const (
	StatementFile = "audit.json"
	CircuitFile   = "circuit.r1cs"
	ProvingKey    = "pk.bin"
	VerifyingKey  = "vk.bin"
	// StatementFormat and ProofFormat name the files' versions.
	StatementFormat = "zkinfer-audit-v2"
	ProofFormat     = "zkinfer-audit-proof-v1"
)

// Statement is audit.json: what every proof of the directory's circuit
// establishes, up to the public values each proof carries.
type Statement struct {
	Format string `json:"format"`
	// ModelSHA256 is the compiled model's (settings.json's model_sha256).
	ModelSHA256 string `json:"model_sha256"`
	// HashedParams: the weights are secret, bound by the Poseidon2
	// commitment each proof carries; ParamBits their width.
	HashedParams bool           `json:"hashed_params"`
	ParamBits    int            `json:"param_bits,omitempty"`
	Dataset      Schema         `json:"dataset"`
	Metric       Metric         `json:"metric"`
	RangeCheck   ops.RangeCheck `json:"range_check"`
	Constraints  int            `json:"constraints"`
	PublicInputs int            `json:"public_inputs"`
	Commitments  int            `json:"groth16_commitments"`
	CircuitSHA   string         `json:"circuit_sha256"`
	// Setup is "local": keys drawn on the machine that ran the audit.
	Setup string `json:"setup"`
}

// NumPublic is the number of public inputs of the statement's circuit.
func (s *Statement) NumPublic() int {
	n := 2 + s.Metric.NumPublic(&s.Dataset)
	if s.HashedParams {
		n++
	}
	return n
}

// ReadStatement reads and checks dir's audit.json.
func ReadStatement(dir string) (*Statement, error) {
	b, err := os.ReadFile(filepath.Join(dir, StatementFile))
	if err != nil {
		return nil, err
	}
	var s Statement
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, StatementFile), err)
	}
	if s.Format != StatementFormat {
		return nil, fmt.Errorf("%s: format %.40q is not %s", filepath.Join(dir, StatementFile), s.Format, StatementFormat)
	}
	if err := s.Dataset.Check(); err != nil {
		return nil, err
	}
	if err := s.Metric.Check(&s.Dataset); err != nil {
		return nil, err
	}
	if s.PublicInputs != s.NumPublic() {
		return nil, fmt.Errorf("%s: %d public inputs, the statement has %d", filepath.Join(dir, StatementFile), s.PublicInputs, s.NumPublic())
	}
	return &s, nil
}

// WriteDir writes the statement, the circuit and the keys into dir, all
// together.
func WriteDir(dir string, st *Statement, cs constraint.ConstraintSystem, pk groth16.ProvingKey, vk groth16.VerifyingKey) error {
	return WriteStatementDir(dir, StatementFile, st, cs, pk, vk)
}

// WriteStatementDir writes a statement circuit's directory (an audit's, a
// query's): the statement as JSON in statementFile, the circuit and the
// keys beside it, all or none.
func WriteStatementDir(dir, statementFile string, st any, cs constraint.ConstraintSystem, pk groth16.ProvingKey, vk groth16.VerifyingKey) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	var set atomicfile.Set
	defer set.Discard()
	for _, f := range []struct {
		name string
		w    io.WriterTo
	}{{CircuitFile, cs}, {ProvingKey, pk}, {VerifyingKey, vk}} {
		if err := set.Add(filepath.Join(dir, f.name), func(w io.Writer) error { _, err := f.w.WriteTo(w); return err }); err != nil {
			return err
		}
	}
	if err := set.AddBytes(filepath.Join(dir, statementFile), append(b, '\n')); err != nil {
		return err
	}
	return set.Commit()
}

// ReadProvingKey reads dir's proving key: its layout is scanned before
// gnark allocates anything (verifier.ScanProvingKey), then decoded without
// gnark's subgroup checks (the prover's own file; a key that does not fit
// the circuit fails Prove).
func ReadProvingKey(dir string) (groth16.ProvingKey, error) {
	path := filepath.Join(dir, ProvingKey)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := verifier.ScanProvingKey(f, st.Size()); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	pk := new(groth16bn254.ProvingKey)
	if _, err := pk.UnsafeReadFrom(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, verifier.OneLine(err))
	}
	return pk, nil
}

func readFrom(path string, r io.ReaderFrom) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := r.ReadFrom(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ReadVerifyingKey reads and checks dir's vk.bin for the statement.
func ReadVerifyingKey(dir string, st *Statement) (*groth16bn254.VerifyingKey, error) {
	return ReadStatementKey(dir, st.PublicInputs, st.Commitments)
}

// ReadStatementKey reads a statement directory's vk.bin, refusing one that
// is too large or whose public inputs or commitments are not the
// statement's.
func ReadStatementKey(dir string, publicInputs, commitments int) (*groth16bn254.VerifyingKey, error) {
	path := filepath.Join(dir, VerifyingKey)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) > verifier.MaxVerifyingKeyBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than %d", path, len(b), verifier.MaxVerifyingKeyBytes)
	}
	vk, err := verifier.DecodeGroth16Key(b, publicInputs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(vk.PublicAndCommitmentCommitted) != commitments {
		return nil, fmt.Errorf("%s: %d commitments, the statement has %d", path, len(vk.PublicAndCommitmentCommitted), commitments)
	}
	return vk, nil
}

// ProofFile is an audit proof: the proof's bytes and the public values,
// with the statement in words for whoever reads it (verification never
// reads the words).
type ProofFile struct {
	Format    string  `json:"format"`
	Statement string  `json:"statement"`
	Proof     string  `json:"proof"`
	Dataset   string  `json:"dataset_commitment"`
	Model     string  `json:"model_commitment,omitempty"`
	Metric    []int64 `json:"metric,omitempty"`
	Context   string  `json:"context,omitempty"`
}

// NewProofFile makes the proof file of a proof.
func NewProofFile(st *Statement, raw []byte, pub *Public, context []byte) *ProofFile {
	p := &ProofFile{Format: ProofFormat, Proof: hex.EncodeToString(raw), Dataset: verifier.FieldHex(pub.Dataset), Metric: pub.Metric,
		Context: hex.EncodeToString(context)}
	if pub.Model != nil {
		p.Model = verifier.FieldHex(pub.Model)
	}
	p.Statement = st.Describe(p)
	return p
}

// ReadProof reads an audit proof file.
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

// public reads the proof file's public values against the statement.
func (p *ProofFile) public(st *Statement) (*Public, []byte, error) {
	field := func(name, s string) (*big.Int, error) {
		v, err := circuit.ParseSalt(s)
		if err != nil || !strings.HasPrefix(s, "0x") || len(s) != 66 {
			return nil, fmt.Errorf("%s %.80q is not a field element in hex (0x and 64 digits)", name, s)
		}
		return v, nil
	}
	var pub Public
	var err error
	if pub.Dataset, err = field("dataset_commitment", p.Dataset); err != nil {
		return nil, nil, err
	}
	if st.HashedParams {
		if pub.Model, err = field("model_commitment", p.Model); err != nil {
			return nil, nil, err
		}
	} else if p.Model != "" {
		return nil, nil, fmt.Errorf("model_commitment given for a model whose weights are fixed in the circuit")
	}
	if len(p.Metric) != st.Metric.NumPublic(&st.Dataset) {
		return nil, nil, fmt.Errorf("%d metric values, the statement reveals %d", len(p.Metric), st.Metric.NumPublic(&st.Dataset))
	}
	pub.Metric = p.Metric
	ctx, err := circuit.ParseContext(p.Context)
	if err != nil {
		return nil, nil, err
	}
	pub.Context = circuit.ContextValue(ctx)
	return &pub, ctx, nil
}

// VerifyOptions are what the verifier expects beyond the statement.
type VerifyOptions struct {
	// Dataset and Model: the published commitments (hex; "" skips).
	Dataset, Model string
	// Context: the bytes the proof must be bound to (nil: none).
	Context []byte
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
	pub, ctx, err := p.public(st)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	same := func(what, want, got string) error {
		w, err := circuit.ParseSalt(want)
		if err != nil {
			return fmt.Errorf("expected %s: %w", what, err)
		}
		g, _ := circuit.ParseSalt(got)
		if g == nil || w.Cmp(g) != 0 {
			return fmt.Errorf("%w: the proof's %s is %s, not the expected %s", ErrInvalid, what, got, want)
		}
		return nil
	}
	if opt.Dataset != "" {
		if err := same("dataset commitment", opt.Dataset, p.Dataset); err != nil {
			return nil, err
		}
	}
	if opt.Model != "" {
		if !st.HashedParams {
			return nil, fmt.Errorf("the audited model's weights are fixed in the circuit: it has no commitment to compare (its sha256 is %s)", st.ModelSHA256)
		}
		if err := same("model commitment", opt.Model, p.Model); err != nil {
			return nil, err
		}
	}
	if !bytes.Equal(ctx, opt.Context) {
		return nil, fmt.Errorf("%w: the proof is bound to context %q, not the expected %q", ErrInvalid, hex.EncodeToString(ctx), hex.EncodeToString(opt.Context))
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(p.Proof, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: proof is not hex", ErrInvalid)
	}
	return st, Verify(vk, st.Commitments, raw, pub)
}

// Describe says in plain words what a valid proof p of the statement
// establishes.
func (st *Statement) Describe(p *ProofFile) string {
	model := fmt.Sprintf("the model with sha256 %.16s…, whose weights are fixed in the circuit", st.ModelSHA256)
	if st.HashedParams {
		model = fmt.Sprintf("the model committed as %s (architecture sha256 %.16s…)", p.Model, st.ModelSHA256)
	}
	return fmt.Sprintf("%s on the %s records committed as %s, for %s; the records, their labels and the predictions stay secret",
		st.Metric.Describe(&st.Dataset, p.Metric), thousands(st.Dataset.Records), p.Dataset, model)
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
