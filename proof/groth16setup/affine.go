package groth16setup

import "github.com/zkinfer/zkinfer/internal/ecbatch"

// The batched affine arithmetic (internal/ecbatch), under the names this
// package uses.

type (
	field[F any]                      = ecbatch.Field[F]
	affine[F any]                     = ecbatch.Affine[F]
	adder[F any, PF ecbatch.Field[F]] = ecbatch.Adder[F, PF]
)

func double[F any, PF field[F]](p *affine[F]) { ecbatch.Double[F, PF](p) }

func negate[F any, PF field[F]](p *affine[F]) { ecbatch.Negate[F, PF](p) }
