package wire

import (
	"reflect"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/zkinfer/zkinfer/transparent/pcs"
	"github.com/zkinfer/zkinfer/transparent/sumcheck"
)

// TestSumcheckTail: a sumcheck proof with and without a mask and a tail
// final decodes to itself; without a tail the flags byte is the old mask
// presence byte (0 or 1: the bytes of such proofs are unchanged), and a
// flags byte with an unknown bit is refused.
func TestSumcheckTail(t *testing.T) {
	var v fr.Element
	v.SetUint64(7)
	for _, c := range []struct {
		name  string
		mask  bool
		tail  bool
		flags byte
	}{{"plain", false, false, 0}, {"mask", true, false, 1}, {"tail", false, true, 2}, {"both", true, true, 3}} {
		t.Run(c.name, func(t *testing.T) {
			p := sumcheck.Proof{Rounds: [][]fr.Element{{v, v}}, Finals: []fr.Element{v}}
			if c.mask {
				p.Mask = &sumcheck.MaskPart{Com: pcs.Commitment{NumVars: 3}, Sum: v, Value: v}
			}
			if c.tail {
				tv := v
				tv.Double(&tv)
				p.Tail = &tv
			}
			var w writer
			w.sumcheck(&p)
			flagsAt := 4 + 4 + 2*32 + 4 + 32
			if w.b[flagsAt] != c.flags {
				t.Fatalf("flags byte %d, want %d", w.b[flagsAt], c.flags)
			}
			r := reader{b: w.b}
			var got sumcheck.Proof
			r.sumcheck(&got, "test")
			if r.err != nil || r.left() != 0 {
				t.Fatalf("decode: %v (%d bytes left)", r.err, r.left())
			}
			if p.Tail != nil && (got.Tail == nil || !got.Tail.Equal(p.Tail)) || p.Tail == nil && got.Tail != nil {
				t.Fatal("tail final not decoded")
			}
			if (got.Mask != nil) != c.mask || c.mask && !reflect.DeepEqual(got.Mask.Com, p.Mask.Com) {
				t.Fatal("mask not decoded")
			}
			bad := append([]byte(nil), w.b...)
			bad[flagsAt] |= 4
			r = reader{b: bad}
			r.sumcheck(&got, "test")
			if r.err == nil || !strings.Contains(r.err.Error(), "flags") {
				t.Fatalf("flags byte %d: %v", bad[flagsAt], r.err)
			}
		})
	}
}
