package audit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"os"
	"slices"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/quant"
)

// Limits of a dataset: they keep every count and every cross-multiplied
// metric far below the field (see the package documentation).
const (
	MaxRecords  = 1 << 20
	MaxFeatures = 1 << 12
	MaxClasses  = 64
	MaxGroups   = 16
	// MaxDataBytes caps a DATA.json file.
	MaxDataBytes = 1 << 28
)

// Data is DATA.json, EZKL's input layout with labels:
//
//	{"input_data": [[record 1's features], [record 2's], …],
//	 "labels": [class of record 1, …],
//	 "groups": {"COLUMN": [0 or 1 per record], …},
//	 "salt": "0x…"}
//
// A record's features are the model input's values, flat and row-major;
// a label is a class index (0 or 1 for a model with one output, compared
// with its decision threshold); each group column marks membership (1) or
// not (0) for a fairness metric. The salt, a secret of the data holder,
// hides the records behind their commitment; it may be given on the
// command line instead.
type Data struct {
	Records [][]float64      `json:"input_data"`
	Labels  []int64          `json:"labels"`
	Groups  map[string][]int `json:"groups,omitempty"`
	Salt    string           `json:"salt,omitempty"`
}

// ReadData reads and checks DATA.json.
func ReadData(path string) (*Data, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxDataBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than %d", path, st.Size(), MaxDataBytes)
	}
	var d Data
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := d.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &d, nil
}

// Check validates the layout: as many labels and group values as records,
// every record of the same length, labels non-negative, groups 0 or 1.
func (d *Data) Check() error {
	n := len(d.Records)
	switch {
	case n == 0:
		return fmt.Errorf("input_data holds no records")
	case n > MaxRecords:
		return fmt.Errorf("%d records, more than %d", n, MaxRecords)
	case len(d.Labels) != n:
		return fmt.Errorf("%d labels for %d records", len(d.Labels), n)
	case len(d.Groups) > MaxGroups:
		return fmt.Errorf("%d group columns, more than %d", len(d.Groups), MaxGroups)
	}
	f := len(d.Records[0])
	if f == 0 || f > MaxFeatures {
		return fmt.Errorf("record 0 has %d features (1 to %d)", f, MaxFeatures)
	}
	for i, r := range d.Records {
		if len(r) != f {
			return fmt.Errorf("record %d has %d features, record 0 has %d", i, len(r), f)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("record %d feature %d is %v", i, j, v)
			}
		}
	}
	for i, l := range d.Labels {
		if l < 0 || l >= MaxClasses {
			return fmt.Errorf("label %d of record %d is outside [0, %d)", l, i, MaxClasses)
		}
	}
	for name, g := range d.Groups {
		if name == "" || strings.ContainsAny(name, "\n\"") {
			return fmt.Errorf("group column %q: a name without quotes or newlines", name)
		}
		if len(g) != n {
			return fmt.Errorf("group column %q has %d values for %d records", name, len(g), n)
		}
		for i, v := range g {
			if v != 0 && v != 1 {
				return fmt.Errorf("group column %q: record %d is %d, not 0 or 1", name, i, v)
			}
		}
	}
	return nil
}

// GroupNames are the group columns in the order the commitment packs them.
func (d *Data) GroupNames() []string {
	names := make([]string, 0, len(d.Groups))
	for name := range d.Groups {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Schema is what a dataset commitment says in public of the records it
// hides: their number and layout, and the fixed-point format of the
// features. It is hashed into the commitment, so a commitment opens to one
// schema only.
type Schema struct {
	Records  int      `json:"records"`
	Features int      `json:"features"`
	Classes  int      `json:"classes"`
	Groups   []string `json:"groups,omitempty"`
	// Scale and Bits: each feature is q = round(x·2^Scale) with
	// -2^(Bits-1) ≤ q < 2^(Bits-1).
	Scale int `json:"scale"`
	Bits  int `json:"bits"`
}

// Check bounds the schema's numbers.
func (s *Schema) Check() error {
	switch {
	case s.Records < 1 || s.Records > MaxRecords:
		return fmt.Errorf("dataset: %d records (1 to %d)", s.Records, MaxRecords)
	case s.Features < 1 || s.Features > MaxFeatures:
		return fmt.Errorf("dataset: %d features (1 to %d)", s.Features, MaxFeatures)
	case s.Classes < 2 || s.Classes > MaxClasses:
		return fmt.Errorf("dataset: %d classes (2 to %d)", s.Classes, MaxClasses)
	case len(s.Groups) > MaxGroups:
		return fmt.Errorf("dataset: %d group columns, more than %d", len(s.Groups), MaxGroups)
	case s.Scale < 0 || s.Scale > 32:
		return fmt.Errorf("dataset: scale %d is outside [0, 32]", s.Scale)
	case s.Bits < 2 || s.Bits > 48:
		return fmt.Errorf("dataset: bits %d is outside [2, 48]", s.Bits)
	case !slices.IsSorted(s.Groups):
		return fmt.Errorf("dataset: group columns are not sorted")
	}
	return nil
}

// labelBits is the width of a packed label.
func (s *Schema) labelBits() int { return max(1, bits.Len(uint(s.Classes-1))) }

// header is what the commitment hashes before the records: the tag, the
// layout and the format, and a hash of the group columns' names.
func (s *Schema) header() []*big.Int {
	names, _ := json.Marshal(s.Groups)
	h := sha256.Sum256(append([]byte("zkinfer-dataset-groups-v1:"), names...))
	nameHash := new(big.Int).SetBytes(h[:])
	nameHash.Mod(nameHash, ecc.BN254.ScalarField())
	out := []*big.Int{big.NewInt(TagDataset)}
	for _, v := range []int{s.Records, s.Features, s.Classes, len(s.Groups), s.Scale, s.Bits} {
		out = append(out, big.NewInt(int64(v)))
	}
	return append(out, nameHash)
}

// TagDataset separates dataset commitments from the tensor commitments of
// package circuit (tags 1 to 4).
const TagDataset = 5

// Records are a dataset quantized: what the commitment and the circuit see.
type Records struct {
	Schema   Schema
	Features [][]int64 // [record][feature], at Schema.Scale
	Labels   []int64
	Groups   [][]int64 // [column][record], 0 or 1
	Salt     *big.Int
}

// Quantize turns d into records at scale with signed bits-bit features.
// classes is at least the largest label + 1 and at least 2 (0: exactly
// that).
func (d *Data) Quantize(scale, nbits, classes int, salt *big.Int) (*Records, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	top := int64(1)
	for _, l := range d.Labels {
		top = max(top, l)
	}
	if classes == 0 {
		classes = int(top) + 1
	}
	if int64(classes) <= top {
		return nil, fmt.Errorf("dataset: label %d needs more than %d classes", top, classes)
	}
	r := &Records{Schema: Schema{Records: len(d.Records), Features: len(d.Records[0]), Classes: classes,
		Groups: d.GroupNames(), Scale: scale, Bits: nbits}, Labels: d.Labels, Salt: salt}
	if err := r.Schema.Check(); err != nil {
		return nil, err
	}
	lim := int64(1) << (nbits - 1)
	r.Features = make([][]int64, len(d.Records))
	for i, rec := range d.Records {
		q := make([]int64, len(rec))
		for j, x := range rec {
			q[j] = quant.Quantize(x, scale)
			if q[j] < -lim || q[j] >= lim {
				return nil, fmt.Errorf("dataset: record %d feature %d = %v is outside the ±%v that %d bits hold at scale 2^%d", i, j, x, quant.Dequantize(lim, scale), nbits, scale)
			}
		}
		r.Features[i] = q
	}
	for _, name := range r.Schema.Groups {
		col := make([]int64, len(d.Records))
		for i, v := range d.Groups[name] {
			col[i] = int64(v)
		}
		r.Groups = append(r.Groups, col)
	}
	return r, nil
}

// widths are the packed widths of a feature (stored as q + 2^(Bits-1)), a
// label and a group value.
func (s *Schema) widths() (feature, label, group int) { return s.Bits, s.labelBits(), 1 }

// Commitment is the records' Poseidon2 commitment (see "The dataset
// commitment" in the package documentation).
func (r *Records) Commitment() (fr.Element, error) {
	if err := r.Schema.Check(); err != nil {
		return fr.Element{}, err
	}
	var vals []*big.Int
	var widths []int
	fw, lw, gw := r.Schema.widths()
	half := big.NewInt(1 << (fw - 1))
	for i, rec := range r.Features {
		for _, v := range rec {
			vals = append(vals, new(big.Int).Add(big.NewInt(v), half))
			widths = append(widths, fw)
		}
		if r.Labels[i] < 0 || r.Labels[i] >= int64(r.Schema.Classes) {
			return fr.Element{}, fmt.Errorf("dataset: label %d of record %d is outside [0, %d)", r.Labels[i], i, r.Schema.Classes)
		}
		vals = append(vals, big.NewInt(r.Labels[i]))
		widths = append(widths, lw)
		for _, g := range r.Groups {
			vals = append(vals, big.NewInt(g[i]))
			widths = append(widths, gw)
		}
	}
	return hashNative(r.Schema.header(), packNative(vals, widths), r.Salt), nil
}

// NewSalt draws a secret salt below the field modulus (31 random bytes).
func NewSalt() (*big.Int, error) {
	var b [31]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(b[:]), nil
}

// SaltHex writes a salt as 0x + 64 hex digits.
func SaltHex(s *big.Int) string { return fmt.Sprintf("0x%064x", s) }

// Commitment file: what `zkinfer dataset commit` publishes.
type CommitmentFile struct {
	Format     string `json:"format"`
	Commitment string `json:"commitment"`
	Schema
}

// CommitmentFormat names the commitment file's version.
// Version 2 hashes with package circuit/sponge; a version 1 commitment is
// of another hash, which this zkinfer does not compute.
const CommitmentFormat = "zkinfer-dataset-commitment-v2"

// ReadCommitment reads a commitment file.
func ReadCommitment(path string) (*CommitmentFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c CommitmentFile
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Format != CommitmentFormat {
		return nil, fmt.Errorf("%s: format %.40q is not %s: commit the dataset again with this zkinfer (zkinfer dataset commit)", path, c.Format, CommitmentFormat)
	}
	if _, err := circuit.ParseSalt(c.Commitment); err != nil || !strings.HasPrefix(c.Commitment, "0x") {
		return nil, fmt.Errorf("%s: commitment %.80q is not a field element in hex", path, c.Commitment)
	}
	if err := c.Schema.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}
