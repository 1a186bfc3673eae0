package avxstate

import (
	"crypto/sha256"
	"testing"
)

// TestClearKeepsState: Clear changes no value Go code holds (the lower
// halves, X15's zero included), so hashing around it is unchanged.
func TestClearKeepsState(t *testing.T) {
	data := []byte("zkinfer")
	want := sha256.Sum256(data)
	for range 1000 {
		Clear()
		if got := sha256.Sum256(data); got != want {
			t.Fatalf("hash changed after Clear: %x, want %x", got, want)
		}
	}
}
