package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/decred/slog"
	"github.com/jrick/logrotate/rotator"
)

// Subsystem tags of the front end's loggers.
const (
	subMain        = "DCRS" // start-up, shutdown, wiring
	subControllers = "CNTL" // page handlers
	subSystem      = "SYTM" // web core: router, sessions, templates, mail
	subModels      = "MODL" // database
	subBackend     = "GRPC" // stakepoold clients (VSP features)
)

var knownSubsystems = []string{subMain, subControllers, subSystem, subModels, subBackend}

// logging owns the log backend (stdout plus a rotated file) and hands out
// one logger per subsystem at the level debuglevel asked for.
type logging struct {
	backend *slog.Backend
	rotator *rotator.Rotator
	def     slog.Level
	levels  map[string]slog.Level
	mu      sync.Mutex
	loggers map[string]slog.Logger
}

// newLogging parses debuglevel and opens logdir/dcrstakepool.log (rotated at
// 10 MB, 3 old files kept). With logDir empty it logs to w only.
func newLogging(w io.Writer, logDir, debugLevel string) (*logging, error) {
	l := &logging{levels: map[string]slog.Level{}, loggers: map[string]slog.Logger{}}
	if err := l.parseLevels(debugLevel); err != nil {
		return nil, err
	}
	out := w
	if logDir != "" {
		if err := os.MkdirAll(logDir, 0o700); err != nil {
			return nil, fmt.Errorf("create log folder: %w", err)
		}
		r, err := rotator.New(filepath.Join(logDir, "dcrstakepool.log"), 10*1024, false, 3)
		if err != nil {
			return nil, fmt.Errorf("open log file: %w", err)
		}
		l.rotator = r
		out = io.MultiWriter(w, r)
	}
	l.backend = slog.NewBackend(out)
	return l, nil
}

// parseLevels accepts "level" or "SUBSYS=level,SUBSYS=level[,level]".
func (l *logging) parseLevels(spec string) error {
	l.def = slog.LevelInfo
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		sub, lvl, hasSub := strings.Cut(part, "=")
		if !hasSub {
			lv, ok := slog.LevelFromString(part)
			if !ok {
				return fmt.Errorf("debuglevel: %q is not a level (trace, debug, info, warn, error, critical, off)", part)
			}
			l.def = lv
			continue
		}
		lv, ok := slog.LevelFromString(lvl)
		if !ok {
			return fmt.Errorf("debuglevel: %q is not a level for %s", lvl, sub)
		}
		if !contains(knownSubsystems, sub) {
			return fmt.Errorf("debuglevel: unknown subsystem %q (known: %s)", sub, strings.Join(sortedSubsystems(), ", "))
		}
		l.levels[sub] = lv
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func sortedSubsystems() []string {
	s := append([]string(nil), knownSubsystems...)
	sort.Strings(s)
	return s
}

// Logger returns the logger of a subsystem, creating it on first use.
func (l *logging) Logger(sub string) slog.Logger {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lg, ok := l.loggers[sub]; ok {
		return lg
	}
	lg := l.backend.Logger(sub)
	lv, ok := l.levels[sub]
	if !ok {
		lv = l.def
	}
	lg.SetLevel(lv)
	l.loggers[sub] = lg
	return lg
}

// Close flushes and closes the log file.
func (l *logging) Close() {
	if l.rotator != nil {
		if err := l.rotator.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "dcrstakepool: close the log file:", err)
		}
	}
}
