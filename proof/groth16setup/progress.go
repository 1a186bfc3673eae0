package groth16setup

// Weights of the units of work the progress estimate (proof/progress)
// counts, in about a G1 affine addition's time: a G2 addition costs ~2.5
// of them.
const (
	unitG1 = 2
	unitG2 = 5
)

// Work is the work of a setup whose keys hold g1 points in G1 and g2 in G2
// (the verifying key's few included or not), in the units above: the
// additions of the fixed-base multiplications and their tables, as the
// progress estimate counts them. proof.Groth16Cost scales it to a time.
func Work(g1, g2 int) int64 {
	w1, w2 := chooseWindow(g1), chooseWindow(g2)
	return unitG1*int64(windows(w1))*(int64(g1)+1<<(w1-1)) + unitG2*int64(windows(w2))*(int64(g2)+1<<(w2-1))
}
