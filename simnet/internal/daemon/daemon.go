// Package daemon is the process scaffolding shared by the simulator's roles:
// the common command-line flags (data directory, RPC listener and
// credentials, log level), a logger writing to a file in the data directory
// and to stderr, a context cancelled by SIGINT/SIGTERM, and WriteFileAtomic,
// the durable way every role saves its state (temp file, fsync, rename,
// fsync of the directory) so a killed process never leaves a torn file.
package daemon

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// Common holds the flags every role has.
type Common struct {
	DataDir    string
	Listen     string
	User, Pass string
	NoTLS      bool
	DebugLevel string
	// RPCCert/RPCKey default to rpc.cert/rpc.key in DataDir.
	RPCCert, RPCKey string
	// Profile is a host:port for Go's pprof handlers ("" = off).
	Profile string
}

// ParseArgs parses a role's command line, which takes flags only. A -h
// request comes back as flag.ErrHelp (the usage is already printed).
func ParseArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	return nil
}

// AddFlags registers the common flags on fs with role-specific defaults.
func (c *Common) AddFlags(fs *flag.FlagSet, defaultDataDir, defaultListen string) {
	fs.StringVar(&c.DataDir, "datadir", defaultDataDir, "directory for state, logs and the TLS certificate")
	fs.StringVar(&c.Listen, "rpclisten", defaultListen, "JSON-RPC listen address (host:port; port 0 picks one)")
	fs.StringVar(&c.User, "rpcuser", "user", "JSON-RPC user name")
	fs.StringVar(&c.Pass, "rpcpass", "pass", "JSON-RPC password")
	fs.BoolVar(&c.NoTLS, "notls", false, "serve plain HTTP (loopback only)")
	fs.StringVar(&c.DebugLevel, "debuglevel", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.RPCCert, "rpccert", "", "TLS certificate file (default DATADIR/rpc.cert)")
	fs.StringVar(&c.RPCKey, "rpckey", "", "TLS key file (default DATADIR/rpc.key)")
	fs.StringVar(&c.Profile, "profile", "", "serve Go's pprof handlers on this host:port (keep it on loopback; off when empty)")
}

// Prepare creates the data directory and fills in derived defaults.
func (c *Common) Prepare() error {
	if c.DataDir == "" {
		return fmt.Errorf("--datadir is required")
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	if c.RPCCert == "" {
		c.RPCCert = filepath.Join(c.DataDir, "rpc.cert")
	}
	if c.RPCKey == "" {
		c.RPCKey = filepath.Join(c.DataDir, "rpc.key")
	}
	return nil
}

// ServerConfig returns the rpcserver configuration for these flags.
func (c *Common) ServerConfig(d rpcserver.Dialect, curve string, log *slog.Logger) rpcserver.Config {
	return rpcserver.Config{Listen: c.Listen, User: c.User, Pass: c.Pass, CertFile: c.RPCCert,
		KeyFile: c.RPCKey, Curve: curve, NoTLS: c.NoTLS, Dialect: d, Log: log}
}

// DefaultDataDir is ~/.simnet/<role>.
func DefaultDataDir(role string) string {
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".simnet", role)
	}
	return filepath.Join(home, ".simnet", role)
}

// ParseLevel maps a level name to slog.Level.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, fmt.Errorf("bad log level %q", s)
	}
	return l, nil
}

// OpenLog returns a logger writing text lines to DataDir/<role>.log and
// stderr, and a function closing the file.
func (c *Common) OpenLog(role string) (*slog.Logger, func(), error) {
	level, err := ParseLevel(c.DebugLevel)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(filepath.Join(c.DataDir, role+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log file: %w", err)
	}
	h := slog.NewTextHandler(io.MultiWriter(f, os.Stderr), &slog.HandlerOptions{Level: level})
	return slog.New(h).With("role", role), func() {
		if err := f.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "close log file:", err)
		}
	}, nil
}

// SignalContext is cancelled on SIGINT or SIGTERM.
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// WriteFileAtomic replaces path with data durably: it writes a temporary
// file in the same directory, fsyncs it, renames it over path and fsyncs
// the directory.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("create temp file for %s: %w", path, err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close() // after a failure: that error is the one returned
			os.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("chmod %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("rename %s: %w", name, err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()  // best effort: the rename is done; a failed directory sync only weakens durability
		_ = d.Close() // a directory opened only to sync it
	}
	return nil
}
