package artifact

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/proof/verifier"
	"github.com/zkinfer/zkinfer/transparent/cnn"
	"github.com/zkinfer/zkinfer/transparent/lower"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/mlp"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/weightroot"
	"github.com/zkinfer/zkinfer/transparent/wire"
)

// Hashed weights (--param-visibility hashed; docs/TRANSPARENT.md, "Secret
// weights"). The directory holds the model with its weights zeroed
// (onnx.StripWeights of model.SecretInitializers, as Groth16's hashed
// directories) and ArchFile: the lowered chain with its weights dropped —
// shapes, shifts (the weights' scale), bits, ReLU, pools, which layers
// have a bias — whose SHA-256 is settings.json's circuit_sha256. The
// verifier builds the chain from it alone; the prover compiles the real
// model (--model), checks that it strips to the directory's model and
// lowers to the same architecture, commits every layer's weights afresh
// (hiding commitments with vanishing masks, crypto randomness: other
// commitments in every proof), and proves with ZKParams (zk.go) that they
// pack, with the salt (--param-salt), into leaves whose Poseidon2 Merkle
// root is the model commitment (package weightroot), in the chain's one
// batch. The proof (wire kind 4, 5 or 7: a dense chain's, a CNN's, a
// residual network's) carries the commitments, in the order of the chain's
// CommitWeights (a residual network's: its convolution nodes in node
// order, then its dense layers; cnn/rescommitted.go), and the binding with
// the root; the root, as 0x and 64 hex digits (weightroot.Hex), is the
// model commitment, listed in PROOF.json's commitments["params"] and
// printed by `zkinfer commit` (recomputed from the ONNX and the salt by
// weightroot.Root, nothing proven).

// ArchFile is the architecture of a hashed-weights directory.
const ArchFile = "architecture.json"

// HidingParams are Params with hiding commitments: every table of a
// hashed-weights proof, the weights' included, is committed with them.
var HidingParams = pcs.Params{RateLog: Params.RateLog, Queries: Params.Queries, Hiding: true}

// arch is ArchFile's content. A residual network's nodes are in Res (a
// dense chain's and a CNN's files, without it, are as before residual
// networks had hashed weights).
type arch struct {
	M      int         `json:"rows"`
	InBits int         `json:"in_bits"`
	Convs  []cnn.Conv  `json:"convs,omitempty"`
	Dense  []mlp.Dense `json:"dense"`
	Res    *resArch    `json:"residual,omitempty"`
}

// resArch is a residual network's input shape and nodes, each
// convolution's weights dropped (its bias kept as in Convs); the average
// pools' weights are the shape's, public, and kept.
type resArch struct {
	In    [3]int     `json:"in"`
	Nodes []cnn.Node `json:"nodes"`
}

// archOf returns the chain's architecture: its weights dropped, a bias
// kept as an empty list (present) or null (absent).
func archOf(c *lower.Chain) arch {
	a := arch{M: c.M, InBits: c.InBits}
	if c.Res != nil {
		a.Res = &resArch{In: c.Res.In}
		for _, n := range c.Res.Nodes {
			if n.Kind == cnn.NodeConv {
				n.Conv.W = nil
				if n.Conv.B != nil {
					n.Conv.B = []int64{}
				}
			}
			a.Res.Nodes = append(a.Res.Nodes, n)
		}
		a.Dense = append(a.Dense, c.Res.Dense...)
	} else if c.CNN != nil {
		for _, cv := range c.CNN.Convs {
			cv.W = nil
			if cv.B != nil {
				cv.B = []int64{}
			}
			a.Convs = append(a.Convs, cv)
		}
		a.Dense = append(a.Dense, c.CNN.Dense...)
	} else {
		a.Dense = append(a.Dense, c.Layers...)
	}
	for i := range a.Dense {
		a.Dense[i].W = nil
		if a.Dense[i].B != nil {
			a.Dense[i].B = []int64{}
		}
	}
	return a
}

// chain builds the verifier's chain of a: zero weights (never read: the
// proof's commitments replace them).
func (a arch) chain() (*lower.Chain, error) {
	c := &lower.Chain{M: a.M, InBits: a.InBits}
	dense := make([]mlp.Dense, len(a.Dense))
	for i, d := range a.Dense {
		d.W = make([]int64, d.K*d.N)
		if d.B != nil {
			d.B = make([]int64, d.N)
		}
		dense[i] = d
	}
	var err error
	if a.Res != nil {
		nodes := make([]cnn.Node, len(a.Res.Nodes))
		for i, n := range a.Res.Nodes {
			if n.Kind == cnn.NodeConv {
				s := n.Conv.Shape
				n.Conv.W = make([]int64, s.O*s.C*s.KH*s.KW)
				if n.Conv.B != nil {
					n.Conv.B = make([]int64, s.O)
				}
			}
			nodes[i] = n
		}
		c.Layers = dense
		c.Res, err = cnn.NewResidual(a.InBits, a.Res.In, nodes, dense)
	} else if len(a.Convs) > 0 {
		convs := make([]cnn.Conv, len(a.Convs))
		for i, cv := range a.Convs {
			s := cv.Shape
			cv.W = make([]int64, s.O*s.C*s.KH*s.KW)
			if cv.B != nil {
				cv.B = make([]int64, s.O)
			}
			convs[i] = cv
		}
		c.CNN, err = cnn.NewModel(a.InBits, convs, dense)
	} else {
		c.Layers = dense
		c.Model, err = mlp.NewModel(a.InBits, dense)
	}
	return c, err
}

func archJSON(c *lower.Chain) []byte {
	b, _ := json.MarshalIndent(archOf(c), "", " ")
	return append(b, '\n')
}

// weightCount is the number of weights and biases of a chain.
func weightCount(c *lower.Chain) int {
	n := 0
	a := archOf(c)
	convs := a.Convs
	if a.Res != nil {
		for _, nd := range a.Res.Nodes {
			if nd.Kind == cnn.NodeConv {
				convs = append(convs, nd.Conv)
			}
		}
	}
	for _, cv := range convs {
		n += cv.Shape.O * cv.Shape.C * cv.Shape.KH * cv.Shape.KW
		if cv.B != nil {
			n += cv.Shape.O
		}
	}
	for _, d := range a.Dense {
		n += d.K * d.N
		if d.B != nil {
			n += d.N
		}
	}
	return n
}

// stripped returns the model raw with its weights zeroed.
func stripped(raw []byte) ([]byte, error) {
	g, err := onnx.Parse(raw)
	if err != nil {
		return nil, err
	}
	return onnx.StripWeights(raw, model.SecretInitializers(g))
}

// hashedFiles returns the directory's model.onnx and architecture.json for
// hashed weights, and completes the settings.
func (c *Compiled) hashedFiles(raw []byte) (model, archB []byte, err error) {
	if model, err = stripped(raw); err != nil {
		return nil, nil, fmt.Errorf("compile: %w", err)
	}
	archB = archJSON(c.Chain)
	sum, asum := sha256.Sum256(model), sha256.Sum256(archB)
	c.Settings.ModelSHA256 = hex.EncodeToString(sum[:])
	c.Settings.CircuitSHA = hex.EncodeToString(asum[:])
	c.Settings.SecretWeights = weightCount(c.Chain)
	fs := c.fixedSettings()
	c.Settings.PublicInputs = fs.Layout().NumPublic() // the outputs and the context: the commitment is in the proof
	return model, archB, nil
}

// openHashed is Open for a hashed-weights directory: the stripped model's
// digest and the architecture's are checked against settings.json, and the
// chain is the architecture's (no weights); no model is compiled.
func openHashed(dir string, c *Compiled, raw []byte) error {
	a, err := os.ReadFile(filepath.Join(dir, ArchFile))
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if sum := sha256.Sum256(a); hex.EncodeToString(sum[:]) != c.Settings.CircuitSHA {
		return fmt.Errorf("%s: %s does not match settings.json's circuit_sha256: compile again", dir, ArchFile)
	}
	var ar arch
	dec := json.NewDecoder(bytes.NewReader(a))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ar); err != nil {
		return fmt.Errorf("%s: %s is corrupt: %v", dir, ArchFile, err)
	}
	if c.Chain, err = ar.chain(); err != nil {
		return fmt.Errorf("%s: %s: %v", dir, ArchFile, err)
	}
	if !bytes.Equal(archJSON(c.Chain), a) || weightCount(c.Chain) != c.Settings.SecretWeights {
		return fmt.Errorf("%s: %s is not in canonical form or disagrees with settings.json: compile again", dir, ArchFile)
	}
	c.Settings.ZeroKnowledge = true // every shape hides (zk.go)
	return nil
}

// withWeights compiles the model with its weights at path and checks it is
// the directory's: it strips to the directory's model and lowers to its
// architecture.
func (c *Compiled) withWeights(path string) (*Compiled, error) {
	if path == "" {
		return nil, fmt.Errorf("this directory keeps the weights secret and holds none: pass the model with its weights (--model MODEL.onnx)")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	st, err := stripped(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if sum := sha256.Sum256(st); hex.EncodeToString(sum[:]) != c.Settings.ModelSHA256 {
		return nil, fmt.Errorf("%s does not have the architecture %s was compiled from", path, c.Dir)
	}
	vis := c.Settings.Visibility
	vis.Params, vis.ParamCommitment = circuit.Fixed, ""
	w, err := build(path, raw, c.Settings.Quant, vis)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(archJSON(w.Chain), archJSON(c.Chain)) {
		return nil, fmt.Errorf("%s lowers to another architecture (its weights' scale differs) than %s's: compile it again", path, c.Dir)
	}
	return w, nil
}

// saltSeed turns --param-salt into the salt table's seed
// (weightpack.Layout.SaltTable): all the randomness of the model
// commitment. A missing salt is refused: the commitment hides only with a
// secret random one.
func saltSeed(salt *big.Int) ([32]byte, error) {
	var s [32]byte
	if salt == nil || salt.Sign() == 0 {
		return s, fmt.Errorf("hashed weights need a secret random salt: pass --param-salt 0x… (32 random bytes, kept secret; `zkinfer commit` takes the same)")
	}
	if salt.BitLen() > 256 {
		return s, fmt.Errorf("--param-salt has %d bits, more than 256: pass 32 random bytes as 0x and 64 hex digits", salt.BitLen())
	}
	salt.FillBytes(s[:])
	return s, nil
}

// commitWeights commits w's weights afresh, bound to the root under the
// salt: the committed chain and the commitments.
func commitWeights(w *Compiled, seed [32]byte) (*committed, error) {
	h := &committed{}
	var err error
	switch {
	case w.Chain.CNN != nil:
		h.cnn, h.coms, err = w.Chain.CNN.CommitWeights(w.params(), seed)
	case w.Chain.Res != nil:
		h.res, h.coms, err = w.Chain.Res.CommitWeights(w.params(), seed)
	default:
		h.mlp, h.coms, err = w.Chain.Model.CommitWeights(w.params(), seed)
	}
	if err != nil {
		return nil, err
	}
	return h, nil
}

// rootOf returns the model commitment's function of the salt for the
// weight tables (the chain's WeightTables).
func rootOf(tables []mle.Table, wide []bool) func([32]byte) (string, error) {
	return func(seed [32]byte) (string, error) {
		r, err := weightroot.Root(tables, wide, seed)
		if err != nil {
			return "", err
		}
		return weightroot.Hex(r), nil
	}
}

// weightsRoot is the model commitment of w's weights under the salt,
// computed without committing or proving.
func weightsRoot(w *Compiled, seed [32]byte) (string, error) {
	switch {
	case w.Chain.CNN != nil:
		return rootOf(w.Chain.CNN.WeightTables())(seed)
	case w.Chain.Res != nil:
		return rootOf(w.Chain.Res.WeightTables())(seed)
	}
	return rootOf(w.Chain.Model.WeightTables())(seed)
}

// WeightsCommitment returns the model commitment of the weights in the
// model at path with the salt: what `zkinfer commit DIR --model MODEL.onnx
// --param-salt HEX` prints (the Poseidon2 root, weightroot.Hex), equal to
// the one in every proof made with them. Nothing is committed or proven.
func (c *Compiled) WeightsCommitment(path string, salt *big.Int) (string, error) {
	if c.Settings.Visibility.Params != circuit.Hashed {
		return "", fmt.Errorf("%s was compiled with fixed weights: there is no weights' commitment (compile with --param-visibility hashed)", c.Dir)
	}
	seed, err := saltSeed(salt)
	if err != nil {
		return "", err
	}
	w, err := c.withWeights(path)
	if err != nil {
		return "", err
	}
	return weightsRoot(w, seed)
}

// sameCommitment compares two model commitments' hex, with or without 0x,
// in either case.
func sameCommitment(a, b string) bool {
	trim := func(s string) string { return strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")) }
	return trim(a) == trim(b)
}

// committed is a hashed-weights prover's model: the chain with its weights
// committed, the commitments, and once proven the model commitment the
// proof binds them to (weightroot.Hex).
type committed struct {
	mlp  *mlp.Model
	cnn  *cnn.Model
	res  *cnn.Residual
	coms []pcs.Commitment
	root string
}

// prove proves the committed chain on x: the encoded proof (kind 4, 5 or
// 7) and the outputs; h.root is then the proof's model commitment.
func (h *committed) prove(c *Compiled, x []int64) ([]byte, []int64, error) {
	if h.res != nil {
		prf, y, err := cnn.ProveResidualCommitted(c.params(), h.res, h.coms, x)
		if err != nil {
			return nil, nil, err
		}
		h.root = weightroot.Hex(prf.ModelCommitment())
		b, err := wire.EncodeResidualCommitted(&prf)
		return b, y, err
	}
	if h.cnn != nil {
		prf, y, err := cnn.ProveCommitted(c.params(), h.cnn, h.coms, x)
		if err != nil {
			return nil, nil, err
		}
		h.root = weightroot.Hex(prf.ModelCommitment())
		b, err := wire.EncodeCNNCommitted(&prf)
		return b, y, err
	}
	prf, y, err := mlp.ProveCommitted(c.params(), h.mlp, h.coms, c.Chain.M, x)
	if err != nil {
		return nil, nil, err
	}
	h.root = weightroot.Hex(prf.ModelCommitment())
	b, err := wire.EncodeMLPCommitted(&prf)
	return b, y, err
}

// Weighted returns the hashed-weights directory c with the model at path
// (the directory's architecture with its real weights) compiled and
// lowered: what ProveHashed proves.
func (c *Compiled) Weighted(path string) (*Compiled, error) {
	if c.Settings.Visibility.Params != circuit.Hashed {
		return nil, fmt.Errorf("%s was compiled with fixed weights: --model and --param-salt are for --param-visibility hashed", c.Dir)
	}
	w, err := c.withWeights(path)
	if err != nil {
		return nil, err
	}
	w.Dir, w.Settings = c.Dir, c.Settings
	return w, nil
}

// ProveHashed proves the Weighted directory c on vals, its weights
// committed with salt, bound to ctx as Prove binds it: the proof lists the
// model commitment as commitments["params"].
func (c *Compiled) ProveHashed(vals [][]float64, salt *big.Int, ctx []byte) (*verifier.Proof, error) {
	if c.Settings.Visibility.Params != circuit.Hashed || c.Model == nil {
		return nil, fmt.Errorf("prove: ProveHashed needs a hashed-weights directory with its weights (Weighted)")
	}
	seed, err := saltSeed(salt)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	if len(ctx) > circuit.MaxContextBytes {
		return nil, fmt.Errorf("prove: the context has %d bytes, more than %d: pass a hash of it", len(ctx), circuit.MaxContextBytes)
	}
	c = c.bound(ctx)
	h, err := commitWeights(c, seed)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	return c.prove(vals, h, ctx)
}

// statedCommitment returns the proof file's model commitment and checks
// it against the verifier's expectation: exactly one, "params", for
// hashed weights; none for fixed ones.
func (c *Compiled) statedCommitment(p *verifier.Proof, opt verifier.Options) (string, error) {
	if c.Settings.Visibility.Params != circuit.Hashed {
		if len(p.Commitments) > 0 {
			return "", fmt.Errorf("proof lists commitments, but this directory's weights are fixed")
		}
		return "", nil
	}
	mc, ok := p.Commitments["params"]
	if !ok || len(p.Commitments) != 1 {
		return "", fmt.Errorf("proof does not list exactly its params commitment (the model commitment of hashed weights)")
	}
	if opt.ModelCommitment != "" && !sameCommitment(opt.ModelCommitment, mc) {
		return "", fmt.Errorf("the proof's params commitment %.80s is not the expected %.80s", mc, opt.ModelCommitment)
	}
	return mc, nil
}

// verifyHashed decodes raw as a committed proof of the chain's kind, checks
// that it binds its weight commitments to the model commitment mc (the
// root it carries is mc; the proof's binding part proves the rest), and
// verifies it for the outputs y.
func (c *Compiled) verifyHashed(raw []byte, y []int64, mc string) error {
	if c.Chain.Res != nil {
		prf, err := wire.DecodeResidualCommitted(raw)
		if err != nil {
			return err
		}
		if err := sameRoot(prf.ModelCommitment(), mc); err != nil {
			return err
		}
		return cnn.VerifyResidualCommitted(c.params(), c.Chain.Res, y, *prf)
	}
	if c.Chain.CNN != nil {
		prf, err := wire.DecodeCNNCommitted(raw)
		if err != nil {
			return err
		}
		if err := sameRoot(prf.ModelCommitment(), mc); err != nil {
			return err
		}
		return cnn.VerifyCommitted(c.params(), c.Chain.CNN, y, *prf)
	}
	prf, err := wire.DecodeMLPCommitted(raw)
	if err != nil {
		return err
	}
	if err := sameRoot(prf.ModelCommitment(), mc); err != nil {
		return err
	}
	return mlp.VerifyCommitted(c.params(), c.Chain.Model, c.Chain.M, y, *prf)
}

// sameRoot checks that the root a transparent proof binds its weights to
// is the proof file's model commitment mc.
func sameRoot(root fr.Element, mc string) error {
	if got := weightroot.Hex(root); !sameCommitment(got, mc) {
		return fmt.Errorf("its weights are bound to the model commitment %s, the proof file lists %.80s", got, mc)
	}
	return nil
}

// fixedSettings are the settings with the weights' visibility fixed: the
// statement's public inputs (the outputs, the context) are the same for
// hashed weights, whose commitment travels in the proof file and the
// transparent proof, not as a public input.
func (c *Compiled) fixedSettings() verifier.Settings {
	s := c.Settings
	s.Visibility.Params, s.Visibility.ParamCommitment = circuit.Fixed, ""
	return s
}
