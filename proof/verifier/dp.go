package verifier

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/dp"
	"github.com/zkinfer/zkinfer/ops"
)

// DPProof is a proof file's "dp" section, for a circuit compiled with
// --dp: the seed commitment and the coins the noise came from, and the
// released (noisy) outputs in output units, in the layout of "outputs".
// Each repeats public inputs, which checkDP compares.
type DPProof struct {
	// Mechanism is the release's statement in words (DPRelease.Words):
	// what a reader of the file learns of the noise without zkinfer.
	Mechanism      string      `json:"mechanism"`
	SeedCommitment string      `json:"seed_commitment"`
	Coins          string      `json:"coins"`
	Released       [][]float64 `json:"released"`
}

// DPValue is a released lattice value R in output units: R·2^(g−s), plus
// half a step when the lattice is coarser than the outputs (g > 0), the
// middle of the interval [R·step, (R+1)·step) the floor maps to R.
func DPValue(r *circuit.DPResolved, v *big.Int) float64 {
	f := new(big.Float).SetInt(v)
	if r.Shift > 0 {
		f.Add(f, big.NewFloat(0.5))
	}
	f.SetMantExp(f, r.Shift-r.Scale)
	x, _ := f.Float64()
	return x
}

// NewDPProof is the "dp" section of a proof with public inputs vals.
func NewDPProof(s *Settings, vals []*big.Int, coins []byte) (*DPProof, error) {
	r, err := s.Visibility.DP.Resolve(infos(s.Outputs))
	if err != nil {
		return nil, err
	}
	segs := s.Layout()
	d := &DPProof{Mechanism: s.Visibility.DP.Words(r), SeedCommitment: FieldHex(vals[segs.Offset(circuit.SegDPSeedCommitment)]), Coins: "0x" + hex.EncodeToString(coins)}
	off := segs.Offset(circuit.SegDPReleased)
	field := ecc.BN254.ScalarField()
	for _, o := range s.Outputs {
		row := make([]float64, o.info().Size())
		for j := range row {
			row[j] = DPValue(r, ops.Signed(field, vals[off]))
			off++
		}
		d.Released = append(d.Released, row)
	}
	return d, nil
}

// checkDP checks a DP release: the tag public input is the statement's
// that settings.json says (the circuit pins its own, so an edited ε or
// sensitivity fails), the proof file's seed commitment, coins and
// released values are its public inputs, and the seed commitment and
// coins are the ones the verifier expects (opt; "" or nil: not checked,
// and DPWarnings says so).
func checkDP(s *Settings, segs circuit.Wires, p *Proof, vals []*big.Int, opt Options) error {
	if s.Visibility.DP == nil {
		if p.DP != nil {
			return fmt.Errorf("proof has a dp section, but this circuit adds no DP noise")
		}
		if opt.DPCommitment != "" || opt.DPCoins != nil {
			return fmt.Errorf("--dp-commitment, --dp-coins: this circuit adds no DP noise (compile with --dp)")
		}
		return nil
	}
	if p.DP == nil {
		return fmt.Errorf("proof has no dp section, but this circuit releases its outputs with DP noise")
	}
	r, err := s.Visibility.DP.Resolve(infos(s.Outputs))
	if err != nil {
		return err
	}
	if vals[segs.Offset(circuit.SegDPTag)].Cmp(r.Tag()) != 0 {
		return fmt.Errorf("the proof is for another DP statement (mechanism, ε, δ or sensitivity) than settings.json's")
	}
	if p.DP.Mechanism != s.Visibility.DP.Words(r) {
		return fmt.Errorf("proof's dp mechanism %.200q is not settings.json's: the file was edited", p.DP.Mechanism)
	}
	cm := FieldHex(vals[segs.Offset(circuit.SegDPSeedCommitment)])
	if !strings.EqualFold(p.DP.SeedCommitment, cm) {
		return fmt.Errorf("proof's dp seed commitment %.80q differs from its public input %s", p.DP.SeedCommitment, cm)
	}
	coins, err := dp.ParseCoins(p.DP.Coins)
	if err != nil {
		return fmt.Errorf("proof's dp %w", err)
	}
	if dp.CoinsValue(coins).Cmp(vals[segs.Offset(circuit.SegDPCoins)]) != 0 {
		return fmt.Errorf("proof's dp coins do not hash to its coins public input")
	}
	if len(p.DP.Released) != len(s.Outputs) {
		return fmt.Errorf("proof's dp section releases %d outputs, the model has %d", len(p.DP.Released), len(s.Outputs))
	}
	off := segs.Offset(circuit.SegDPReleased)
	field := ecc.BN254.ScalarField()
	for i, o := range s.Outputs {
		if len(p.DP.Released[i]) != o.info().Size() {
			return fmt.Errorf("dp released[%d] has %d values, the model's output has %d", i, len(p.DP.Released[i]), o.info().Size())
		}
		for j, got := range p.DP.Released[i] {
			if want := DPValue(r, ops.Signed(field, vals[off])); got != want {
				return fmt.Errorf("dp released[%d][%d] = %v, but the proof's public input says %v", i, j, got, want)
			}
			off++
		}
	}
	if opt.DPCommitment != "" {
		exp, err := dp.ParseField("--dp-commitment", opt.DPCommitment)
		if err != nil {
			return err
		}
		if FieldHex(exp) != cm {
			return fmt.Errorf("the proof's noise comes from the seed committed as %s, not the expected %s: the prover may have chosen among seeds", cm, FieldHex(exp))
		}
	}
	if opt.DPCoins != nil && !bytes.Equal(opt.DPCoins, coins) {
		return fmt.Errorf("the proof's noise comes from the coins %s, not the expected 0x%x: a release made before these coins were drawn", p.DP.Coins, opt.DPCoins)
	}
	return nil
}

// DPWarnings says which of the seed commitment and the coins a verifier
// of a DP release did not check: without them the prover could have
// picked a seed or replayed old coins for favourable noise.
func DPWarnings(s *Settings, opt Options) []string {
	if s.Visibility.DP == nil {
		return nil
	}
	var out []string
	if opt.DPCommitment == "" {
		out = append(out, "the seed commitment was not checked (--dp-commitment DPCOMMIT.json|0x…): the prover could have chosen among seeds for favourable noise")
	}
	if opt.DPCoins == nil {
		out = append(out, "the coins were not checked (--dp-coins HEX): the noise may come from coins the prover knew in advance")
	}
	return out
}

// describeDP says what a verified DP release established.
func describeDP(s *Settings, p *Proof) string {
	d := s.Visibility.DP
	r, err := d.Resolve(infos(s.Outputs))
	if err != nil || p.DP == nil {
		return " and released noisy outputs (the DP statement does not resolve)"
	}
	return fmt.Sprintf(" and released the noisy outputs %s (the exact outputs stay secret); %s; seed commitment %s, coins %s", jsonFloats(p.DP.Released), d.Words(r), p.DP.SeedCommitment, p.DP.Coins)
}

func jsonFloats(v [][]float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, row := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j, x := range row {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%v", x)
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String()
}
