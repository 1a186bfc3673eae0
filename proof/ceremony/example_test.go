package ceremony_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/consensys/gnark-crypto/ecc"
	cs_bn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// cube proves knowledge of X with X³ = Y.
type cube struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

func (c *cube) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X, c.X), c.Y)
	return nil
}

// A ceremony with one participant in each phase, run in one process for
// the example: in practice each Contribute runs on its participant's
// machine, every printed hash is published, and the beacons are values
// announced in advance that nobody can predict.
func Example() {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &cube{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var enc bytes.Buffer
	cs.WriteTo(&enc)
	sum := sha256.Sum256(enc.Bytes())
	dir, _ := os.MkdirTemp("", "ceremony")
	defer os.RemoveAll(dir)
	c := &ceremony.Circuit{R1CS: cs.(*cs_bn254.R1CS), SHA256: hex.EncodeToString(sum[:]), Dir: dir}
	state := func(name string) string { return filepath.Join(dir, name) }
	beacon1, _ := ceremony.ParseBeacon("0x000102030405060708090a0b0c0d0e0f")
	beacon2, _ := ceremony.ParseBeacon("0xf0e0d0c0b0a090807060504030201000")

	var files []string
	step := func(s *ceremony.Step, err error) {
		if err != nil {
			panic(err)
		}
		fmt.Println("wrote", s.Name)
		files = append(files, s.Path)
	}
	step(ceremony.Init(c, state("p1-0")))                           // coordinator
	step(ceremony.Contribute(files[0], state("p1-1"), nil))         // participant
	step(ceremony.Phase2(c, files[1], state("p2-0"), beacon1, nil)) // coordinator
	step(ceremony.Contribute(files[2], state("p2-1"), nil))         // participant
	rep, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, InProgress: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("chain verified: %d and %d contributions, phase 1 closed by beacon %s\n", rep.Phase1, rep.Phase2, rep.Beacon1)

	store := func(pk, vk ceremony.Key) error { return nil } // a compiled directory writes pk.bin and vk.bin
	rec, err := ceremony.Finalize(c, files[3], ceremony.WithBeacon(beacon2), store, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("keys from %d and %d contributions, phase 2 closed by beacon %s\n", rec.Phase1, rec.Phase2, rec.Beacon)
	// Output:
	// wrote phase 1 start
	// wrote phase 1 contribution 1
	// wrote phase 2 start
	// wrote phase 2 contribution 1
	// chain verified: 1 and 1 contributions, phase 1 closed by beacon 000102030405060708090a0b0c0d0e0f
	// keys from 1 and 1 contributions, phase 2 closed by beacon f0e0d0c0b0a090807060504030201000
}
