// Package proccpu reads how much CPU time a process has used, for the
// benchmarks and load runs that split a request's cost between processes.
package proccpu

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Of is the CPU time (user + system) process pid has used so far, read
// from /proc (Linux); 0 when unknown.
func Of(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	// After the parenthesised command name: utime and stime are the 12th
	// and 13th fields (14th and 15th of the line), in clock ticks of 100 Hz.
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
