package pcs

// ZeroVanishingForTests, while on, makes the vanishing mask s of every later
// commitment zero (f̂ = f̃): the commitments' values then reveal f̃. It
// exists only for other packages' zero-knowledge tests (the package's own
// use SetZeroVanishing, export_test.go), to show that their statistics can
// fail; nothing else may call it.
func ZeroVanishingForTests(on bool) { zeroVanishing = on }
