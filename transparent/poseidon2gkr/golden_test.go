package poseidon2gkr

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/transcript"
)

// goldenBinding is the SHA-256 of the binding proof of 2^3 leaves (its
// levels and opening in fmt %v, opened at once, testParams) and its root: zero knowledge
// (zk.go) must leave the binding mode's proofs byte for byte as they were
// (4e11ddc).
const goldenBinding = "7a65756ce325b1468e1f23ec9176865a9f2f2d862c65958d6ebf9979e278eea4"

func TestBindingGolden(t *testing.T) {
	data, err := pcs.Commit(testParams, leavesOf(3))
	if err != nil {
		t.Fatal(err)
	}
	proof, root, err := ProveTree(transcript.New("golden"), data, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprintf("%v %v %v", root, proof.Levels, proof.Opening))))
	if got != goldenBinding {
		t.Fatalf("binding proof's digest %s, want %s (4e11ddc's)", got, goldenBinding)
	}
}
