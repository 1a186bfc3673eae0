package sumcheck

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// TestSize: 32 bytes per round value and final value, plus the mask's bytes
// (none here), the count every protocol's Size now takes from here.
func TestSize(t *testing.T) {
	p := &Proof{Rounds: [][]fr.Element{make([]fr.Element, 3), make([]fr.Element, 3)}, Finals: make([]fr.Element, 2)}
	if got, want := p.Size(), 32*8; got != want {
		t.Fatalf("Size = %d, want %d", got, want)
	}
}
