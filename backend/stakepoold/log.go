package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/decred/slog"
	"github.com/jrick/logrotate/rotator"
)

// Subsystem tags, as operators of these daemons expect in debuglevel.
const (
	subMain   = "STPK" // daemon start-up, connections
	subPool   = "POOL" // voting and ticket tracking
	subGRPC   = "GRPC" // gRPC server
	subNode   = "ECRD" // ecrd client
	subWallet = "WLLT" // eacrwallet client
)

var subsystems = []string{subMain, subPool, subGRPC, subNode, subWallet}

// logs owns the log backend (stdout + rotated file) and one logger per
// subsystem.
type logs struct {
	rot     *rotator.Rotator
	backend *slog.Backend
	loggers map[string]slog.Logger
}

// logWriter writes to stdout and the rotator.
type logWriter struct{ rot *rotator.Rotator }

func (w logWriter) Write(p []byte) (int, error) {
	_, _ = os.Stdout.Write(p) // a log line that cannot be shown has nowhere else to go
	if w.rot != nil {
		_, _ = w.rot.Write(p) // nor one that cannot be written to the file
	}
	return len(p), nil
}

// newLogs opens dir/stakepoold.log (rotated at 10 MiB, 8 old files kept)
// and creates the subsystem loggers at level spec.
func newLogs(dir, spec string) (*logs, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	rot, err := rotator.New(filepath.Join(dir, logFileName), 10*1024, false, 8)
	if err != nil {
		return nil, fmt.Errorf("open log file: %w", err)
	}
	l := newLogsTo(logWriter{rot})
	l.rot = rot
	if err := parseDebugLevel(spec, l.loggers); err != nil {
		_ = rot.Close() // the error returned below is the one to report
		return nil, err
	}
	return l, nil
}

func newLogsTo(w io.Writer) *logs {
	l := &logs{backend: slog.NewBackend(w), loggers: map[string]slog.Logger{}}
	for _, s := range subsystems {
		lg := l.backend.Logger(s)
		lg.SetLevel(slog.LevelInfo)
		l.loggers[s] = lg
	}
	return l
}

func (l *logs) get(sub string) slog.Logger { return l.loggers[sub] }

func (l *logs) close() {
	if l.rot != nil {
		if err := l.rot.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "stakepoold: close the log file:", err)
		}
	}
}

// parseDebugLevel applies "level" to every subsystem or
// "SUB=level,SUB=level" to the named ones; loggers may be nil to only
// validate.
func parseDebugLevel(spec string, loggers map[string]slog.Logger) error {
	if !strings.Contains(spec, "=") {
		lvl, ok := slog.LevelFromString(spec)
		if !ok || strings.Contains(spec, ",") {
			return fmt.Errorf("debuglevel %q: unknown level (use trace, debug, info, warn, error, critical or off)", spec)
		}
		for _, lg := range loggers {
			lg.SetLevel(lvl)
		}
		return nil
	}
	for _, part := range strings.Split(spec, ",") {
		sub, level, ok := strings.Cut(part, "=")
		if !ok {
			return fmt.Errorf("debuglevel %q: %q is not SUBSYSTEM=level", spec, part)
		}
		lvl, okLvl := slog.LevelFromString(level)
		if !okLvl {
			return fmt.Errorf("debuglevel %q: unknown level %q", spec, level)
		}
		if !knownSubsystem(sub) {
			sorted := append([]string(nil), subsystems...)
			sort.Strings(sorted)
			return fmt.Errorf("debuglevel %q: unknown subsystem %q (known: %s)", spec, sub, strings.Join(sorted, ", "))
		}
		if lg, ok := loggers[sub]; ok {
			lg.SetLevel(lvl)
		}
	}
	return nil
}

func knownSubsystem(s string) bool {
	for _, k := range subsystems {
		if k == s {
			return true
		}
	}
	return false
}
