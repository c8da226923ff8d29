package proccpu

import (
	"os"
	"testing"
	"time"
)

func TestOfCountsOwnWork(t *testing.T) {
	before := Of(os.Getpid())
	x := 0
	for start := time.Now(); time.Since(start) < 100*time.Millisecond; {
		x++
	}
	_ = x
	if after := Of(os.Getpid()); after <= before {
		t.Fatalf("CPU time did not grow over 100 ms of work: %v then %v", before, after)
	}
	if Of(-1) != 0 {
		t.Fatal("a process that does not exist has CPU time")
	}
}
