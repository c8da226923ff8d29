package main

import (
	"context"
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
	defer store.Close()
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
