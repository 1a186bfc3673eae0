package fl

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/proof/verifier"
)

// A set-up directory holds the circuit (ShapeFile, CircuitFile), its keys
// (PKFile, VKFile) and the clients' commitment bases (ClientsKeyFile):
// clients need only ShapeFile and ClientsKeyFile, verifiers ShapeFile and
// VKFile.
const (
	ShapeFile      = "fl.json"
	CircuitFile    = "circuit.r1cs"
	PKFile         = "pk.bin"
	VKFile         = "vk.bin"
	ClientsKeyFile = "clients.key"
	// ModelsKeyFile holds, with public models, the two models' bases
	// (public.go): verifiers need it.
	ModelsKeyFile = "models.key"
)

// ClientsKeyFile's layout: "zkinfer-fl-clients-v1\n" ‖ K (uint32) ‖ n
// (uint32) ‖ K × n × (x ‖ y), big-endian, 32 bytes a coordinate.
const clientsMagic = "zkinfer-fl-clients-v1\n"

// WriteDir writes a set-up directory with the keys of a development
// setup (Setup).
func WriteDir(dir string, s Shape, ccs *cs.R1CS, keys *Keys) error {
	return writeDir(dir, s, ccs, keys, SetupRecord{Kind: SetupDevelopment})
}

// WriteCircuit writes a set-up directory without keys, for a ceremony
// (ceremony.go): its keys and the clients' bases appear when the
// ceremony is finalized. Keys an earlier setup left there are removed.
func WriteCircuit(dir string, s Shape, ccs *cs.R1CS) error {
	return writeDir(dir, s, ccs, nil, SetupRecord{Kind: SetupCeremony})
}

// writeDir writes ShapeFile, CircuitFile and, with keys, the keys and
// bases, all appearing together; keys an earlier setup left that these do
// not replace are removed.
func writeDir(dir string, s Shape, ccs *cs.R1CS, keys *Keys, setup SetupRecord) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	circ, sum, err := encodeCircuit(ccs)
	if err != nil {
		return err
	}
	f := shapeFile{Shape: s, Circuit: CircuitVersion, CircuitSHA256: sum, Constraints: ccs.GetNbConstraints(), Setup: &setup}
	var files atomicfile.Set
	defer files.Discard()
	if err := files.AddBytes(filepath.Join(dir, CircuitFile), circ); err != nil {
		return err
	}
	stale := []string{PKFile, VKFile, ClientsKeyFile, ModelsKeyFile}
	if keys != nil {
		if err := addKeys(&files, dir, s, keys); err != nil {
			return err
		}
		stale = nil
		if !s.PublicModels {
			stale = []string{ModelsKeyFile}
		}
	}
	if err := addShapeFile(&files, dir, &f); err != nil {
		return err
	}
	for i := range stale {
		stale[i] = filepath.Join(dir, stale[i])
	}
	return files.Commit(stale...)
}

// addShapeFile adds ShapeFile with f to files.
func addShapeFile(files *atomicfile.Set, dir string, f *shapeFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return files.AddBytes(filepath.Join(dir, ShapeFile), append(b, '\n'))
}

// addKeys adds the keys and the bases' files to files.
func addKeys(files *atomicfile.Set, dir string, s Shape, keys *Keys) error {
	if err := files.Add(filepath.Join(dir, PKFile), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if _, err := keys.PK.WriteRawTo(bw); err != nil {
			return err
		}
		return bw.Flush()
	}); err != nil {
		return fmt.Errorf("fl: writing the proving key: %w", err)
	}
	if err := files.Add(filepath.Join(dir, VKFile), func(w io.Writer) error {
		_, err := keys.VK.WriteTo(w)
		return err
	}); err != nil {
		return fmt.Errorf("fl: writing the verifying key: %w", err)
	}
	if err := files.AddBytes(filepath.Join(dir, ClientsKeyFile), basesFile(keys.Bases, s.Params+3)); err != nil {
		return err
	}
	if s.PublicModels {
		return files.AddBytes(filepath.Join(dir, ModelsKeyFile), basesFile(keys.ModelBases[:], s.Params+1))
	}
	return nil
}

// basesFile is ClientsKeyFile's layout for bases of n points each.
func basesFile(bases [][]curve.G1Affine, n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(clientsMagic)
	binary.Write(&buf, binary.BigEndian, [2]uint32{uint32(len(bases)), uint32(n)})
	for _, b := range bases {
		for i := range b {
			x, y := b[i].X.Bytes(), b[i].Y.Bytes()
			buf.Write(x[:])
			buf.Write(y[:])
		}
	}
	return buf.Bytes()
}

// ReadModelBases reads the two models' bases of a directory set up with
// public models, and checks that they bind.
func ReadModelBases(dir string, s Shape) ([2][]curve.G1Affine, error) {
	var out [2][]curve.G1Affine
	for m := range out {
		b, err := readBasis(filepath.Join(dir, ModelsKeyFile), 2, s.Params+1, m)
		if err != nil {
			return out, err
		}
		if err := checkModelBasis(b, s); err != nil {
			return out, err
		}
		out[m] = b
	}
	return out, nil
}

// CircuitVersion names the aggregation circuit's wire layout in ShapeFile:
// "v2" commits client updates offset to nonnegative values
// (Client.Update); "v3" hashes the models with package circuit/sponge (a
// model's commitment changed with it); a directory of another version was
// set up for another circuit and its keys do not fit this one.
const CircuitVersion = "v3"

// shapeFile is ShapeFile's content: the shape, the circuit version and,
// since setups were recorded, the circuit file's SHA-256 and size and
// where the keys come from.
type shapeFile struct {
	Shape
	Circuit string `json:"circuit"`
	// CircuitSHA256 (hex) and Constraints identify CircuitFile: a
	// ceremony's states name them.
	CircuitSHA256 string `json:"circuit_sha256,omitempty"`
	Constraints   int    `json:"constraints,omitempty"`
	// Setup says where the keys come from; a directory written before
	// setups were recorded has none, and its keys are a development
	// setup's.
	Setup *SetupRecord `json:"setup,omitempty"`
}

// readShapeFile reads and checks a directory's ShapeFile, whatever its
// keys' state.
func readShapeFile(dir string) (shapeFile, error) {
	var f shapeFile
	b, err := os.ReadFile(filepath.Join(dir, ShapeFile))
	if err != nil {
		return f, fmt.Errorf("fl: %w (is %s a directory set up by zkinfer fl setup?)", err, dir)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("fl: %s is corrupt: %v: run fl setup again", filepath.Join(dir, ShapeFile), err)
	}
	if f.Circuit != CircuitVersion {
		return f, fmt.Errorf("fl: %s was set up for circuit version %q, this zkinfer proves version %q: run fl setup again (and the clients fl commit again)", dir, f.Circuit, CircuitVersion)
	}
	if f.Setup == nil {
		f.Setup = &SetupRecord{Kind: SetupDevelopment}
	}
	if err := f.Setup.check(); err != nil {
		return f, fmt.Errorf("fl: %s: %v: run fl setup again", filepath.Join(dir, ShapeFile), err)
	}
	return f, f.Shape.Check()
}

// ReadShape reads a set-up directory's shape. A directory whose ceremony
// is not finalized has no keys yet: an error says so.
func ReadShape(dir string) (Shape, error) {
	f, err := readShapeFile(dir)
	if err != nil {
		return f.Shape, err
	}
	if !f.Setup.HasKeys() {
		return f.Shape, fmt.Errorf("fl: %s has no keys yet: its ceremony is not finalized (zkinfer ceremony phase2, contribute, finalize … %s: docs/FEDERATED.md)", dir, dir)
	}
	return f.Shape, nil
}

// ReadSetup reads where a set-up directory's keys come from.
func ReadSetup(dir string) (SetupRecord, error) {
	f, err := readShapeFile(dir)
	if err != nil {
		return SetupRecord{}, err
	}
	return *f.Setup, nil
}

// ReadClientBasis reads client k's basis from dir's ClientsKeyFile,
// reading only its slice, and checks that it binds.
func ReadClientBasis(dir string, s Shape, k int) ([]curve.G1Affine, error) {
	if k < 0 || k >= s.Clients {
		return nil, fmt.Errorf("fl: slot %d is outside the circuit's clients [0, %d)", k, s.Clients)
	}
	b, err := readBasis(filepath.Join(dir, ClientsKeyFile), s.Clients, s.Params+3, k)
	if err != nil {
		return nil, err
	}
	return b, checkBasis(b, s, k)
}

// readBasis reads basis k of a bases file of count bases of n points,
// reading only its slice.
func readBasis(path string, count, n, k int) ([]curve.G1Affine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fl: %w", err)
	}
	defer f.Close()
	bad := func(what string) error { return fmt.Errorf("fl: %s is corrupt (%s): run fl setup again", path, what) }
	head := make([]byte, len(clientsMagic)+8)
	if _, err := io.ReadFull(f, head); err != nil || string(head[:len(clientsMagic)]) != clientsMagic {
		return nil, bad("no header")
	}
	nk, nn := int(binary.BigEndian.Uint32(head[len(clientsMagic):])), int(binary.BigEndian.Uint32(head[len(clientsMagic)+4:]))
	if nk != count || nn != n {
		return nil, bad(fmt.Sprintf("%d bases of %d points, the shape %d of %d", nk, nn, count, n))
	}
	if _, err := f.Seek(int64(len(head))+int64(k)*int64(n)*64, io.SeekStart); err != nil {
		return nil, err
	}
	raw := make([]byte, 64*n)
	if _, err := io.ReadFull(bufio.NewReader(f), raw); err != nil {
		return nil, bad("truncated")
	}
	b := make([]curve.G1Affine, n)
	for i := range b {
		if err := b[i].X.SetBytesCanonical(raw[64*i : 64*i+32]); err != nil {
			return nil, bad(fmt.Sprintf("point %d: %v", i, err))
		}
		if err := b[i].Y.SetBytesCanonical(raw[64*i+32 : 64*i+64]); err != nil {
			return nil, bad(fmt.Sprintf("point %d: %v", i, err))
		}
		if !b[i].IsInfinity() && !b[i].IsOnCurve() {
			return nil, bad(fmt.Sprintf("point %d is not on the curve", i))
		}
	}
	return b, nil
}

// ReadCircuit reads the directory's constraint system.
func ReadCircuit(dir string) (*cs.R1CS, error) {
	f, err := os.Open(filepath.Join(dir, CircuitFile))
	if err != nil {
		return nil, fmt.Errorf("fl: %w", err)
	}
	defer f.Close()
	ccs := new(cs.R1CS)
	if _, err := ccs.ReadFrom(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return nil, fmt.Errorf("fl: %s is corrupt: %v: run fl setup again", f.Name(), err)
	}
	return ccs, nil
}

// ReadProvingKey reads the directory's proving key.
func ReadProvingKey(dir string) (*groth16bn254.ProvingKey, error) {
	f, err := os.Open(filepath.Join(dir, PKFile))
	if err != nil {
		return nil, fmt.Errorf("fl: %w", err)
	}
	defer f.Close()
	pk := new(groth16bn254.ProvingKey)
	if _, err := pk.UnsafeReadFrom(bufio.NewReaderSize(f, 1<<20)); err != nil {
		return nil, fmt.Errorf("fl: %s is corrupt: %v: run fl setup again", f.Name(), err)
	}
	return pk, nil
}

// ReadVerifyingKey reads the directory's verifying key.
func ReadVerifyingKey(dir string) (*groth16bn254.VerifyingKey, error) {
	f, err := os.Open(filepath.Join(dir, VKFile))
	if err != nil {
		return nil, fmt.Errorf("fl: %w", err)
	}
	defer f.Close()
	vk := new(groth16bn254.VerifyingKey)
	if _, err := vk.ReadFrom(f); err != nil {
		return nil, fmt.Errorf("fl: %s is corrupt: %v: run fl setup again", f.Name(), err)
	}
	return vk, nil
}

// CommitmentFile is a client's published commitment (fl commit --out).
type CommitmentFile struct {
	Format     string `json:"format"`
	Round      uint64 `json:"round"`
	Slot       int    `json:"slot"`
	Commitment string `json:"commitment"` // 0x x‖y
}

// OpeningFile is what a client hands the aggregator with its update (fl
// commit --opening): secret.
type OpeningFile struct {
	Format string `json:"format"`
	Round  uint64 `json:"round"`
	Slot   int    `json:"slot"`
	Salt   string `json:"salt"`
}

// ProofFile is an aggregation proof with its public statement (fl
// aggregate --proof).
type ProofFile struct {
	Format  string   `json:"format"`
	Round   uint64   `json:"round"`
	Clip    int64    `json:"clip"` // C_q, units of 2^-param_scale
	Weights []int64  `json:"weights"`
	Old     string   `json:"old_model_commitment"`
	New     string   `json:"new_model_commitment"`
	Clients []string `json:"client_commitments"`
	// DPCommitment and DPCoins are, with DP, the aggregator's seed
	// commitment and the verifier's coins (hex of their bytes).
	DPCommitment string `json:"dp_commitment,omitempty"`
	DPCoins      string `json:"dp_coins,omitempty"`
	Proof        string `json:"proof"`
}

// File formats.
const (
	CommitmentFormat = "zkinfer-fl-commitment-v2"
	OpeningFormat    = "zkinfer-fl-opening-v1"
	ProofFormat      = "zkinfer-fl-proof-v2"
)

// PointHex and ParsePoint write and read a commitment point.
func PointHex(p *curve.G1Affine) string           { return verifier.PointHex(p) }
func ParsePoint(s string) (curve.G1Affine, error) { return verifier.ParsePoint(s) }
func FieldHex(v *big.Int) string                  { return circuit.Hex(fieldOf(v)) }
func ParseField(s string) (*big.Int, error)       { return circuit.ParseSalt(s) }
func encodeProof(p *groth16bn254.Proof) (string, error) {
	var buf bytes.Buffer
	if _, err := p.WriteRawTo(&buf); err != nil {
		return "", err
	}
	return "0x" + hex.EncodeToString(buf.Bytes()), nil
}

// EncodeProof writes prf and its statement as a ProofFile (with DP, the
// coins' bytes: coins).
func EncodeProof(prf *groth16bn254.Proof, st *Statement, coins []byte) (*ProofFile, error) {
	enc, err := encodeProof(prf)
	if err != nil {
		return nil, fmt.Errorf("fl: encoding the proof: %w", err)
	}
	pf := &ProofFile{Format: ProofFormat, Round: st.Round, Clip: st.Clip, Weights: st.Weights, Old: FieldHex(st.Old), New: FieldHex(st.New), Proof: enc}
	for i := range st.Clients {
		pf.Clients = append(pf.Clients, PointHex(&st.Clients[i]))
	}
	if st.SeedCom != nil {
		pf.DPCommitment, pf.DPCoins = FieldHex(st.SeedCom), "0x"+hex.EncodeToString(coins)
	}
	return pf, nil
}

// Decode reads the proof and the statement it claims (whose client
// commitments the verifier replaces with the published ones).
func (pf *ProofFile) Decode() (*groth16bn254.Proof, *Statement, error) {
	if pf.Format != ProofFormat {
		return nil, nil, fmt.Errorf("fl: the proof file's format is %q, want %q", pf.Format, ProofFormat)
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(pf.Proof, "0x"))
	if err != nil {
		return nil, nil, fmt.Errorf("fl: the proof is not hex")
	}
	prf := new(groth16bn254.Proof)
	if _, err := prf.ReadFrom(bytes.NewReader(raw)); err != nil {
		return nil, nil, fmt.Errorf("fl: the proof is malformed: %v", err)
	}
	st := &Statement{Round: pf.Round, Clip: pf.Clip, Weights: pf.Weights}
	if st.Old, err = ParseField(pf.Old); err != nil {
		return nil, nil, fmt.Errorf("fl: old_model_commitment: %w", err)
	}
	if st.New, err = ParseField(pf.New); err != nil {
		return nil, nil, fmt.Errorf("fl: new_model_commitment: %w", err)
	}
	if pf.DPCommitment != "" || pf.DPCoins != "" {
		if st.SeedCom, err = ParseField(pf.DPCommitment); err != nil {
			return nil, nil, fmt.Errorf("fl: dp_commitment: %w", err)
		}
		b, err := dp.ParseCoins(pf.DPCoins)
		if err != nil {
			return nil, nil, fmt.Errorf("fl: dp_coins: %w", err)
		}
		st.Coins = dp.CoinsValue(b)
	}
	for i, c := range pf.Clients {
		p, err := ParsePoint(c)
		if err != nil {
			return nil, nil, fmt.Errorf("fl: client commitment %d: %w", i, err)
		}
		st.Clients = append(st.Clients, p)
	}
	return prf, st, nil
}
