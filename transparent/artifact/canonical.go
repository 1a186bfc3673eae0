package artifact

import (
	"fmt"

	"github.com/zkinfer/zkinfer/transparent/rescale"
)

// noReLUParts refuses a rescale proof without ReLU that carries the ReLU's
// parts: rescale.Verify neither reads nor absorbs YAtR and the two
// zero-checks when there is no ReLU, so without this check those bytes
// could be anything and a proof would have many encodings (malleable, not
// unsound: the statement is the same). A valid proof file has exactly one
// encoding per proof.
func noReLUParts(what string, i int, relu bool, p *rescale.Proof) error {
	if relu {
		return nil
	}
	if !p.YAtR.IsZero() || len(p.Bool.Rounds)+len(p.Bool.Finals)+len(p.Prod.Rounds)+len(p.Prod.Finals) > 0 {
		return fmt.Errorf("the proof's %s rescale %d has no ReLU but carries a ReLU's values: not a proof this zkinfer writes", what, i)
	}
	return nil
}
