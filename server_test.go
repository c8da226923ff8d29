package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
	"github.com/eacred/dcrstakepool/views"
	"github.com/go-sql-driver/mysql"
)

// TestMain points HOME at an empty folder so no real ~/.dcrstakepool is read.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "dcrsp-home-")
	if err != nil {
		panic(err)
	}
	if err := os.Setenv("HOME", home); err != nil {
		panic(err)
	}
	code := dbtest.Main(m)
	os.RemoveAll(home)
	os.Exit(code)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServerLifecycle starts the real program wiring on SQLite, serves
// pages, reloads templates on SIGUSR1 and shuts down gracefully.
func TestServerLifecycle(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "views")
	if err := os.CopyFS(tpl, views.FS); err != nil {
		t.Fatal(err)
	}
	cold, vote := testXpubs(t)
	cfg, err := loadConfig(simnetArgs(cold, vote, "--dbpath="+filepath.Join(dir, "db.sqlite"), "--templatepath="+tpl,
		"--publicpath="+filepath.Join(dir, "nopublic"), "--designation=Lifecycle", "--logdir="+filepath.Join(dir, "logs")))
	if err != nil {
		t.Fatal(err)
	}
	logs, err := newLogging(io.Discard, cfg.LogDir, "info")
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var fakes []*fakebackend.Backend
	dial := func(dc stakepooldclient.DialConfig) (stakepooldclient.Backend, error) {
		f := fakebackend.New(dc.Host, "same seed", cold)
		fakes = append(fakes, f)
		return f, nil
	}
	s, err := newServer(ctx, cfg, logs, dial)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.serve(ctx, ln, logs.Logger(subMain)) }()
	base := "http://" + ln.Addr().String()

	code, body := get(t, base+"/")
	if code != 200 || !strings.Contains(body, "Lifecycle") {
		t.Fatalf("home: %d\n%s", code, body)
	}
	if len(fakes) != 2 || fakes[0].Calls["PoolConfig"] == 0 {
		t.Errorf("VSP start-up did not talk to both backends: %d fakes", len(fakes))
	}
	// VSP routes are wired: stats and the monitoring endpoint answer.
	if code, body := get(t, base+"/status"); code != 200 {
		t.Errorf("/status: %d %s", code, body)
	}
	if code, _ := get(t, base+"/stats"); code != 200 {
		t.Errorf("/stats: %d", code)
	}
	if code, _ := get(t, base+"/assets/css/style.css"); code != 200 {
		t.Errorf("embedded stylesheet: %d", code)
	}

	// SIGUSR1 reloads templates from disk.
	layout := filepath.Join(tpl, "layout.html")
	b, _ := os.ReadFile(layout)
	if err := os.WriteFile(layout, []byte(strings.Replace(string(b), `<footer class="site">`, `<p>SIGNAL-RELOADED</p><footer class="site">`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, body := get(t, base+"/"); strings.Contains(body, "SIGNAL-RELOADED") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("templates not reloaded after SIGUSR1")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Graceful shutdown: serve returns nil and the port closes.
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("still serving after shutdown")
	}
	// The log file was written.
	if _, err := os.Stat(filepath.Join(cfg.LogDir, "dcrstakepool.log")); err != nil {
		t.Errorf("log file: %v", err)
	}
}

// testXpubs returns two simnet account xpubs.
func testXpubs(t *testing.T) (cold, vote string) {
	p := chaincfg.SimNetParams()
	for i, seed := range []string{"cold wallet seed 0123456789abcdef", "voting wallet seed 0123456789abcde"} {
		k, err := hdkeychain.NewMaster([]byte(seed), p)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			cold = k.Neuter().String()
		} else {
			vote = k.Neuter().String()
		}
	}
	return cold, vote
}

func simnetArgs(cold, vote string, extra ...string) []string {
	return append([]string{"--simnet", "--coldwalletextpub=" + cold, "--votingwalletextpub=" + vote,
		"--stakepooldhosts=127.0.0.1:1,127.0.0.1:2", "--stakepooldcerts=/a.cert,/b.cert", secrets[0], secrets[1]}, extra...)
}

// TestServerOnMariaDB runs the program's MySQL configuration path
// (dbtype=mysql, dbhost = a unix socket) against a throwaway MariaDB.
func TestServerOnMariaDB(t *testing.T) {
	mc, err := mysql.ParseDSN(dbtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cold, vote := testXpubs(t)
	cfg, err := loadConfig(simnetArgs(cold, vote, "--dbtype=mysql", "--dbhost="+mc.Addr, "--dbuser="+mc.User,
		"--dbname="+mc.DBName, "--logdir="+filepath.Join(dir, "logs"), "--templatepath="+filepath.Join(dir, "none")))
	if err != nil {
		t.Fatal(err)
	}
	logs, err := newLogging(io.Discard, "", "info")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := newServer(ctx, cfg, logs, func(dc stakepooldclient.DialConfig) (stakepooldclient.Backend, error) {
		return fakebackend.New(dc.Host, "seed", cold), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if s.store.Engine() != models.MySQL {
		t.Fatalf("engine %s", s.store.Engine())
	}
	if v, err := s.store.SchemaVersion(ctx); err != nil || v < 1 {
		t.Fatalf("schema version %d, %v", v, err)
	}
	srv := httptest.NewServer(s.handler)
	defer srv.Close()
	if code, body := get(t, srv.URL+"/login"); code != 200 || !strings.Contains(body, "Log in") {
		t.Fatalf("login page on MariaDB: %d", code)
	}
}

func TestRealMainExitCodes(t *testing.T) {
	if code := realMain([]string{"-V"}); code != 0 {
		t.Errorf("-V exit %d", code)
	}
	if code := realMain([]string{"--testnet"}); code != 1 {
		t.Errorf("missing required options: exit %d, want 1", code)
	}
	// A bad debuglevel stops start-up with exit code 1.
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	code := realMain(minimalArgs("--dbpath="+db, "--listen=127.0.0.1:0", "--dbtype=sqlite", "--logdir="+dir,
		"--templatepath="+filepath.Join(dir, "none"), "--debuglevel=BOGUS=info"))
	if code != 1 {
		t.Errorf("bad debuglevel: exit %d", code)
	}
}
