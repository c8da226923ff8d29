package wallet

import (
	"context"
	"fmt"
	"log/slog"

	dslog "github.com/decred/slog"
)

// clientLog passes the node client's connection events (it logs through
// the decred/slog interface) into the wallet's log.
type clientLog struct{ l *slog.Logger }

var _ dslog.Logger = clientLog{}

func (c clientLog) logf(level slog.Level, format string, args ...any) {
	c.l.Log(context.Background(), level, fmt.Sprintf(format, args...), "sub", "node-client")
}

func (c clientLog) log(level slog.Level, args ...any) {
	c.l.Log(context.Background(), level, fmt.Sprint(args...), "sub", "node-client")
}

func (c clientLog) Tracef(f string, a ...any)    { c.logf(slog.LevelDebug-4, f, a...) }
func (c clientLog) Debugf(f string, a ...any)    { c.logf(slog.LevelDebug, f, a...) }
func (c clientLog) Infof(f string, a ...any)     { c.logf(slog.LevelInfo, f, a...) }
func (c clientLog) Warnf(f string, a ...any)     { c.logf(slog.LevelWarn, f, a...) }
func (c clientLog) Errorf(f string, a ...any)    { c.logf(slog.LevelError, f, a...) }
func (c clientLog) Criticalf(f string, a ...any) { c.logf(slog.LevelError+4, f, a...) }
func (c clientLog) Trace(a ...any)               { c.log(slog.LevelDebug-4, a...) }
func (c clientLog) Debug(a ...any)               { c.log(slog.LevelDebug, a...) }
func (c clientLog) Info(a ...any)                { c.log(slog.LevelInfo, a...) }
func (c clientLog) Warn(a ...any)                { c.log(slog.LevelWarn, a...) }
func (c clientLog) Error(a ...any)               { c.log(slog.LevelError, a...) }
func (c clientLog) Critical(a ...any)            { c.log(slog.LevelError+4, a...) }
func (c clientLog) Level() dslog.Level           { return dslog.LevelInfo }
func (c clientLog) SetLevel(dslog.Level)         {}
