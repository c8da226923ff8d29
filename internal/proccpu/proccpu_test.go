package proccpu

import (
	"os"
	"testing"
	"time"
)

// TestOfCountsOwnWork: the process's CPU time grows while it works. The
// work lasts until it does (at most 5 s): on a loaded machine 100 ms of
// wall time can bring less than the 10 ms tick of CPU time.
func TestOfCountsOwnWork(t *testing.T) {
	before := Of(os.Getpid())
	x := 0
	after := before
	for start := time.Now(); after <= before && time.Since(start) < 5*time.Second; after = Of(os.Getpid()) {
		for i := 0; i < 1e6; i++ {
			x++
		}
	}
	_ = x
	if after <= before {
		t.Fatalf("CPU time did not grow over 5 s of work: %v then %v", before, after)
	}
	if Of(-1) != 0 {
		t.Fatal("a process that does not exist has CPU time")
	}
}
