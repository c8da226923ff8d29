package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"

	"github.com/decred/slog"
)

// startProfile serves Go's pprof handlers on addr (--profile), with block
// and mutex profiling on, and returns a function that stops the server.
func startProfile(addr string, log slog.Logger) (stop func(), err error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("profile listener: %w", err)
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
			log.Errorf("pprof server: %v", err)
		}
	}()
	log.Infof("pprof on http://%s/debug/pprof/", lis.Addr())
	return func() { _ = srv.Close() }, nil // stopping: nothing is left to serve
}
