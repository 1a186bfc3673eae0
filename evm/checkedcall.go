package evm

import (
	"fmt"

	"github.com/zkinfer/zkinfer/proof"
)

// ExportDir exports the Solidity verifier of a set-up compiled directory.
func ExportDir(c *proof.Compiled) (*Verifier, error) {
	if c.Settings.Visibility.DP != nil {
		return nil, fmt.Errorf("%s releases its outputs with DP noise (compile --dp): the Solidity verifier would not check the statement's tag, the seed commitment or the coins; verify its proofs with zkinfer verify --dp-commitment --dp-coins", c.Dir)
	}
	vk, err := c.ReadAnyVerifyingKey()
	if err != nil {
		return nil, fmt.Errorf("%w (run setup first)", err)
	}
	return Export(vk)
}

// InvalidError is a proof that zkinfer's own checks (proof.Compiled's
// VerifyWith) refuse: it never reaches a chain.
type InvalidError struct{ Err error }

func (e *InvalidError) Error() string { return "INVALID: " + e.Err.Error() }

func (e *InvalidError) Unwrap() error { return e.Err }

// CheckedCall checks proof p as `zkinfer verify` does, with the
// expectations of opt, and that it fits verifier v, and returns it as the
// verifier's call. A proof the checks refuse is an *InvalidError.
func CheckedCall(c *proof.Compiled, v *Verifier, p *proof.Proof, opt proof.VerifyOptions) (*Call, error) {
	// zkinfer's checks first: a proof that does not even decode is
	// invalid, not a failure to run.
	if err := c.VerifyWith(p, opt); err != nil {
		return nil, &InvalidError{err}
	}
	call, err := NewCall(p)
	if err != nil {
		return nil, err
	}
	if err := call.Check(v); err != nil {
		return nil, err
	}
	return call, nil
}
