package pcs

// SetZeroVanishingForTests makes every vanishing mask committed from now on
// zero (f̂ = f̃) when on, for other packages' zero-knowledge tests: with it
// their statistics must fail, which shows they can. Never call it outside
// tests. (The package's own tests use SetZeroVanishing in export_test.go.)
func SetZeroVanishingForTests(on bool) { zeroVanishing = on }
