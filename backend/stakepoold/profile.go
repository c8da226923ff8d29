package main

import (
	"github.com/decred/slog"

	"github.com/eacred/dcrstakepool/internal/pprofserve"
)

// startProfile serves Go's pprof handlers on addr (--profile) and returns a
// function that stops the server.
func startProfile(addr string, log slog.Logger) (stop func(), err error) {
	a, stop, err := pprofserve.Start(addr, func(err error) { log.Errorf("pprof server: %v", err) })
	if err != nil {
		return nil, err
	}
	log.Infof("pprof on http://%s/debug/pprof/", a)
	return stop, nil
}
