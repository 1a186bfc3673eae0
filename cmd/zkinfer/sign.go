package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strings"

	edwards "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/quant"
)

func init() {
	commands = append(commands, command{"sign", "--key KEY.json --input IN.json --out SIGNED.json [--nonce N] [--scale S] | keygen --out KEY.json [--seed HEX]",
		"sign an input as a device does, for circuits compiled with --input-signed-by eddsa (keygen: a new device key)", cmdSign})
}

// signScheme names the signature in key and signed-input files: EdDSA on
// BN254's twisted Edwards curve, Poseidon2 for the message and challenge
// (circuit.InputMessage).
const signScheme = "eddsa-bn254-poseidon2"

// keyFile is what `zkinfer sign keygen` writes: a device's key pair.
type keyFile struct {
	Scheme     string `json:"scheme"`
	PublicKey  string `json:"public_key"`
	PrivateKey string `json:"private_key"`
}

// signatureJSON is the "signature" of a signed input file, beside its
// "input_data": the device key, the nonce, the scale the values were
// signed at and the signature (R compressed, S).
type signatureJSON struct {
	Scheme string `json:"scheme"`
	Key    string `json:"key"`
	Nonce  uint64 `json:"nonce"`
	Scale  int    `json:"scale"`
	R      string `json:"r"`
	S      string `json:"s"`
}

func cmdSign(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 && args[0] == "keygen" {
		return signKeygen(fs, args[1:])
	}
	keyPath := fs.String("key", "", "the device's key file (zkinfer sign keygen)")
	input := fs.String("input", "", "input file in EZKL's format {\"input_data\": [[...]]}")
	out := fs.String("out", "", "the signed input file to write: the input and its signature, for prove --input")
	nonce := fs.Uint64("nonce", 0, "the nonce signed with the input: a counter or a timestamp the verifier refuses to see twice (a public input of the proof)")
	scale := fs.Int("scale", quant.Default.Scale, "the fixed-point scale the values are signed at (x ≈ q/2^scale): the model's input scale")
	if _, err := parse(fs, args, 0, "key", "input", "out"); err != nil {
		return err
	}
	if *scale < 0 || *scale > 30 {
		return usageError{fmt.Sprintf("--scale %d is outside [0, 30]", *scale)}
	}
	key, err := readKeyFile(*keyPath)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(*input)
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	vals, err := model.ParseInput(*input, raw)
	if err != nil {
		return err
	}
	q, err := quantizeSigned(vals, *scale)
	if err != nil {
		return fmt.Errorf("%s: %w", *input, err)
	}
	sig, err := circuit.SignInput(key, *scale, *nonce, q)
	if err != nil {
		return err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("input: %s: %v", *input, err)
	}
	rb, sb := sig.R.Bytes(), make([]byte, 32)
	sig.S.FillBytes(sb)
	sj, _ := json.Marshal(signatureJSON{Scheme: signScheme, Key: circuit.KeyHex(&sig.Key), Nonce: sig.Nonce, Scale: *scale,
		R: "0x" + hex.EncodeToString(rb[:]), S: "0x" + hex.EncodeToString(sb)})
	doc["signature"] = sj
	b, _ := json.Marshal(doc)
	if err := atomicfile.WriteFile(*out, append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d values signed at scale 2^%d with nonce %d by the device key %s\n", *out, len(q), *scale, *nonce, circuit.KeyHex(&sig.Key))
	return nil
}

// quantizeSigned is the fixed-point values of an input, flattened in order,
// as model.Quantize computes those of a float input.
func quantizeSigned(vals [][]float64, scale int) ([]int64, error) {
	var q []int64
	for i, t := range vals {
		for j, v := range t {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("input %d[%d] is %v", i, j, v)
			}
			if math.Abs(v)*math.Exp2(float64(scale)) >= 1<<(circuit.MaxSignedBits-1) {
				return nil, fmt.Errorf("input %d[%d] = %v is too large to sign at scale 2^%d", i, j, v, scale)
			}
			q = append(q, quant.Quantize(v, scale))
		}
	}
	return q, nil
}

func signKeygen(fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "the key file to write (it holds the private key: keep it on the device)")
	seed := fs.String("seed", "", "hex of 32 bytes to derive the key from, for tests and simulators (default: random)")
	if _, err := parse(fs, args, 0, "out"); err != nil {
		return err
	}
	var r io.Reader // crypto/rand
	if *seed != "" {
		b, err := hex.DecodeString(strings.TrimPrefix(*seed, "0x"))
		if err != nil || len(b) != 32 {
			return usageError{"--seed must be hex of 32 bytes"}
		}
		r = bytes.NewReader(b)
	}
	k, err := circuit.GenerateSigningKey(r)
	if err != nil {
		return err
	}
	pub := circuit.KeyHex(&k.PublicKey.A)
	b, _ := json.MarshalIndent(keyFile{Scheme: signScheme, PublicKey: pub, PrivateKey: "0x" + hex.EncodeToString(k.Bytes())}, "", "  ")
	if err := atomicfile.WriteFile(*out, append(b, '\n')); err != nil {
		return err
	}
	if err := os.Chmod(*out, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: device key %s\n", *out, pub)
	return nil
}

// readKeyFile reads a key file written by keygen.
func readKeyFile(path string) (*eddsa.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	var kf keyFile
	if err := json.Unmarshal(raw, &kf); err != nil {
		return nil, fmt.Errorf("key: %s is not a key file (zkinfer sign keygen): %v", path, err)
	}
	if kf.Scheme != signScheme {
		return nil, fmt.Errorf("key: %s is a %.40q key, not %s", path, kf.Scheme, signScheme)
	}
	b, err := hex.DecodeString(strings.TrimPrefix(kf.PrivateKey, "0x"))
	if err != nil {
		return nil, fmt.Errorf("key: %s: private_key is not hex", path)
	}
	var k eddsa.PrivateKey
	if _, err := k.SetBytes(b); err != nil {
		return nil, fmt.Errorf("key: %s: private_key: %v", path, err)
	}
	return &k, nil
}

// readSignature reads the "signature" of a signed input file (nil when it
// has none) for a model whose inputs are at scale 2^scale.
func readSignature(path string, scale int) (*circuit.InputSignature, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	var doc struct {
		Signature *signatureJSON `json:"signature"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Signature == nil {
		return nil, nil // not signed (a malformed file fails in ReadInput)
	}
	s := doc.Signature
	bad := func(what string, err error) error {
		return fmt.Errorf("input: %s: signature: %s: %v", path, what, err)
	}
	if s.Scheme != signScheme {
		return nil, bad("scheme", fmt.Errorf("%.40q is not %s", s.Scheme, signScheme))
	}
	if s.Scale != scale {
		return nil, fmt.Errorf("input: %s was signed at scale 2^%d, the model's inputs are at 2^%d: sign it with --scale %d", path, s.Scale, scale, scale)
	}
	sig := &circuit.InputSignature{Nonce: s.Nonce}
	if sig.Key, err = circuit.ParseKey(s.Key); err != nil {
		return nil, bad("key", err)
	}
	rb, err := hex.DecodeString(strings.TrimPrefix(s.R, "0x"))
	if err == nil && len(rb) != 32 {
		err = errors.New("not 32 bytes")
	}
	if err != nil {
		return nil, bad("r", err)
	}
	var r edwards.PointAffine
	if _, err := r.SetBytes(rb); err != nil {
		return nil, bad("r", err)
	}
	sig.R = r
	sb, err := hex.DecodeString(strings.TrimPrefix(s.S, "0x"))
	if err == nil && len(sb) != 32 {
		err = errors.New("not 32 bytes")
	}
	if err != nil {
		return nil, bad("s", err)
	}
	sig.S = new(big.Int).SetBytes(sb)
	return sig, nil
}

// signedCompileFlag adds compile's --input-signed-by.
func signedCompileFlag(fs *flag.FlagSet, vis *circuit.Visibility) {
	fs.Var(stringFlag[circuit.Signer]{&vis.InputSignedBy}, "input-signed-by", "eddsa: the circuit checks a device's signature over the input and a nonce (zkinfer sign); the device key and nonce become public inputs")
}
