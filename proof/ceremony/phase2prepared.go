package ceremony

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"time"

	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"

	meter "github.com/zkinfer/zkinfer/proof/progress"
)

// Phase2Prepared opens phase 2 for the circuit from a prepared phase 1
// (Prepare; c.Prepared, read with its Lagrange points, and checked to have
// digest c.PreparedSHA256 when that is given): the per-wire sums of the
// Lagrange points alone, without sealing phase 1 or a group FFT. The
// state's header names phase 1's last state, its beacon and sealed result
// as Phase2's does, and the prepared file's SHA-256, against which Verify
// checks it. The circuit's evaluations are cached in the directory for
// Finalize (EvaluationsFile).
func Phase2Prepared(c *Circuit, out string, progress func(format string, args ...any)) (*Step, error) {
	if c.Prepared == "" {
		return nil, errors.New("ceremony: no prepared phase 1 given (`ceremony prepare` writes one)")
	}
	start := time.Now()
	p, err := ReadPrepared(c.Prepared, c.PreparedSHA256, false, true)
	if err != nil {
		return nil, err
	}
	if p.Header.Domain != c.domain() {
		return nil, fmt.Errorf("ceremony: %s is phase 1 prepared for size 2^%d; %s's circuit needs 2^%d: prepare phase 1 of that size", c.Prepared, bits.TrailingZeros64(p.Header.Domain), c.Dir, bits.TrailingZeros64(c.domain()))
	}
	logf(progress, "ceremony: opening phase 2 for %d constraints from the prepared phase 1 %s", c.R1CS.GetNbConstraints(), c.Prepared)
	w, err := wireTermsOf(c.R1CS)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	m := meter.New(progress, "ceremony: opening phase 2", w.work())
	p2, evals, err := initializeWith(c.R1CS, &p.commons, p.lag, w, m.Counter(1))
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	if err := writeEvals(c, p.Header.Commons, evals); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	beacon, err := hex.DecodeString(p.Header.Beacon)
	if err != nil {
		return nil, fmt.Errorf("ceremony: %s: its beacon is not hex", c.Prepared)
	}
	last := stateHeader{Phase: 1, Index: p.Header.Contributions, Domain: p.Header.Domain, Circuit: c.SHA256}
	h := phase2Header(&last, p.Header.Phase1, beacon, p.Header.Commons, p2)
	h.Prepared = p.SHA256
	logf(progress, "ceremony: phase 2 opened (%.1fs)", time.Since(start).Seconds())
	return writeStep(out, h, p2)
}

// checkPreparedStart checks phase 2's start next, opened from a prepared
// phase 1, against c.Prepared: the file must have the digest recorded when
// it was verified (c.PreparedSHA256) and be the one next's header names,
// with the same phase-1 chain, beacon and sealed result; next must be its
// powers initialized for the circuit (checkStart). It returns the sealed
// powers, with the circuit's terms and wire split for the keys' check.
//
// deferred leaves the check of the start's K to the claims it returns
// (checkStart), for Verify to check with the keys'.
func checkPreparedStart(c *Circuit, next *state, deferred bool) (*mpcsetup.SrsCommons, *wireTerms, *split, *claims, error) {
	h := &next.Header
	switch {
	case c.Prepared == "" || c.PreparedSHA256 == "":
		return nil, nil, nil, nil, fmt.Errorf("it was opened from a prepared phase 1 (sha256 %.16s…): give the prepared file and the digest recorded when it was verified (--prepared FILE --prepared-sha256 HEX; `ceremony verify PHASE1-STATE… --prepared FILE` verifies it)", h.Prepared)
	case h.Prepared != c.PreparedSHA256:
		return nil, nil, nil, nil, fmt.Errorf("it was opened from prepared phase 1 %.16s…, not from the one verified (%.16s…)", h.Prepared, c.PreparedSHA256)
	}
	p, err := ReadPrepared(c.Prepared, c.PreparedSHA256, false, deferred)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	ph := &p.Header
	if h.Previous != ph.Phase1 || h.Beacon != ph.Beacon || h.Phase1 != ph.Contributions || h.Commons != ph.Commons || h.Domain != ph.Domain {
		return nil, nil, nil, nil, errors.New("its header's phase 1 (last state, beacon, contributions, sealed result or size) is not the prepared file's")
	}
	w, err := wireTermsOf(c.R1CS)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	sp, err := splitWires(c.R1CS)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var cl *claims
	if deferred { // the claims' right-hand side on the Lagrange points
		cl = newClaims(w, c.R1CS.Coefficients, int(h.Domain))
		cl.lag = p.lag
	}
	if err := checkStart(next, &p.commons, c.R1CS, w, sp, cl); err != nil {
		return nil, nil, nil, nil, err
	}
	return &p.commons, w, sp, cl, nil
}
