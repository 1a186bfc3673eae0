package avxstate

// Clear executes VZEROUPPER: the upper 128+ bits of every vector register
// become zero (Go keeps no value there across calls), so the SSE code that
// follows runs without the transition penalty.
//
//go:noescape
func Clear()
