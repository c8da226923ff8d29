package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/views"
)

// TestMain points HOME at an empty folder so no real ~/.dcrstakepool is read.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "dcrsp-home-")
	if err != nil {
		panic(err)
	}
	os.Setenv("HOME", home)
	code := m.Run()
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
	cfg, err := loadConfig(minimalArgs("--dbpath="+filepath.Join(dir, "db.sqlite"), "--templatepath="+tpl,
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
	s, err := newServer(ctx, cfg, logs)
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
	if code, _ := get(t, base+"/assets/css/style.css"); code != 200 {
		t.Errorf("embedded stylesheet: %d", code)
	}

	// SIGUSR1 reloads templates from disk.
	home := filepath.Join(tpl, "home.html")
	b, _ := os.ReadFile(home)
	os.WriteFile(home, []byte(strings.Replace(string(b), `<section class="hero">`, `<section class="hero"><p>SIGNAL-RELOADED</p>`, 1)), 0o644)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
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
