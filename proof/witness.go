package proof

import (
	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/witness"

	"github.com/zkinfer/zkinfer/circuit"
)

// fullWitness is frontend.NewWitness(a, BN254's scalar field) without its
// reflection. gnark's schema walk visits every field of the assignment,
// three times, formatting a path name for every leaf; until
// circuit.Circuit's model field was tagged gnark:"-" it walked the whole
// model too (weights, the linear maps of convolutions): 5.8 s of CPU and
// 250 MB of garbage for cnn_c32, whose witness has 3,083 values, about
// 25% of a prove. The witness gnark's prover reads is the public values
// then the secret ones, each in the order of the struct's leaves:
// a.Public, then a.Private (the only frontend.Variable fields of
// circuit.Circuit; TestFullWitness checks this against
// frontend.NewWitness). Each value goes through gnark's own conversion
// (witness.Fill, fr.Element.SetInterface), so an int64, a *big.Int or a
// negative value lands on the same field element.
func fullWitness(a *circuit.Circuit) (witness.Witness, error) {
	w, err := witness.New(ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	// Fill takes its values from a channel; one buffered to hold them all
	// needs no goroutine, so an error cannot leave one blocked.
	ch := make(chan any, len(a.Public)+len(a.Private))
	for _, v := range a.Public {
		ch <- v
	}
	for _, v := range a.Private {
		ch <- v
	}
	close(ch)
	if err := w.Fill(len(a.Public), len(a.Private), ch); err != nil {
		return nil, err
	}
	return w, nil
}
