package sumcheck

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/mle"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// A MaskStream gives the zero-knowledge sumchecks of a long protocol (a
// chain proof: matmul, conv, rescale, logUp, maxpool, …) their Libra masks
// from [MaskPool]s whose slots are laid out as the sumchecks come, so that
// the caller need not list every sumcheck's degrees up front. Attached to a
// transcript ([AttachStream]), it makes every [ProveSum] with zk over n ≥ 1
// variables on that transcript a [ProveSumPooled] in the next slot; the
// verifier attaches a [StreamVerifier] the same way, and [VerifySum] of a
// masked proof becomes [VerifySumPooled].
//
// Layout. Slots fill the current pool from offset 0 in the order the
// sumchecks run; when a sumcheck's Σ_j (deg_j + 1) coefficients do not fit
// (or before the first), a new pool of 2^max(vars, ⌈log2 need⌉) entries is
// drawn, committed and absorbed right there, before that sumcheck's shape
// and challenges. Both sides take the same decisions from the same
// statements (each sumcheck's shape fixes its degrees and the transcript
// binds it before its challenges), so the verifier reads the pools'
// commitments from the proof in order and checks each one's size.
//
// Soundness is [MaskPool]'s per pool: a pool's table is bound when it is
// absorbed, before any challenge of the sumchecks it serves (its slots all
// come after), so no mask depends on a challenge; each slot's offset and
// degrees are public functions of the statements before it. Per pool:
// (#slots + 2m + 3)/|F| and two pcs errors. Zero knowledge is
// [MaskPool]'s: disjoint slots of fresh uniform coefficients; a pool's
// unused tail is uniform and enters nothing (A is zero there).
type MaskStream struct {
	vars  int
	maskP pcs.Params
	pools []*MaskPool
	fill  int        // coefficients used in the last pool
	cheat poolCheats // tests only: given to every pool
}

// StreamVerifier is the verifier's side of a [MaskStream].
type StreamVerifier struct {
	vars  int
	maskP pcs.Params
	coms  []pcs.Commitment
	pools []*PoolVerifier
	fill  int
}

// StreamProof is what a [MaskStream] adds to a proof: its pools'
// commitments (in the order they were made) and their openings.
type StreamProof struct {
	Coms  []pcs.Commitment
	Opens []PoolOpening
}

// Size returns the stream's bytes, 32 per field element or hash (48 a
// commitment).
func (p *StreamProof) Size() int {
	n := 48 * len(p.Coms)
	for i := range p.Opens {
		n += p.Opens[i].Size()
	}
	return n
}

// StreamVars is a new pool's least size, 2^StreamVars coefficients: one
// such pool holds all 35 of cnn_c32's zero-knowledge sumchecks (its
// opening ≈ 383 KB against ≈ 72 KB a mask committed alone).
const StreamVars = 14

// NewMaskStream returns a stream of pools of ≥ 2^vars coefficients under
// [MaskParams].
func NewMaskStream(vars int) *MaskStream { return &MaskStream{vars: vars, maskP: MaskParams} }

// NewStreamVerifier returns the verifier's side of NewMaskStream(vars)
// whose pools' commitments are coms.
func NewStreamVerifier(vars int, coms []pcs.Commitment) *StreamVerifier {
	return &StreamVerifier{vars: vars, maskP: MaskParams, coms: coms}
}

// poolVars is a new pool's size for a first slot of total coefficients.
func poolVars(vars, total int) int {
	for 1<<vars < max(total, 2) {
		vars++
	}
	return vars
}

// absorbStream binds a streamed pool's commitment and its size.
func absorbStream(tr *transcript.Transcript, com pcs.Commitment, vars int) {
	com.Absorb(tr, "sumcheck/stream/pool")
	tr.AppendUint64("sumcheck/stream/vars", uint64(vars))
}

// next returns the pool and slot for a sumcheck of round degrees degs,
// committing a new pool when the last one is full.
func (st *MaskStream) next(tr *transcript.Transcript, degs []int) (*MaskPool, int, error) {
	if err := checkDegrees(degs); err != nil {
		return nil, 0, err
	}
	_, total := maskOffsets(degs)
	if len(st.pools) == 0 || st.fill+total > 1<<st.pools[len(st.pools)-1].vars {
		v := poolVars(st.vars, total)
		if v > 30 {
			return nil, 0, fmt.Errorf("sumcheck: a mask pool of 2^%d coefficients", v)
		}
		pool := &MaskPool{layout: layout{vars: v}, coef: make(mle.Table, 1<<v), maskP: st.maskP, cheat: st.cheat}
		if err := drawMask(pool.coef); err != nil {
			return nil, 0, err
		}
		p := poolParams(st.maskP)
		var err error
		if pool.data, err = pcs.CommitShape(p, pool.coef, pcs.RowVars(v, p)); err != nil {
			return nil, 0, fmt.Errorf("sumcheck: committing a mask pool: %v", err)
		}
		absorbStream(tr, pool.data.Commitment(), v)
		st.pools, st.fill = append(st.pools, pool), 0
	}
	pool := st.pools[len(st.pools)-1]
	s := pool.addSlot(degs, st.fill)
	st.fill += total
	return pool, s, nil
}

// next is the verifier's [MaskStream.next], the pools' commitments read
// from the proof in order.
func (sv *StreamVerifier) next(tr *transcript.Transcript, degs []int) (*PoolVerifier, int, error) {
	if err := checkDegrees(degs); err != nil {
		return nil, 0, err
	}
	_, total := maskOffsets(degs)
	if len(sv.pools) == 0 || sv.fill+total > 1<<sv.pools[len(sv.pools)-1].vars {
		if len(sv.pools) == len(sv.coms) {
			return nil, 0, fmt.Errorf("sumcheck: the proof's %d mask pools are full (the sumchecks need another)", len(sv.coms))
		}
		v, com := poolVars(sv.vars, total), sv.coms[len(sv.pools)]
		if com.NumVars != v || com.RowVars < 0 || com.RowVars > v {
			return nil, 0, fmt.Errorf("sumcheck: mask pool %d committed over %d variables (%d row variables), want %d", len(sv.pools), com.NumVars, com.RowVars, v)
		}
		absorbStream(tr, com, v)
		sv.pools, sv.fill = append(sv.pools, &PoolVerifier{layout: layout{vars: v}, com: com, maskP: sv.maskP}), 0
	}
	pv := sv.pools[len(sv.pools)-1]
	s := pv.addSlot(degs, sv.fill)
	sv.fill += total
	return pv, s, nil
}

// addSlot appends a slot of degrees degs at offset off.
func (l *layout) addSlot(degs []int, off int) int {
	l.slots = append(l.slots, append([]int(nil), degs...))
	l.offs = append(l.offs, off)
	l.used = append(l.used, false)
	l.points = append(l.points, nil)
	l.values = append(l.values, fr.Element{})
	return len(l.slots) - 1
}

// Open opens every pool (after the last sumcheck) and returns the proof's
// part.
func (st *MaskStream) Open(tr *transcript.Transcript) (StreamProof, error) {
	var p StreamProof
	for i, pool := range st.pools {
		op, err := pool.Open(tr)
		if err != nil {
			return StreamProof{}, fmt.Errorf("sumcheck: mask pool %d: %v", i, err)
		}
		p.Coms, p.Opens = append(p.Coms, pool.Commitment()), append(p.Opens, op)
	}
	return p, nil
}

// Verify checks the pools' openings: every commitment used, each pool's
// fold, reduction and opening ([PoolVerifier.Verify]).
func (sv *StreamVerifier) Verify(tr *transcript.Transcript, opens []PoolOpening) error {
	if len(sv.pools) != len(sv.coms) || len(opens) != len(sv.coms) {
		return fmt.Errorf("sumcheck: %d mask pool commitments and %d openings for %d pools the sumchecks used", len(sv.coms), len(opens), len(sv.pools))
	}
	for i, pv := range sv.pools {
		if err := pv.Verify(tr, opens[i]); err != nil {
			return fmt.Errorf("sumcheck: mask pool %d: %v", i, err)
		}
	}
	return nil
}

// AttachStream makes every zk [ProveSum] (n ≥ 1) on tr draw its mask from
// st (a *MaskStream) and every masked [VerifySum] on tr check it as a slot
// of st (a *StreamVerifier), until [DetachStream]. The stream travels with
// tr ([transcript.Transcript.Attach]), so no state outlives the proof.
func AttachStream(tr *transcript.Transcript, st any) {
	switch st.(type) {
	case *MaskStream, *StreamVerifier:
		tr.Attach(st)
	default:
		panic("sumcheck: AttachStream of neither a MaskStream nor a StreamVerifier")
	}
}

// DetachStream ends tr's stream (call it before opening the stream).
func DetachStream(tr *transcript.Transcript) { tr.Attach(nil) }

func attached(tr *transcript.Transcript) any { return tr.Attached() }
