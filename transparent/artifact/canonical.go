package artifact

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/rescale"
)

// noReLUParts refuses a rescale proof without ReLU that carries the ReLU's
// parts (YAtR, the sign check, QAtSign): without this check those bytes
// could be anything and a proof would have many encodings (malleable, not
// unsound: the statement is the same). rescale.Verify refuses them too
// since the sign check replaced the two zero-checks; this check names the
// layer. A valid proof file has exactly one encoding per proof.
func noReLUParts(what string, i int, relu bool, p *rescale.Proof) error {
	if relu {
		return nil
	}
	if !p.YAtR.IsZero() || !p.QAtSign.IsZero() || len(p.Sign.Rounds)+len(p.Sign.Finals) > 0 || p.Sign.Mask != nil {
		return fmt.Errorf("the proof's %s rescale %d has no ReLU but carries a ReLU's values: not a proof this zkinfer writes", what, i)
	}
	return nil
}
