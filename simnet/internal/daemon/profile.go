package daemon

import (
	"log/slog"

	"github.com/eacred/dcrstakepool/internal/pprofserve"
)

// StartProfile serves Go's pprof handlers (/debug/pprof/) on c.Profile
// when it is set, for finding where a role spends its time. It returns a
// function that stops the server.
func (c *Common) StartProfile(log *slog.Logger) (stop func(), err error) {
	if c.Profile == "" {
		return func() {}, nil
	}
	a, stop, err := pprofserve.Start(c.Profile, func(err error) { log.Error("profile server", "err", err) })
	if err != nil {
		return nil, err
	}
	log.Info("profile server listening", "addr", a.String())
	return stop, nil
}
