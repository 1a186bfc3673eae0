package groth16setup

// Weights of the units of work the progress estimate (proof/progress)
// counts, in about a G1 affine addition's time: a G2 addition costs ~2.5
// of them.
const (
	unitG1 = 2
	unitG2 = 5
)
