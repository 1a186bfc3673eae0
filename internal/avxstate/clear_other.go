//go:build !amd64

package avxstate

// Clear does nothing on architectures without AVX.
func Clear() {}
