package faultmatrix

import (
	"database/sql"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql" // the matrix reads the front end's rows

	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// MariaDB is a throwaway server on a unix socket that can be killed,
// frozen and restarted on the same data directory (models/dbtest's recipe,
// except that committed transactions reach the OS at commit, so a killed
// server keeps every write it acknowledged, as a production server does).
type MariaDB struct {
	*Proc
	sock string
	root *sql.DB
}

func findBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin"} {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return filepath.Join(d, name), nil
		}
	}
	return "", fmt.Errorf("%s not found: install MariaDB (apt-get install mariadb-server)", name)
}

// StartMariaDB initializes dir and starts the server.
func StartMariaDB(dir string) (*MariaDB, error) {
	// The driver logs a broken connection of a killed server; the matrix
	// kills it on purpose and reports what matters itself.
	_ = mysql.SetLogger(log.New(io.Discard, "", 0)) // fails only for a nil logger
	installDB, err := findBin("mariadb-install-db")
	if err != nil {
		return nil, err
	}
	mariadbd, err := findBin("mariadbd")
	if err != nil {
		return nil, err
	}
	// Unix socket paths are limited to 108 bytes: keep the socket short.
	sockDir, err := os.MkdirTemp("", "fm-")
	if err != nil {
		return nil, err
	}
	// Its temporary files stay in its own folder too: a starting mariadbd
	// deletes every "#sql*" file in its tmpdir, other servers' included.
	data, tmp := filepath.Join(dir, "data"), filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	install := exec.Command(installDB, "--no-defaults", "--user=root", "--datadir="+data, "--tmpdir="+tmp,
		"--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve",
		"--innodb-log-file-size=16M")
	install.Env = append(os.Environ(), "TMPDIR="+tmp)
	out, err := install.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("mariadb-install-db: %v\n%s", err, out)
	}
	m := &MariaDB{sock: filepath.Join(sockDir, "s.sock")}
	m.Proc = &Proc{Addr: m.sock, stopSig: syscall.SIGTERM, Proc: proctest.Proc{Name: "mariadb", Bin: mariadbd, Dir: dir,
		OutFile: "proc.log", Env: []string{"TMPDIR=" + tmp},
		Args: []string{"--no-defaults", "--user=root", "--datadir=" + data, "--tmpdir=" + tmp, "--socket=" + m.sock,
			"--pid-file=" + filepath.Join(dir, "m.pid"), "--log-error=" + filepath.Join(dir, "err.log"),
			"--skip-networking", "--skip-name-resolve", "--innodb-log-file-size=16M", "--innodb-buffer-pool-size=64M",
			"--innodb-flush-log-at-trx-commit=2", "--innodb-doublewrite=0",
			"--innodb-buffer-pool-load-at-startup=0", "--innodb-buffer-pool-dump-at-shutdown=0",
			"--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
			"--performance-schema=0", "--max-connections=500"}}}
	if err := m.Restart(); err != nil {
		return nil, err
	}
	return m, nil
}

// Restart starts the server (after Kill) and waits until it answers.
func (m *MariaDB) Restart() error {
	os.Remove(m.sock)
	if err := m.Start(); err != nil {
		return err
	}
	if m.root == nil {
		db, err := sql.Open("mysql", "root@unix("+m.sock+")/")
		if err != nil {
			return err
		}
		db.SetConnMaxLifetime(5 * time.Second)
		m.root = db
	}
	return wait(60*time.Second, 50*time.Millisecond, func() error {
		if !m.Running() {
			log, _ := os.ReadFile(filepath.Join(m.Dir, "err.log"))
			return exitedError{fmt.Errorf("mariadbd exited:\n%s", log)}
		}
		return m.root.Ping()
	})
}

// Socket is the server's unix socket.
func (m *MariaDB) Socket() string { return m.sock }

// CreateDatabase creates an empty database and returns its name.
func (m *MariaDB) CreateDatabase(name string) (string, error) {
	if _, err := m.root.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return name, nil
}

// VoteBits reads users' stored vote bits straight from the database.
func (m *MariaDB) VoteBits(db string, ids []int64) (map[int64]uint16, error) {
	out := make(map[int64]uint16)
	for _, id := range ids {
		var v int64
		if err := m.root.QueryRow("SELECT vote_bits FROM "+db+".users WHERE id = ?", id).Scan(&v); err != nil {
			return nil, fmt.Errorf("read user %d: %w", id, err)
		}
		out[id] = uint16(v)
	}
	return out, nil
}
