package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// StartProfile serves Go's pprof handlers (/debug/pprof/) on c.Profile
// when it is set, with block and mutex profiling on, for finding where a
// role spends its time. It returns a function that stops the server.
func (c *Common) StartProfile(log *slog.Logger) (stop func(), err error) {
	if c.Profile == "" {
		return func() {}, nil
	}
	lis, err := net.Listen("tcp", c.Profile)
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
			log.Error("profile server", "err", err)
		}
	}()
	log.Info("profile server listening", "addr", lis.Addr().String())
	return func() { _ = srv.Close() }, nil // stopping: nothing is left to serve
}
