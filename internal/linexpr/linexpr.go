// Package linexpr builds linear expressions in gnark circuits. A linear
// expression costs no constraint in R1CS: it is a term list the builder
// carries into the constraints that use it.
package linexpr

import "github.com/consensys/gnark/frontend"

// Sum is Σ xs: 0 for none, xs[0] for one (gnark's Add takes at least two).
func Sum(api frontend.API, xs []frontend.Variable) frontend.Variable {
	switch len(xs) {
	case 0:
		return 0
	case 1:
		return xs[0]
	}
	return api.Add(xs[0], xs[1], xs[2:]...)
}
