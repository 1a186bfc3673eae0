package weightroot

import (
	"encoding/hex"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/batch"
	"github.com/zkinfer/zkinfer/transparent/matmul"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/poseidon2gkr"
	"github.com/zkinfer/zkinfer/transparent/transcript"
	"github.com/zkinfer/zkinfer/transparent/weightpack"
)

// Bits is the packing's slot width: every weight lies in [−2^14, 2^14),
// every bias in [−2^29, 2^29) (two limbs).
const Bits = weightpack.DefaultBits

// Proof binds a proof's weight commitments to the root: the root itself
// (the model commitment the caller compares with the one it expects), the
// salt table's and the leaves' commitments, the packing proof and the
// tree proof. Their claims are in the chain's batch proof.
type Proof struct {
	Root   fr.Element
	Salt   pcs.Commitment
	Leaves pcs.Commitment
	Pack   weightpack.Proof
	Tree   poseidon2gkr.Proof
}

// Size returns the proof's size in bytes, 32 per field element or hash
// (48 a commitment, as package weightpack counts them).
func (p *Proof) Size() int { return 32 + 2*48 + p.Pack.Size() + p.Tree.Size() }

// Hex is the model commitment's text: 0x and the 64 lower-case hex digits
// of the root's canonical big-endian bytes.
func Hex(root fr.Element) string {
	b := root.Bytes()
	return "0x" + hex.EncodeToString(b[:])
}

// layout is the packing of tables of 2^vars[t] entries, wide[t] marking a
// bias.
func layout(vars []int, wide []bool) (*weightpack.Layout, error) {
	if len(vars) != len(wide) {
		return nil, fmt.Errorf("weightroot: %d tables and %d bias flags", len(vars), len(wide))
	}
	return weightpack.NewLayoutWide(vars, wide, Bits)
}

// inRange checks that every entry of tables[t] is a signed Bits-bit
// integer, or 2·Bits-bit when wide[t]: what the packing's range checks
// prove, so that a root is never printed for weights no proof can open.
func inRange(tables []mle.Table, wide []bool) error {
	for t, tab := range tables {
		bits := Bits
		if wide[t] {
			bits = 2 * Bits
		}
		lim := uint64(1) << (bits - 1)
		for y := range tab {
			var n fr.Element
			n.Neg(&tab[y])
			if !(tab[y].IsUint64() && tab[y].Uint64() < lim) && !(n.IsUint64() && n.Uint64() <= lim) {
				what := "weight"
				if wide[t] {
					what = "bias"
				}
				return fmt.Errorf("weightroot: table %d's %s %d is outside the %d-bit range the packing proves: quantize with a smaller scale", t, what, y, bits)
			}
		}
	}
	return nil
}

// tablesOf returns the layout's input tables: tables, then the salt's.
func tablesOf(l *weightpack.Layout, tables []mle.Table, salt [32]byte) []mle.Table {
	return append(append([]mle.Table(nil), tables...), l.SaltTable(salt))
}

// Root returns the model commitment of weight tables (the chain's
// commitment order, wide[t] marking biases) under the secret salt: the
// Poseidon2 Merkle root of their packing (package doc).
func Root(tables []mle.Table, wide []bool, salt [32]byte) (fr.Element, error) {
	vars := make([]int, len(tables))
	for t, tab := range tables {
		if vars[t] = tab.NumVars(); vars[t] < 0 {
			return fr.Element{}, fmt.Errorf("weightroot: table %d has %d entries, not a power of two", t, len(tab))
		}
	}
	l, err := layout(vars, wide)
	if err != nil {
		return fr.Element{}, err
	}
	if err := inRange(tables, wide); err != nil {
		return fr.Element{}, err
	}
	return l.Root(tablesOf(l, tables, salt))
}

// commit commits t under params afresh, with at least 4 columns
// (matmul.WeightRowVars): the salt's and the leaves' tables.
func commit(params pcs.Params, t mle.Table) (*pcs.ProverData, error) {
	return pcs.CommitShape(params, t, matmul.WeightRowVars(t.NumVars(), params))
}

// absorb binds the root and every commitment: the weights', the salt's,
// the leaves'.
func absorb(tr *transcript.Transcript, root fr.Element, coms []pcs.Commitment, salt, leaves pcs.Commitment) {
	tr.AppendElements("weightroot/root", root)
	tr.AppendUint64("weightroot/tables", uint64(len(coms)))
	for _, c := range coms {
		c.Absorb(tr, "weightroot/weights")
	}
	salt.Absorb(tr, "weightroot/salt")
	leaves.Absorb(tr, "weightroot/leaves")
}

// Prover is one proof's binding of freshly committed weight tables to the
// root: it proves once.
type Prover struct {
	l      *weightpack.Layout
	data   []*pcs.ProverData // the weight tables', then the salt's
	tables []mle.Table
	coms   []pcs.Commitment // the weight tables'
	leaves *pcs.ProverData
	proof  Proof
	proved bool
}

// NewProver takes the prover's data of the weight tables (the chain's
// commitment order, wide[t] marking biases; committed under params, which
// must hide), checks their entries' ranges, and commits the salt table and
// the leaves afresh under params.
func NewProver(params pcs.Params, data []*pcs.ProverData, wide []bool, salt [32]byte) (*Prover, error) {
	if !params.Hiding {
		return nil, fmt.Errorf("weightroot: the weights' binding needs hiding commitments (pcs.Params.Hiding)")
	}
	vars := make([]int, len(data))
	tables := make([]mle.Table, len(data))
	coms := make([]pcs.Commitment, len(data))
	for t, d := range data {
		if d == nil {
			return nil, fmt.Errorf("weightroot: table %d has no prover data (a verifier's or public layer)", t)
		}
		coms[t], tables[t] = d.Commitment(), d.Table()
		vars[t] = coms[t].NumVars
	}
	l, err := layout(vars, wide)
	if err != nil {
		return nil, err
	}
	if err := inRange(tables, wide); err != nil {
		return nil, err
	}
	all := tablesOf(l, tables, salt)
	sd, err := commit(params, all[len(all)-1])
	if err != nil {
		return nil, err
	}
	lv, err := l.Leaves(all)
	if err != nil {
		return nil, err
	}
	ld, err := commit(params, lv)
	if err != nil {
		return nil, err
	}
	root, err := poseidon2gkr.Root(lv)
	if err != nil {
		return nil, err
	}
	p := &Prover{l: l, data: append(append([]*pcs.ProverData(nil), data...), sd), tables: all, coms: coms, leaves: ld}
	p.proof = Proof{Root: root, Salt: sd.Commitment(), Leaves: ld.Commitment()}
	return p, nil
}

// Root returns the model commitment.
func (p *Prover) Root() fr.Element { return p.proof.Root }

// Bind absorbs the root and every commitment into the chain's transcript:
// call it right after the chain's statement, before any challenge.
func (p *Prover) Bind(tr *transcript.Transcript) {
	absorb(tr, p.proof.Root, p.coms, p.proof.Salt, p.proof.Leaves)
}

// Prove proves the packing and the tree on tr, their claims into bp (the
// chain's batch, proven after): call it after the chain's last step.
func (p *Prover) Prove(tr *transcript.Transcript, params pcs.Params, bp *batch.Prover) error {
	if p.proved {
		return fmt.Errorf("weightroot: the weights' commitments serve one proof: commit them again")
	}
	p.proved = true
	var err error
	if p.proof.Pack, err = weightpack.Prove(tr, params, p.l, p.data, p.tables, p.leaves, bp); err != nil {
		return err
	}
	var root fr.Element
	if p.proof.Tree, root, err = poseidon2gkr.ProveTree(tr, p.leaves, bp); err != nil {
		return err
	}
	if !root.Equal(&p.proof.Root) {
		return fmt.Errorf("weightroot: the tree's root is not the packing's (a bug)")
	}
	return nil
}

// Proof returns the proof (complete once Prove has run).
func (p *Prover) Proof() Proof { return p.proof }

// Verifier checks a Proof for a chain's weight commitments.
type Verifier struct {
	l     *weightpack.Layout
	coms  []pcs.Commitment
	proof Proof
}

// NewVerifier takes the weight commitments a proof carries (the chain's
// order, wide[t] marking biases, as the architecture says) and the proof.
func NewVerifier(coms []pcs.Commitment, wide []bool, proof Proof) (*Verifier, error) {
	vars := make([]int, len(coms))
	for t, c := range coms {
		vars[t] = c.NumVars
	}
	l, err := layout(vars, wide)
	if err != nil {
		return nil, err
	}
	return &Verifier{l: l, coms: coms, proof: proof}, nil
}

// Bind is Prover.Bind's verifier side.
func (v *Verifier) Bind(tr *transcript.Transcript) {
	absorb(tr, v.proof.Root, v.coms, v.proof.Salt, v.proof.Leaves)
}

// Verify checks the packing and the tree on tr where the prover ran them,
// their claims into bv (the chain's batch, verified after).
func (v *Verifier) Verify(tr *transcript.Transcript, params pcs.Params, bv *batch.Verifier) error {
	coms := append(append([]pcs.Commitment(nil), v.coms...), v.proof.Salt)
	if err := weightpack.Verify(tr, params, v.l, coms, v.proof.Leaves, v.proof.Pack, bv); err != nil {
		return fmt.Errorf("weightroot: %v", err)
	}
	if err := poseidon2gkr.VerifyTree(tr, params, v.proof.Leaves, v.proof.Root, v.proof.Tree, bv); err != nil {
		return fmt.Errorf("weightroot: %v", err)
	}
	return nil
}
