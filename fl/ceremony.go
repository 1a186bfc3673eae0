package fl

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// The aggregation circuit's keys from a multi-party ceremony (package
// ceremony), so that no one knows their trapdoor. With `fl setup`'s
// development keys whoever ran the setup knows the discrete logarithms
// of the clients' bases and could open a client's commitment to another
// update, and forge rounds outright; with a ceremony's, a round is sound
// if one participant of each phase was honest, and the clients'
// commitments bind if one participant of phase 1 was (the bases are
// phase 1's powers combined by the circuit, as a Pedersen model
// commitment's: docs/SETUP.md). Clients can take part in phase 2
// themselves. `fl setup --ceremony` writes the circuit without keys
// (WriteCircuit); the ceremony's commands run on the directory as on a
// compiled model's; finalize writes the keys, the clients' and models'
// bases taken from the proving key, and the ceremony's record in
// ShapeFile, all together; `ceremony verify --dir` recompiles the
// aggregation circuit for the recorded shape, so the ceremony is checked
// to be for this circuit and no other, and checks the bases' files
// against the verified proving key.

// SetupKind says where a set-up directory's keys come from.
type SetupKind string

const (
	// SetupDevelopment: `fl setup`'s one-party setup (proof/groth16setup),
	// its randomness erased by the process that drew it.
	SetupDevelopment SetupKind = "development"
	// SetupCeremony: a multi-party ceremony (`fl setup --ceremony`).
	SetupCeremony SetupKind = "ceremony"
)

// SetupRecord is ShapeFile's record of where the keys come from.
type SetupRecord struct {
	Kind SetupKind `json:"kind"`
	// Ceremony is, with SetupCeremony, the finished ceremony's record;
	// nil while it runs (the directory has no keys then).
	Ceremony *ceremony.Record `json:"ceremony,omitempty"`
}

func (r *SetupRecord) check() error {
	switch r.Kind {
	case SetupCeremony:
	case SetupDevelopment:
		if r.Ceremony != nil {
			return fmt.Errorf("the keys' setup is %q with a ceremony's record", r.Kind)
		}
	default:
		return fmt.Errorf("the keys' setup %q is unknown (%q or %q)", r.Kind, SetupDevelopment, SetupCeremony)
	}
	if r.Ceremony != nil {
		if _, err := r.Ceremony.Closing(); err != nil {
			return fmt.Errorf("the ceremony's record: %v", err)
		}
	}
	return nil
}

// HasKeys reports whether the directory's keys exist: a development
// setup's, or a finalized ceremony's.
func (r SetupRecord) HasKeys() bool { return r.Kind == SetupDevelopment || r.Ceremony != nil }

// Trust says in words what the keys' soundness rests on.
func (r SetupRecord) Trust() string {
	if r.Kind == SetupCeremony && r.Ceremony != nil {
		return fmt.Sprintf("keys from a ceremony of %d phase-1 and %d phase-2 contributions: the round is sound if one participant of each phase was honest, and the clients' commitments bind if one phase-1 participant was",
			r.Ceremony.Phase1, r.Ceremony.Phase2)
	}
	return "keys from fl setup's development setup: whoever ran it could open a client's commitment to another update and forge rounds; a public deployment takes its keys from a ceremony (fl setup --ceremony, docs/FEDERATED.md)"
}

// Ceremony is a set-up directory's side of a ceremony for its aggregation
// circuit: the methods match proof.Compiled's, so `zkinfer ceremony` runs
// on either.
type Ceremony struct {
	Dir  string
	file shapeFile
}

// OpenCeremony opens a directory written by WriteCircuit (or WriteDir)
// for a ceremony.
func OpenCeremony(dir string) (*Ceremony, error) {
	f, err := readShapeFile(dir)
	if err != nil {
		return nil, err
	}
	if f.CircuitSHA256 == "" || f.Constraints <= 0 {
		return nil, fmt.Errorf("fl: %s records no circuit hash (set up by an older zkinfer): run fl setup --ceremony again", dir)
	}
	return &Ceremony{Dir: dir, file: f}, nil
}

// Setup is where the directory's keys come from.
func (c *Ceremony) Setup() SetupRecord { return *c.file.Setup }

// circuit is the ceremony's circuit: its hash and size from ShapeFile,
// its constraints from load when a step needs them: readCircuit (the
// coordinator's file, checked against the hash) or recompile (a
// verifier's check that the ceremony is for the aggregation circuit of
// the shape and no other).
func (c *Ceremony) circuit(load func() (*cs.R1CS, error)) *ceremony.Circuit {
	return &ceremony.Circuit{SHA256: c.file.CircuitSHA256, Constraints: c.file.Constraints, Dir: c.Dir, Load: load}
}

// loaded is the circuit with its constraints read from CircuitFile.
func (c *Ceremony) loaded() (*ceremony.Circuit, error) {
	circ := c.circuit(c.readCircuit)
	r, err := circ.Load()
	if err != nil {
		return nil, err
	}
	circ.R1CS = r
	return circ, nil
}

// readCircuit reads CircuitFile and checks it is the circuit ShapeFile
// records.
func (c *Ceremony) readCircuit() (*cs.R1CS, error) {
	b, err := os.ReadFile(filepath.Join(c.Dir, CircuitFile))
	if err != nil {
		return nil, fmt.Errorf("fl: %w", err)
	}
	if sha256Hex(b) != c.file.CircuitSHA256 {
		return nil, fmt.Errorf("fl: %s is not the circuit %s records (sha256 %.16s…): run fl setup --ceremony again", filepath.Join(c.Dir, CircuitFile), ShapeFile, c.file.CircuitSHA256)
	}
	r := new(cs.R1CS)
	if _, err := r.ReadFrom(bufio.NewReaderSize(bytes.NewReader(b), 1<<20)); err != nil {
		return nil, fmt.Errorf("fl: %s is corrupt: %v: run fl setup again", filepath.Join(c.Dir, CircuitFile), err)
	}
	return r, nil
}

// recompile compiles the aggregation circuit for the recorded shape and
// checks that its encoding has the recorded hash (gnark's compilation and
// encoding are deterministic).
func (c *Ceremony) recompile() (*cs.R1CS, error) {
	r, err := Compile(c.file.Shape)
	if err != nil {
		return nil, err
	}
	_, sum, err := encodeCircuit(r)
	if err != nil {
		return nil, err
	}
	if sum != c.file.CircuitSHA256 {
		return nil, fmt.Errorf("fl: %s's circuit (sha256 %.16s…) is not the aggregation circuit this zkinfer compiles for its shape (%.16s…): the ceremony was run for another circuit", c.Dir, c.file.CircuitSHA256, sum)
	}
	return r, nil
}

// encodeCircuit is CircuitFile's content for ccs and its SHA-256 (hex).
func encodeCircuit(ccs *cs.R1CS) ([]byte, string, error) {
	var b bytes.Buffer
	if _, err := ccs.WriteTo(&b); err != nil {
		return nil, "", fmt.Errorf("fl: writing %s: %w", CircuitFile, err)
	}
	return b.Bytes(), sha256Hex(b.Bytes()), nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// DefaultStatePath is where the coordinator writes the first state file of
// phase 1 or 2 by default (ceremony.StatePath).
func (c *Ceremony) DefaultStatePath(phase int) (string, error) {
	return ceremony.StatePath(c.Dir, phase)
}

// CeremonyInit writes phase 1's start for the aggregation circuit's size
// to out (ceremony.Init).
func (c *Ceremony) CeremonyInit(out string) (*ceremony.Step, error) {
	return ceremony.Init(c.circuit(c.readCircuit), out)
}

// CeremonyPhase2 closes phase 1 at its last state with the beacon and
// writes phase 2's start for the aggregation circuit to out
// (ceremony.Phase2).
func (c *Ceremony) CeremonyPhase2(lastPhase1, out string, beacon []byte, progress proof.Progress) (*ceremony.Step, error) {
	circ, err := c.loaded()
	if err != nil {
		return nil, err
	}
	return ceremony.Phase2(circ, lastPhase1, out, beacon, progress)
}

// CeremonyPhase2Prepared opens phase 2 from a prepared phase 1
// (ceremony.Phase2Prepared); digest, when not "", is the prepared file's
// recorded SHA-256, checked.
func (c *Ceremony) CeremonyPhase2Prepared(prepared, digest, out string, progress proof.Progress) (*ceremony.Step, error) {
	circ, err := c.loaded()
	if err != nil {
		return nil, err
	}
	circ.Prepared, circ.PreparedSHA256 = prepared, digest
	return ceremony.Phase2Prepared(circ, out, progress)
}

// CeremonyFinalizePrepared closes phase 2 at its last state as closing
// says (ceremony.Finalize; prepared is the prepared phase 1 it was opened
// from, "" for one opened from phase 1's last state) and writes the keys,
// the clients' (and models') bases from the proving key, each checked to
// bind, and the ceremony's record in ShapeFile, all together.
func (c *Ceremony) CeremonyFinalizePrepared(last, prepared string, closing ceremony.Closing, progress proof.Progress) error {
	circ, err := c.loaded()
	if err != nil {
		return err
	}
	circ.Prepared = prepared
	var keys *Keys
	write := func(pk, vk ceremony.Key) (err error) {
		keys, err = c.keysOf(pk, vk)
		return err
	}
	rec, err := ceremony.Finalize(circ, last, closing, write, progress)
	if err != nil {
		return err
	}
	f := c.file
	f.Setup = &SetupRecord{Kind: SetupCeremony, Ceremony: rec}
	var files atomicfile.Set
	defer files.Discard()
	if err := addKeys(&files, c.Dir, f.Shape, keys); err != nil {
		return err
	}
	if err := addShapeFile(&files, c.Dir, &f); err != nil {
		return err
	}
	if err := files.Commit(); err != nil {
		return fmt.Errorf("fl: %w", err)
	}
	c.file = f
	return nil
}

// keysOf takes the ceremony's keys and their clients' (and models') bases,
// checked to bind.
func (c *Ceremony) keysOf(pk, vk ceremony.Key) (*Keys, error) {
	p, ok1 := pk.(*groth16bn254.ProvingKey)
	v, ok2 := vk.(*groth16bn254.VerifyingKey)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("fl: the ceremony made keys of types %T and %T, not BN254 Groth16's", pk, vk)
	}
	keys := &Keys{PK: p, VK: v}
	if err := keys.extractBases(c.file.Shape); err != nil {
		return nil, err
	}
	return keys, nil
}

// VerifyCeremony checks a ceremony's state files against the directory
// (ceremony.Verify): its circuit must be the aggregation circuit this
// zkinfer compiles for the recorded shape and, unless opt.InProgress, the
// keys must be the ones the chain gives, ShapeFile must record the
// ceremony ending with the last file, and ClientsKeyFile (and
// ModelsKeyFile) must hold the verified proving key's bases.
func (c *Ceremony) VerifyCeremony(files []string, opt ceremony.VerifyOptions) (*ceremony.Report, error) {
	opt.Circuit = c.circuit(c.recompile)
	opt.Keys = nil
	// Verify reads the keys through storedKeys (a ceremony.KeyReader)
	// before it accepts them, so pk is set when it returns without error.
	var pk *groth16bn254.ProvingKey
	if !opt.InProgress {
		opt.Keys = c.storedKeys(&pk)
	}
	rep, err := ceremony.Verify(files, opt)
	if err != nil || opt.InProgress {
		return rep, err
	}
	if err := c.checkBases(pk); err != nil {
		return nil, err
	}
	rep.Keys += fmt.Sprintf(", and so are the bases in %s", ClientsKeyFile)
	if c.file.PublicModels {
		rep.Keys += " and " + ModelsKeyFile
	}
	return rep, nil
}

// storedKeys are the directory's keys and their record, for Verify; the
// proving key, once read, is kept in *pk.
func (c *Ceremony) storedKeys(pk **groth16bn254.ProvingKey) ceremony.StoredKeys {
	return ceremony.StoredKeys{
		Dir: c.Dir, RecordFile: ShapeFile,
		PKPath: filepath.Join(c.Dir, PKFile), VKPath: filepath.Join(c.Dir, VKFile),
		Recorded: func() (*ceremony.Record, error) {
			if c.file.Setup.Kind != SetupCeremony || c.file.Setup.Ceremony == nil {
				return nil, fmt.Errorf("ceremony: %s's keys do not come from a finished ceremony: %s records a %s setup", c.Dir, ShapeFile, c.file.Setup.Kind)
			}
			return c.file.Setup.Ceremony, nil
		},
		Read: func() (*groth16bn254.ProvingKey, *groth16bn254.VerifyingKey, error) {
			var err error
			if *pk, err = ReadProvingKey(c.Dir); err != nil {
				return nil, nil, err
			}
			vk, err := ReadVerifyingKey(c.Dir)
			return *pk, vk, err
		},
	}
}

// checkBases checks that ClientsKeyFile (and ModelsKeyFile) hold the
// proving key's commitment bases, point for point: the clients commit
// under ClientsKeyFile's, the proof under the key's.
func (c *Ceremony) checkBases(pk *groth16bn254.ProvingKey) error {
	keys := &Keys{PK: pk}
	s := c.file.Shape
	if err := keys.extractBases(s); err != nil {
		return err
	}
	same := func(file string, got, want []curve.G1Affine, what string) error {
		for i := range want {
			if !got[i].Equal(&want[i]) {
				return fmt.Errorf("fl: %s: %s is not the ceremony's proving key's (point %d differs): finalize again, or take it from the coordinator's directory", filepath.Join(c.Dir, file), what, i)
			}
		}
		return nil
	}
	for k := range s.Clients {
		b, err := ReadClientBasis(c.Dir, s, k)
		if err != nil {
			return err
		}
		if err := same(ClientsKeyFile, b, keys.Bases[k], fmt.Sprintf("client %d's basis", k)); err != nil {
			return err
		}
	}
	if s.PublicModels {
		mb, err := ReadModelBases(c.Dir, s)
		if err != nil {
			return err
		}
		for m := range mb {
			if err := same(ModelsKeyFile, mb[m], keys.ModelBases[m], fmt.Sprintf("model %d's basis", m)); err != nil {
				return err
			}
		}
	}
	return nil
}
