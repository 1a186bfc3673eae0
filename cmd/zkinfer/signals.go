package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/zkinfer/zkinfer/internal/atomicfile"
)

// handleSignals makes SIGINT and SIGTERM stop zkinfer cleanly: the
// temporary files of the writes in progress are removed (atomicfile.Abort), so
// an interrupted command leaves no half-written artifact and no new
// directory, and the exit status is 130 (SIGINT) or 143 (SIGTERM).
func handleSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-ch
		atomicfile.Abort()
		fmt.Fprintf(os.Stderr, "zkinfer: interrupted (%v): partial files removed\n", s)
		if s == syscall.SIGTERM {
			os.Exit(143)
		}
		os.Exit(130)
	}()
}
