package ceremony

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// Close is how phase 2 was closed before its keys were made; a Record
// keeps it.
//
// BGM17 close each phase with a random beacon: a last contribution whose
// secret is derived from a public value nobody could know before the last
// participant's contribution, so that this participant cannot choose among
// many contributions the one whose result suits them. Their proof of
// security needs it (it models the beacon as a random oracle that makes
// the final parameters uniform). Kohlweiss, Maller, Siim and Volkhov,
// "Snarky Ceremonies" (ASIACRYPT 2021, [KMSV21]), prove the same kind of
// ceremony for Groth16 secure without it: with each update accompanied by
// a proof of knowledge of its secret ([x]₁ and x times a hash of the
// transcript in G2, the form of gnark's mpcsetup proofs), the SNARK built from
// the final parameters is knowledge-sound (and subversion zero-knowledge)
// if at least one participant of each phase was honest, even when the last
// participant biases the parameters by trying many contributions: the
// bias gives the adversary no trapdoor. docs/SETUP.md states what each
// closing rests on (gnark's protocol matches the paper's in structure; it
// has not been formally reviewed against it).
//
// [KMSV21]: https://eprint.iacr.org/2021/219
type Close string

const (
	// CloseBeacon is gnark's Phase2.Seal: the beacon's reproducible
	// contribution (a pass over Z, K and the commitment bases), then the
	// keys. Its keys are gnark's, byte for byte.
	CloseBeacon Close = "beacon"
	// CloseLast makes the keys from phase 2's last state as it is: its
	// participant's contribution is the last secret (KMSV21). It saves
	// the beacon's pass, as much work as a contribution.
	CloseLast Close = "last-contribution"
)

// Closing is how Finalize closes phase 2: WithBeacon or WithoutBeacon.
type Closing struct {
	Close  Close
	Beacon []byte // CloseBeacon's beacon; nil with CloseLast
}

// WithBeacon closes phase 2 with the beacon b (ParseBeacon), as gnark does.
func WithBeacon(b []byte) Closing { return Closing{Close: CloseBeacon, Beacon: b} }

// WithoutBeacon closes phase 2 at its last contribution (KMSV21).
var WithoutBeacon = Closing{Close: CloseLast}

// String says the closing in words, for progress and reports.
func (k Closing) String() string {
	if k.Close == CloseBeacon {
		return "with beacon 0x" + hex.EncodeToString(k.Beacon)
	}
	return "without a beacon (at its last contribution)"
}

// check refuses a closing that is neither of the two.
func (k Closing) check() error {
	switch {
	case k.Close == CloseBeacon && len(k.Beacon) < 16:
		return errors.New("closing phase 2 with a beacon needs one of at least 16 bytes")
	case k.Close == CloseLast && k.Beacon != nil:
		return errors.New("closing phase 2 without a beacon names none")
	case k.Close != CloseBeacon && k.Close != CloseLast:
		return fmt.Errorf("phase 2 is closed with a beacon (%q) or at its last contribution (%q)", CloseBeacon, CloseLast)
	}
	return nil
}

// record is the Record of keys made with this closing from the chain
// whose last state has the SHA-256 final.
func (k Closing) record(phase1, phase2 int, final string) *Record {
	r := &Record{Phase1: phase1, Phase2: phase2, Final: final, Close: k.Close}
	if k.Close == CloseBeacon {
		r.Beacon = hex.EncodeToString(k.Beacon)
	}
	return r
}

// Closing is the record's closing of phase 2, checked: a known Close, a
// beacon of at least 16 bytes with CloseBeacon and none with CloseLast.
// A record without a Close (written before CloseLast existed) was closed
// with its beacon.
func (r *Record) Closing() (Closing, error) {
	k := Closing{Close: r.Close}
	if k.Close == "" && r.Beacon != "" {
		k.Close = CloseBeacon
	}
	if r.Beacon != "" {
		b, err := hex.DecodeString(r.Beacon)
		if err != nil {
			return Closing{}, fmt.Errorf("the record's beacon %.70q is not hex", r.Beacon)
		}
		k.Beacon = b
	}
	if err := k.check(); err != nil {
		return Closing{}, fmt.Errorf("the record (close %.40q): %v", r.Close, err)
	}
	return k, nil
}
