//go:build !queue

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWithoutQueueServer: the default build links no NATS server, and its
// prove --workers without --queue says in one line how to get it (exit
// 3); the client (worker, prove --queue) is in every build.
func TestWithoutQueueServer(t *testing.T) {
	dir, _ := creditSegments(t)
	code, out, errOut := zk(t, "prove", dir, "--input", demoInput, "--proof", t.TempDir()+"/p.json", "--workers", "2")
	if want := "zkinfer prove: " + errNoQueueServer.Error() + "\n"; code != exitError || out != "" || errOut != want || !strings.Contains(errOut, "make build-queue") {
		t.Fatalf("prove --workers without -tags queue: exit %d, %q, %q", code, out, errOut)
	}
	deps, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("SKIP the dependency check: go list: %v", err)
	}
	if strings.Contains(string(deps), "github.com/nats-io/nats-server") {
		t.Fatal("the default build of cmd/zkinfer links the NATS server")
	}
	if !strings.Contains(string(deps), "github.com/nats-io/nats.go") {
		t.Fatal("the default build of cmd/zkinfer lacks the NATS client (worker, prove --queue)")
	}
}
