package evm

import (
	"bytes"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"text/template"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/segment"
)

// The bundle contract. A segmented directory's proof is a bundle of one
// proof per segment, each under its own segment's verifying key; the
// bundle contract that export-verifier writes for it holds every segment's
// exported verifier and checks a whole bundle in one call (checkBundle,
// verifyBundle) as `zkinfer verify` checks it:
//
//   - slot k's proof is checked by segment k's verifier only, so a proof of
//     another segment (swapped or dropped segments) fails, each key being
//     another circuit;
//   - every boundary is one argument, boundaries[k], written into both
//     segment k's boundary_out and segment k+1's boundary_in public input:
//     the two proofs are accepted together only when they carry the same
//     fingerprint (the chain check of segment.Dir.Verify, by
//     construction);
//   - the challenge r the fingerprints are taken at is computed on chain,
//     keccak256 of every slot's boundary commitment point (read from the
//     proof bytes) mod r, and written into every segment's boundary_r
//     public input (the challenge check of segment.Dir.Verify, by
//     construction): a proof of another input or another run was made at
//     another challenge and fails its verifier;
//   - one context argument is written into every segment's context public
//     input, and verifyBundle derives it from the chain, the contract, the
//     subject and its nonce as the single-circuit wrapper does;
//   - the first segment's input values (public input, input commitment,
//     signer) and the last's output values are arguments, and the claim's
//     tag and bounds are constants, as in the wrapper;
//   - with hashed weights, the segments' weight commitments (Poseidon2
//     public inputs, or Pedersen points in the proof bytes) are hashed on
//     chain into segment.ModelCommitment and compared with the commitment
//     registered at deployment.

// DefaultBundleName is the bundle contract's name unless --name says
// otherwise.
const DefaultBundleName = "ZkinferBundle"

//go:embed bundle.sol.tmpl
var bundleTemplate string

var bundleTmpl = template.Must(template.New("bundle").Parse(bundleTemplate))

// The bundle's functions: BundleVerify (consumes the sender's nonce) and
// BundleCheck (a view).
const (
	BundleVerify = "verifyBundle"
	BundleCheck  = "checkBundle"
)

// BundleSegment is one segment of a bundle contract.
type BundleSegment struct {
	Verifier *Verifier         // exported, its contract renamed SegmentKVerifier
	File     string            // Verifier.Contract + ".sol"
	Public   []circuit.Segment // its public inputs, circuit.Layout's order
	// Params is how the segment commits to its weights: circuit.Pedersen,
	// circuit.Poseidon2, or "" (none: fixed weights, or private ones
	// bound to nothing).
	Params          circuit.Binding
	CommitmentIndex int // Pedersen: which of the proof's commitments is the weights'
	// BoundaryIndex is which of the proof's commitments is the segment's
	// boundary commitment (segment.Dir.BoundaryCommitmentIndex).
	BoundaryIndex int
}

// Bundle is a generated bundle contract with its segments' verifiers.
type Bundle struct {
	Name     string
	File     string // Name + ".sol"
	Source   []byte
	ABI      []byte
	Segments []BundleSegment
	// Linked: the constructor takes the verifiers' addresses instead of
	// deploying them (together they would exceed EIP-3860's limit on
	// creation code).
	Linked      bool
	Backend     proof.Backend
	Claim       string
	Constants   []Constant
	ModelSHA256 string
	Note        string // a warning for the documentation ("" for none)
	args        []bundleArg
	// what the source declares: a weight commitment to register, Pedersen
	// points in proofs, signed values
	commitment, pedersen, signed bool
}

// bundleArg is one argument after the proofs: values of segment Seg's
// public inputs (one per cut for "boundaries", one per committing segment
// for "paramCommitments").
type bundleArg struct {
	name   string
	signed bool // int256 fixed-point values; else uint256
	array  bool
	from   []argSource // where each value comes from
}

// argSource is public input Offset of segment Seg.
type argSource struct{ seg, offset int }

func (a bundleArg) solType() string {
	switch {
	case a.signed:
		return fmt.Sprintf("int256[%d]", len(a.from))
	case a.array:
		return fmt.Sprintf("uint256[%d]", len(a.from))
	}
	return "uint256"
}

// SegmentContract names segment k's verifier contract.
func SegmentContract(k int) string { return fmt.Sprintf("Segment%dVerifier", k) }

// NewBundle generates the bundle contract of a set-up segmented directory
// and its segments' verifiers. name is the contract's name ("" for
// DefaultBundleName); linked forces the constructor that takes the
// verifiers' addresses, which is also chosen when the verifiers together
// would exceed EIP-3860.
func NewBundle(d *segment.Dir, name string, linked bool) (*Bundle, error) {
	if name == "" {
		name = DefaultBundleName
	}
	if !identRe.MatchString(name) || strings.HasPrefix(name, "Segment") && strings.HasSuffix(name, "Verifier") {
		return nil, fmt.Errorf("evm: bundle name %q is not a Solidity contract name other than the segments' verifiers", name)
	}
	vis := d.Manifest.Visibility
	b := &Bundle{Name: name, File: name + ".sol", Backend: d.Manifest.Backend, ModelSHA256: d.Manifest.ModelSHA256, Linked: linked}
	if vis.Params == circuit.Private {
		b.Note = "the weights are private and bound to nothing: a bundle may use any weights of this architecture (compile with --param-visibility hashed to bind them)"
	}
	size := 0
	for k := range d.Manifest.Segments {
		c, err := proof.OpenSub(d.SegmentDir(k), nil)
		if err != nil {
			return nil, err
		}
		if sv := c.Settings.Visibility; sv.PedersenParams() && sv.Segmented() {
			return nil, fmt.Errorf("evm: segment %d carries two Groth16 commitments (its weights' and its boundary's) and gnark's Solidity verifier checks one: compile with --param-commitment poseidon2 to verify a segmented model on chain", k)
		}
		v, err := ExportDir(c)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", k, err)
		}
		if err := v.rename(SegmentContract(k)); err != nil {
			return nil, err
		}
		s := BundleSegment{Verifier: v, File: v.Contract + ".sol", Public: c.Settings.Layout().Public}
		sv := c.Settings.Visibility
		if sv.Segmented() {
			if s.BoundaryIndex, err = d.BoundaryCommitmentIndex(k); err != nil {
				return nil, err
			}
			if s.BoundaryIndex >= v.Commitments {
				return nil, fmt.Errorf("evm: segment %d's boundary commitment is number %d of its verifier's %d", k, s.BoundaryIndex, v.Commitments)
			}
		}
		switch {
		case sv.PedersenParams():
			if c.Settings.ModelCommitmentIndex == nil {
				return nil, fmt.Errorf("%s: settings.json does not say which commitment is the model's: compile again", c.Dir)
			}
			s.Params, s.CommitmentIndex = circuit.Pedersen, *c.Settings.ModelCommitmentIndex
			if v.Commitments != 1 {
				return nil, fmt.Errorf("evm: segment %d's pedersen weight commitment needs a verifier with exactly one commitment, it has %d", k, v.Commitments)
			}
		case sv.Params == circuit.Hashed:
			s.Params = circuit.Poseidon2
		}
		b.Segments = append(b.Segments, s)
		size += EstimatedCodeSize(v.Backend, v.Inputs)
	}
	if size+bundleOverhead > MaxInitCodeSize {
		b.Linked = true
	}
	cl, err := circuit.ParseClaim(vis.Claim)
	if err != nil {
		return nil, err
	}
	if cl != nil {
		b.Claim = cl.String()
		b.Constants = claimConstants(cl, d.Model().Outputs)
	}
	if err := b.generate(); err != nil {
		return nil, err
	}
	return b, nil
}

// bundleOverhead is about what the bundle contract adds to its verifiers'
// creation code.
const bundleOverhead = 6000

// rename gives the exported verifier another contract name, so that every
// segment's verifier can be compiled beside the others.
func (v *Verifier) rename(name string) error {
	decl := "contract " + v.Contract + " {"
	if bytes.Count(v.Source, []byte(decl)) != 1 {
		return fmt.Errorf("evm: the exported verifier does not declare %q once", decl)
	}
	v.Source = bytes.Replace(v.Source, []byte(decl), []byte("contract "+name+" {"), 1)
	v.Contract = name
	return nil
}

// bundleSegData is a segment's part of the template's input.
type bundleSegData struct {
	K, Inputs, ProofBytes, CommitmentAt int
	BoundaryAt                          int // where its boundary commitment point sits in its proof
	Contract, File                      string
	Pedersen                            bool
	Decls, CallArgs                     string // ", uint256 context" and ", context"
	Fill                                []string
}

// bundleData is the template's input.
type bundleData struct {
	Name, Claim, ModelSHA256, R, Half           string
	N                                           int
	Doc, ParamHash                              []string
	Constants                                   []Constant
	Segments                                    []bundleSegData
	Linked, Plonk, Pedersen, Commitment, Signed bool
	ArgDecls, ArgNames                          string
}

// generate writes the source and ABI.
func (b *Bundle) generate() error {
	n := len(b.Segments)
	d := bundleData{Name: b.Name, Claim: b.Claim, ModelSHA256: b.ModelSHA256, N: n, Constants: b.Constants,
		Linked: b.Linked, Plonk: b.Backend == proof.Plonk}
	field := ecc.BN254.ScalarField()
	d.R, d.Half = field.String(), new(big.Int).Rsh(field, 1).String()
	if len(d.ModelSHA256) != 64 {
		d.ModelSHA256 = strings.Repeat("0", 64)
	}
	if _, err := hex.DecodeString(d.ModelSHA256); err != nil {
		return fmt.Errorf("evm: model sha256 %q is not hex", b.ModelSHA256)
	}
	if strings.ContainsAny(b.Claim, "\"\\\n") {
		return fmt.Errorf("evm: claim %q cannot be a Solidity string", b.Claim)
	}
	if b.Note != "" {
		d.Doc = append(d.Doc, "WARNING: "+b.Note)
	}
	if err := b.layout(&d); err != nil {
		return err
	}
	b.commitment, b.pedersen, b.signed = d.Commitment, d.Pedersen, d.Signed
	var decls, names []string
	for _, a := range b.args {
		t := a.solType()
		if a.signed || a.array {
			t += " calldata"
		}
		decls, names = append(decls, t+" "+a.name), append(names, a.name)
	}
	d.ArgDecls, d.ArgNames = ", "+strings.Join(decls, ", "), ", "+strings.Join(names, ", ")
	var buf bytes.Buffer
	if err := bundleTmpl.Execute(&buf, d); err != nil {
		return fmt.Errorf("evm: writing the bundle contract: %w", err)
	}
	b.Source = buf.Bytes()
	var err error
	b.ABI, err = b.abi()
	return err
}
