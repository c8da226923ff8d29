package dbtest

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestServersShareNothing starts two servers at once and checks that each
// keeps its temporary files, socket, pid file and data under its own
// directory, and that starting one leaves the other's "#sql" files alone
// (a starting mariadbd deletes every such file in its tmpdir; with a shared
// /tmp, parallel test packages broke each other's mariadb-install-db).
func TestServersShareNothing(t *testing.T) {
	if _, err := findBinary("mariadbd"); err != nil && testing.Short() {
		t.Skip(err)
	}
	a, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	// A file that looks like a leftover temporary table of server a.
	var aTmp string
	if err := a.root.QueryRow("SELECT @@tmpdir").Scan(&aTmp); err != nil {
		t.Fatal(err)
	}
	canary := filepath.Join(aTmp, "#sql-temptable-canary")
	if err := os.WriteFile(canary, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var (
		wg      sync.WaitGroup
		servers [2]*Server
		errs    [2]error
	)
	for i := range servers {
		wg.Add(1)
		go func() { defer wg.Done(); servers[i], errs[i] = Start() }()
	}
	wg.Wait()
	for i, s := range servers {
		if errs[i] != nil {
			t.Fatalf("server %d: %v", i, errs[i])
		}
		defer s.Stop()
	}
	if _, err := os.Stat(canary); err != nil {
		t.Errorf("starting other servers removed server a's temporary file: %v", err)
	}
	for i, s := range append(servers[:], a) {
		for _, v := range []string{"tmpdir", "socket", "pid_file", "datadir", "log_error"} {
			var got string
			if err := s.root.QueryRow("SELECT @@" + v).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(filepath.Clean(got), s.Dir()+string(filepath.Separator)) {
				t.Errorf("server %d: %s = %q, not under its own directory %s", i, v, got, s.Dir())
			}
		}
	}
}
