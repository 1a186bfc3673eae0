package ceremony_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/zkinfer/zkinfer/internal/testkit"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// TestFinalizeWithoutBeacon: phase 2 closed at its last contribution
// (ceremony.WithoutBeacon) gives keys that prove and verify with gnark's
// prover and verifier, differ from the beacon's, and that Verify accepts,
// recomputing them or reading them (KeyReader), under their record only.
// A last contribution whose K is not its predecessor's over its δ, made
// into keys as it is, fails Verify naming that contribution: without a
// beacon nothing rescales the last state, and only the chain's check of
// its vectors (chain2.finish) catches it.
func TestFinalizeWithoutBeacon(t *testing.T) {
	c := newCircuit(t, 40)
	files, beaconKeys := run(t, c, 1)
	last := files[len(files)-1]
	keys := finalizeWith(t, c, last, ceremony.WithoutBeacon)
	if keys.record.Close != ceremony.CloseLast || keys.record.Beacon != "" {
		t.Fatalf("record %+v", keys.record)
	}
	if bytes.Equal(keys.pk, beaconKeys.pk) {
		t.Fatal("the keys without a beacon are the beacon's")
	}
	proveWith(t, c, keys)
	for _, k := range []ceremony.Keys{keys, readableKeys{keys}} {
		rep, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: k})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Closing.Close != ceremony.CloseLast || rep.Closing.Beacon != nil || rep.Keys == "" {
			t.Fatalf("report %+v", rep)
		}
	}

	under := func(k *keyStore, r ceremony.Record) *keyStore { return &keyStore{pk: k.pk, vk: k.vk, record: &r} }
	withBeacon := *beaconKeys.record
	withoutBeacon := *keys.record
	namingBeacon := withoutBeacon
	namingBeacon.Beacon = withBeacon.Beacon
	unknown := withoutBeacon
	unknown.Close = "none"
	legacy := withBeacon // a record from before Close: its beacon closed phase 2
	legacy.Close = ""

	// The last contribution's K tampered, then finalized without a beacon.
	dir := t.TempDir()
	bad := filepath.Join(dir, "p2-2")
	if _, err := ceremony.Contribute(last, bad, nil); err != nil {
		t.Fatal(err)
	}
	if err := ceremony.TamperK(bad); err != nil {
		t.Fatal(err)
	}
	badFiles := append(append([]string{}, files...), bad)
	badKeys := finalizeWith(t, c, bad, ceremony.WithoutBeacon)

	for _, tc := range []struct {
		name  string
		files []string
		keys  *keyStore
		want  string
	}{
		{"the beacon's keys under a record without", files, under(beaconKeys, withoutBeacon), "this ceremony gives"},
		{"keys without a beacon under the beacon's record", files, under(keys, withBeacon), "this ceremony gives"},
		{"a record without a beacon naming one", files, under(keys, namingBeacon), "without a beacon names none"},
		{"a record of an unknown closing", files, under(keys, unknown), "closed with a beacon (\"beacon\") or at its last contribution"},
		{"a tampered last contribution", badFiles, badKeys, bad + " (phase 2 contribution 2): invalid contribution"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []ceremony.Keys{tc.keys, readableKeys{tc.keys}} {
				_, err := ceremony.Verify(tc.files, ceremony.VerifyOptions{Circuit: c, Keys: k})
				testkit.CheckError(t, err, tc.want)
			}
		})
	}
	if _, err := ceremony.Verify(files, ceremony.VerifyOptions{Circuit: c, Keys: under(beaconKeys, legacy)}); err != nil {
		t.Fatalf("a record without close, with its beacon: %v", err)
	}

	// A coordinator skipping finalize's check makes keys at phase 2's
	// start, without a beacon: δ = 1, public; Verify refuses them.
	zero := &keyStore{}
	rec, err := ceremony.CheatFinalize(c, files[2], ceremony.WithoutBeacon, zero.write)
	if err != nil {
		t.Fatal(err)
	}
	zero.record = rec
	_, err = ceremony.Verify(files[:3], ceremony.VerifyOptions{Circuit: c, Keys: zero})
	testkit.CheckError(t, err, "phase 2 has no contribution")
	if _, err := ceremony.Finalize(c, files[2], ceremony.WithoutBeacon, zero.write, nil); err == nil {
		t.Fatal("finalized phase 2's start without a beacon")
	}
	for _, k := range []ceremony.Closing{{Close: ceremony.CloseBeacon}, {Close: ceremony.CloseLast, Beacon: []byte("0123456789abcdef")}, {}} {
		if _, err := ceremony.Finalize(c, last, k, zero.write, nil); err == nil {
			t.Fatalf("finalized with closing %+v", k)
		}
	}
}
