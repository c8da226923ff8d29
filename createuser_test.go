package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/models"
	"golang.org/x/crypto/bcrypt"
)

func TestCreateUser(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db.sqlite")
	run := func(email, pw, stdin string) (int64, bool, error) {
		cfg, err := loadConfig(minimalArgs("--dbpath="+db, "--createuser="+email, "--createuserpassword="+pw))
		if err != nil {
			return 0, false, err
		}
		return createUser(context.Background(), cfg, strings.NewReader(stdin))
	}
	id, created, err := run("Admin@Example.com", "a long password", "")
	if err != nil || !created || id != 1 {
		t.Fatalf("create: %d %v %v", id, created, err)
	}
	id, created, err = run("admin@example.com", "-", "another long one\n")
	if err != nil || created || id != 1 {
		t.Fatalf("reset: %d %v %v", id, created, err)
	}
	store, err := models.Open(context.Background(), models.SQLite, db)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := store.Close(); err != nil {
			t.Error(err)
		}
	}()
	u, err := store.UserByEmail(context.Background(), "admin@example.com")
	if err != nil || !u.EmailVerified || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("another long one")) != nil {
		t.Fatalf("stored user %+v, %v", u, err)
	}
	for _, tc := range []struct{ email, pw, want string }{
		{"not an email", "a long password", "email address"},
		{"x@example.com", "short", "too short"},
		{"x@example.com", "", "needs createuserpassword"},
	} {
		if _, _, err := run(tc.email, tc.pw, ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("createuser %q/%q: err %v, want %q", tc.email, tc.pw, err, tc.want)
		}
	}
	if code := realMain(minimalArgs("--dbpath="+db, "--logdir="+dir, "--createuser=second@example.com",
		"--createuserpassword=yet another password")); code != 0 {
		t.Errorf("realMain --createuser exit %d", code)
	}
}

// TestCreateUserOutput: stdout carries only the id line (so a script can
// do id=$(dcrstakepool ... --createuser=...)); log lines go to stderr and
// the log file; a failure prints nothing on stdout and exits 1.
func TestCreateUserOutput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fresh.sqlite") // fresh: migrations run too
	logDir := filepath.Join(dir, "logs")
	tests := []struct {
		name         string
		args         []string
		stdin        string
		code         int
		stdout       string
		stderrHas    string
		stderrLacks  string
		logFileLines bool
	}{
		{"create", []string{"--createuser=first@example.com", "--createuserpassword=a long password"}, "",
			0, "1\n", "user 1 (first@example.com) created", "", true},
		{"second", []string{"--createuser=second@example.com", "--createuserpassword=-"}, "another password\n",
			0, "2\n", "user 2 (second@example.com) created", "another password", true},
		{"reset", []string{"--createuser=FIRST@example.com", "--createuserpassword=a new long password"}, "",
			0, "1\n", "password reset", "a new long password", true},
		{"weak password", []string{"--createuser=x@example.com", "--createuserpassword=short"}, "",
			1, "", "too short", "", false},
		{"bad email", []string{"--createuser=not an email", "--createuserpassword=a long password"}, "",
			1, "", "email address", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := minimalArgs(append([]string{"--dbpath=" + db, "--logdir=" + logDir}, tc.args...)...)
			code := run(args, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, stderr.String())
			}
			if stdout.String() != tc.stdout {
				t.Errorf("stdout %q, want exactly %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderrHas) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderrHas)
			}
			if tc.stderrLacks != "" && strings.Contains(stderr.String(), tc.stderrLacks) {
				t.Errorf("stderr shows %q", tc.stderrLacks)
			}
			if tc.logFileLines {
				// logdir gets the network name appended.
				files, _ := filepath.Glob(filepath.Join(logDir, "*", "dcrstakepool.log"))
				if len(files) != 1 {
					t.Fatalf("log files %q, want one", files)
				}
				b, err := os.ReadFile(files[0])
				if err != nil || !strings.Contains(string(b), tc.stderrHas) {
					t.Errorf("log file lacks %q (%v)", tc.stderrHas, err)
				}
			}
		})
	}
}
