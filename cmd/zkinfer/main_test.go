package main

import (
	"os"
	"testing"
)

// TestMain runs the command itself when ZKINFER_TEST_MAIN=1, so that tests
// can run zkinfer as a separate process (signals, fresh process state)
// without building it.
func TestMain(m *testing.M) {
	if os.Getenv("ZKINFER_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}
