// Package dbtest gives tests real databases: a fresh SQLite file, or a fresh
// database on a throwaway MariaDB server that the test binary starts on a
// unix socket in a temporary directory and stops when it exits.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
//
// and then, in a test, run the same body against both engines:
//
//	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) { ... })
//
// MariaDB (mariadb-install-db and mariadbd on PATH or in /usr/sbin) is
// required. Without it the MariaDB subtests fail with a message saying what
// to install, unless the tests run with -short, where they are skipped.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/internal/proccpu"
	"github.com/eacred/dcrstakepool/models"
	_ "github.com/go-sql-driver/mysql" // driver for the admin connection
)

// Server is a running throwaway MariaDB.
type Server struct {
	dir  string
	sock string
	cmd  *exec.Cmd
	done chan struct{}
	root *sql.DB
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
	dbSeq      atomic.Int64
)

// Main runs the tests and stops the shared MariaDB server (if one was
// started) afterwards. It returns the exit code for os.Exit.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	return code
}

func findBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found: install MariaDB (apt-get install mariadb-server) "+
		"or run the tests with -short to skip the MariaDB cases", name)
}

// Start initializes a data directory and starts mariadbd listening only on a
// unix socket. Stop it with Stop.
func Start() (*Server, error) {
	installDB, err := findBinary("mariadb-install-db")
	if err != nil {
		return nil, err
	}
	mariadbd, err := findBinary("mariadbd")
	if err != nil {
		return nil, err
	}
	// Short path: unix socket paths are limited to 108 bytes.
	dir, err := os.MkdirTemp(baseDir(), "mdb-")
	if err != nil {
		return nil, err
	}
	// Everything the server writes lives under dir, its temporary files
	// too: a starting mariadbd deletes every "#sql*" file in its tmpdir,
	// so servers sharing /tmp (parallel test packages) break each other.
	data, tmp := filepath.Join(dir, "data"), filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	install := exec.Command(installDB, "--no-defaults", "--user=root", "--datadir="+data,
		"--tmpdir="+tmp, "--auth-root-authentication-method=normal", "--skip-test-db",
		"--skip-name-resolve", "--innodb-log-file-size=16M",
		"--innodb-flush-method=nosync", "--innodb-doublewrite=0")
	install.Env = withTmpdir(tmp)
	out, err := install.CombinedOutput()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mariadb-install-db: %v\n%s", err, out)
	}
	s := &Server{dir: dir, sock: filepath.Join(dir, "s.sock"), done: make(chan struct{})}
	logf, err := os.Create(filepath.Join(dir, "stdout.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.cmd = exec.Command(mariadbd, "--no-defaults", "--user=root", "--datadir="+data,
		"--tmpdir="+tmp, "--socket="+s.sock, "--pid-file="+filepath.Join(dir, "m.pid"),
		"--log-error="+filepath.Join(dir, "err.log"), "--skip-networking", "--skip-name-resolve",
		"--innodb-log-file-size=16M", "--innodb-buffer-pool-size=64M",
		"--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--innodb-flush-method=nosync",
		"--innodb-buffer-pool-load-at-startup=0", "--innodb-buffer-pool-dump-at-shutdown=0",
		"--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
		"--performance-schema=0", "--max-connections=500")
	s.cmd.Env = withTmpdir(tmp)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		_ = logf.Close() // the error returned below is the one to report
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start mariadbd: %w", err)
	}
	go func() {
		_ = s.cmd.Wait() // stopped or killed by Stop: its exit status says nothing
		_ = logf.Close() // the server's own log, only read by people
		close(s.done)
	}()

	s.root, err = sql.Open("mysql", "root@unix("+s.sock+")/")
	if err != nil {
		s.Stop()
		return nil, err
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err = s.root.Ping(); err == nil {
			break
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(dir, "err.log"))
			s.Stop()
			return nil, fmt.Errorf("mariadbd exited during start-up:\n%s", log)
		case <-time.After(25 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("mariadbd not ready after 20s: %v", err)
		}
	}
	return s, nil
}

// baseDir is where servers make their directories: /dev/shm when it is a
// roomy memory file system (mariadb-install-db there takes a quarter of the
// time it takes on a busy disk), else the system temporary directory.
func baseDir() string {
	var st syscall.Statfs_t
	const shm = "/dev/shm"
	if err := syscall.Statfs(shm, &st); err != nil || st.Bavail*uint64(st.Bsize) < 1<<30 {
		return ""
	}
	if syscall.Access(shm, 2 /* W_OK */) != nil {
		return ""
	}
	return shm
}

// withTmpdir is the environment with TMPDIR set to dir, for the helper
// programs the MariaDB tools start.
func withTmpdir(dir string) []string {
	env := []string{"TMPDIR=" + dir}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TMPDIR=") {
			env = append(env, kv)
		}
	}
	return env
}

// Dir is the server's own directory: data, tmpdir, socket, pid and logs.
func (s *Server) Dir() string { return s.dir }

// Signal sends sig to the server process: fault tests freeze it (SIGSTOP),
// resume it (SIGCONT) or kill it (SIGKILL). Stop still cleans up after any
// of them.
func (s *Server) Signal(sig os.Signal) error { return s.cmd.Process.Signal(sig) }

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop kills the server and removes its directory.
func (s *Server) Stop() {
	if s.root != nil {
		_ = s.root.Close() // the server is about to be stopped
	}
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM) // mariadbd ignores SIGINT
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
	os.RemoveAll(s.dir)
}

// NewDatabase creates an empty database and returns a DSN for it.
func (s *Server) NewDatabase() (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	if _, err := s.root.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return "root@unix(" + s.sock + ")/" + name + "?charset=utf8mb4", nil
}

// MariaDB returns the shared server, starting it on first use. Under -short
// a missing MariaDB skips the test; otherwise it fails it.
func MariaDB(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		if testing.Short() {
			tb.Skipf("MariaDB unavailable in -short mode: %v", sharedErr)
		}
		tb.Fatalf("MariaDB test server: %v", sharedErr)
	}
	return shared
}

// DSN returns a DSN for a fresh MariaDB database.
func DSN(tb testing.TB) string {
	tb.Helper()
	dsn, err := MariaDB(tb).NewDatabase()
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

// Open returns a migrated Store on a fresh database of the given engine,
// closed when the test ends.
func Open(tb testing.TB, engine models.Engine) *models.Store {
	tb.Helper()
	var dsn string
	switch engine {
	case models.SQLite:
		dsn = filepath.Join(tb.TempDir(), "test.db")
	case models.MySQL:
		dsn = DSN(tb)
	}
	s, err := models.Open(context.Background(), engine, dsn)
	if err != nil {
		tb.Fatalf("open %s store: %v", engine, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close %s store: %v", engine, err)
		}
	})
	return s
}

// Engines lists the engines every database test runs against.
var Engines = []models.Engine{models.SQLite, models.MySQL}

// ForEachEngine runs fn as a subtest per engine, each with a fresh Store.
func ForEachEngine(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) { fn(t, Open(t, e)) })
	}
}

// CPUTime is the CPU time (user+system) the MariaDB server has used so far,
// read from /proc (Linux); 0 when unknown. Benchmarks use it to count the
// database's share of the work.
func (s *Server) CPUTime() time.Duration { return proccpu.Of(s.cmd.Process.Pid) }
