package testkit

import (
	"strings"
	"testing"
	"time"
)

// CheckOneLine fails the test when err's message spans more than one line.
func CheckOneLine(t testing.TB, err error) {
	t.Helper()
	if s := err.Error(); strings.ContainsAny(s, "\n\r") {
		t.Fatalf("error is not one line: %q", s)
	}
}

// CheckError fails the test unless err is an error on one line that
// contains want; it logs the error, for the reader of -v output.
func CheckError(t testing.TB, err error, want string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("accepted, want an error with %q", want)
	case !strings.Contains(err.Error(), want) || strings.ContainsAny(err.Error(), "\n\r"):
		t.Fatalf("error %q, want one line with %q", err, want)
	default:
		t.Logf("%v", err)
	}
}

// CheckFast fails the test when more than limit has passed since start: a
// fuzz input that takes longer counts as a hang. Use it as
// defer CheckFast(t, time.Now(), limit).
func CheckFast(t testing.TB, start time.Time, limit time.Duration) {
	t.Helper()
	if d := time.Since(start); d > limit {
		t.Fatalf("took %v", d)
	}
}
