package main

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
	"github.com/go-sql-driver/mysql"
)

// TestMySQLQueryIsOneRoundTrip checks that the front end's MySQL
// connection sends each query with its arguments as one statement: no
// server-side prepared statement (prepare, execute, close: three packets,
// two round trips and a parse per query), which the web load measured as a
// third of the database's CPU per request.
func TestMySQLQueryIsOneRoundTrip(t *testing.T) {
	rootDSN := dbtest.DSN(t)
	mc, err := mysql.ParseDSN(rootDSN)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cold, vote := testXpubs(t)
	cfg, err := loadConfig(simnetArgs(cold, vote, "--dbtype=mysql", "--dbhost="+mc.Addr, "--dbuser="+mc.User,
		"--dbname="+mc.DBName, "--logdir="+filepath.Join(dir, "logs")))
	if err != nil {
		t.Fatal(err)
	}
	engine, dsn, err := cfg.database()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := models.Open(ctx, engine, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := store.Close(); err != nil {
			t.Error(err)
		}
	}()
	root, err := sql.Open("mysql", rootDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := root.Close(); err != nil {
			t.Error(err)
		}
	}()
	prepared := func() int64 {
		var name string
		var n int64
		if err := root.QueryRow("SHOW GLOBAL STATUS LIKE 'Com_stmt_prepare'").Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := prepared()
	u := &models.User{Email: "one-trip@example.com", PasswordHash: "x", CreatedAt: 1, VoteBits: 1}
	if err := store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := store.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("look-up: %v", err)
		}
		if _, err := store.UserByID(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	if d := prepared() - before; d != 0 {
		t.Errorf("21 queries with arguments prepared %d server-side statements, want 0 (interpolateParams)", d)
	}
}
