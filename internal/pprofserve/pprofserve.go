// Package pprofserve serves Go's pprof handlers for a daemon's --profile
// option, with block and mutex profiling on, so that a run can show where
// a process waits as well as where it computes.
package pprofserve

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// Start serves /debug/pprof/ on addr. It returns the address it listens on
// and a function that stops the server; onErr hears of a server that
// stopped by itself.
func Start(addr string, onErr func(error)) (net.Addr, func(), error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("profile listener: %w", err)
	}
	runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	runtime.SetMutexProfileFraction(10)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			onErr(err)
		}
	}()
	return lis.Addr(), func() { _ = srv.Close() }, nil // stopping: nothing is left to serve
}
