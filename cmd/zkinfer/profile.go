package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the command to the file named by
// $ZKINFER_CPUPROFILE, when set (go tool pprof FILE reads it), and a heap
// profile at exit to $ZKINFER_MEMPROFILE. The returned function stops
// profiling; it is a no-op when neither variable is set.
func startProfile() func() {
	cpu, mem := os.Getenv("ZKINFER_CPUPROFILE"), os.Getenv("ZKINFER_MEMPROFILE")
	var f *os.File
	if cpu != "" {
		var err error
		if f, err = os.Create(cpu); err != nil {
			fmt.Fprintf(stderr, "zkinfer: cpu profile: %v\n", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "zkinfer: cpu profile: %v\n", err)
			f.Close()
			f = nil
		}
	}
	return func() {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		if mem != "" {
			// A heap profile holds the allocations as of the last
			// collection: without one here, those since (a whole proof's
			// vectors, say) were missing from it.
			runtime.GC()
			if h, err := os.Create(mem); err == nil {
				pprof.WriteHeapProfile(h)
				h.Close()
			}
		}
	}
}
