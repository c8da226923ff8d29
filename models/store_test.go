package models_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var ctx = context.Background()

func newUser(t *testing.T, s *models.Store, email string) *models.User {
	t.Helper()
	u := &models.User{Email: email, PasswordHash: "hash", CreatedAt: 100, VoteBits: 1}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

func TestUsers(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		a := newUser(t, s, "a@example.com")
		b := newUser(t, s, "b@example.com")
		if a.ID != 1 || b.ID != 2 {
			t.Fatalf("ids = %d, %d; want 1, 2", a.ID, b.ID)
		}
		// Unique email, case-insensitively.
		for _, dup := range []string{"a@example.com", "A@Example.COM"} {
			err := s.CreateUser(ctx, &models.User{Email: dup, PasswordHash: "x"})
			if !errors.Is(err, models.ErrExists) {
				t.Errorf("duplicate %q: err = %v, want ErrExists", dup, err)
			}
		}
		got, err := s.UserByEmail(ctx, "a@example.com")
		if err != nil || got.ID != a.ID || got.VoteBits != 1 {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
		if _, err := s.UserByID(ctx, 999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UserByID(999) err = %v, want ErrNotFound", err)
		}
		// VSP columns round-trip.
		got.MultiSigAddress, got.MultiSigScript, got.VoteBits, got.VoteBitsVersion = "Ssabc", "5121", 5, 9
		if err := s.UpdateUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		total, active, err := s.CountUsers(ctx)
		if err != nil || total != 2 || active != 1 {
			t.Errorf("CountUsers = %d, %d, %v; want 2, 1", total, active, err)
		}
		// Injection strings are data, stored verbatim.
		evil := `x'); DROP TABLE users; --<script>@x.y`
		e := newUser(t, s, evil)
		back, err := s.UserByID(ctx, e.ID)
		if err != nil || back.Email != evil {
			t.Errorf("evil email round trip = %q, %v", back.Email, err)
		}
		// Deleting keeps the id, frees the address and hides the user.
		if err := s.DeleteUser(ctx, a.ID, 200); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByID(ctx, a.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deleted user still visible: %v", err)
		}
		if err := s.DeleteUser(ctx, a.ID, 200); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("second delete err = %v, want ErrNotFound", err)
		}
		c := newUser(t, s, "a@example.com")
		if c.ID <= e.ID {
			t.Errorf("new id %d reuses an old one (max %d)", c.ID, e.ID)
		}
	})
}

func TestIDsNeverReused(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		newUser(t, s, "a@x.org")
		b := newUser(t, s, "b@x.org")
		if err := s.DeleteUser(ctx, b.ID, 1); err != nil {
			t.Fatal(err)
		}
		c := newUser(t, s, "c@x.org")
		if c.ID == b.ID {
			t.Fatalf("id %d reused", c.ID)
		}
	})
}

func TestSessions(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		u := newUser(t, s, "s@example.com")
		for _, id := range []string{"s1", "s2", "s3"} {
			if err := s.CreateSession(ctx, &models.Session{ID: id, UserID: u.ID, CreatedAt: 10, ExpiresAt: 100}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateSession(ctx, &models.Session{ID: "s1", UserID: u.ID}); !errors.Is(err, models.ErrExists) {
			t.Errorf("duplicate session id err = %v", err)
		}
		sess, su, err := s.SessionUser(ctx, "s1", 50)
		if err != nil || su.ID != u.ID || sess.ExpiresAt != 100 {
			t.Fatalf("SessionUser = %+v %+v %v", sess, su, err)
		}
		if _, _, err := s.SessionUser(ctx, "s1", 100); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("expired session err = %v", err)
		}
		if err := s.SetFlash(ctx, "s1", "hello"); err != nil {
			t.Fatal(err)
		}
		if sess, _, _ := s.SessionUser(ctx, "s1", 50); sess.Flash != "hello" {
			t.Errorf("flash = %q", sess.Flash)
		}
		if err := s.DeleteUserSessions(ctx, u.ID, "s2"); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountUserSessions(ctx, u.ID); n != 1 {
			t.Errorf("after DeleteUserSessions keep s2: %d sessions", n)
		}
		if err := s.SetPassword(ctx, u.ID, "newhash"); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountUserSessions(ctx, u.ID); n != 0 {
			t.Errorf("SetPassword left %d sessions", n)
		}
		for _, sess := range []*models.Session{{ID: "old", UserID: u.ID, ExpiresAt: 5}, {ID: "new", UserID: u.ID, ExpiresAt: 500}} {
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.DeleteExpiredSessions(ctx, 10)
		if err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		// ExtendSession only moves the expiry forward.
		for _, tc := range []struct{ to, want int64 }{{900, 900}, {700, 900}, {1000, 1000}} {
			if err := s.ExtendSession(ctx, "new", tc.to); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.SessionUser(ctx, "new", tc.want-1); err != nil {
				t.Errorf("extend to %d: session gone before %d: %v", tc.to, tc.want, err)
			}
			if _, _, err := s.SessionUser(ctx, "new", tc.want); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("extend to %d: session alive at %d (err %v)", tc.to, tc.want, err)
			}
		}
		if err := s.ExtendSession(ctx, "missing", 5000); err != nil {
			t.Errorf("extend missing session: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		u := newUser(t, s, "t@example.com")
		mk := func(hash, purpose string, exp int64) {
			t.Helper()
			if err := s.CreateToken(ctx, &models.Token{Hash: hash, Purpose: purpose, UserID: u.ID,
				NewEmail: "n@example.com", CreatedAt: 1, ExpiresAt: exp}); err != nil {
				t.Fatal(err)
			}
		}
		mk("h1", models.PurposePasswordReset, 100)
		mk("h2", models.PurposePasswordReset, 100) // replaces h1
		if _, err := s.ConsumeToken(ctx, "h1", models.PurposePasswordReset, 50); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("superseded token usable: %v", err)
		}
		if _, err := s.PeekToken(ctx, "h2", models.PurposeEmailChange, 50); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("token usable for another purpose: %v", err)
		}
		if _, err := s.ConsumeToken(ctx, "h2", models.PurposePasswordReset, 100); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("expired token usable: %v", err)
		}
		// Single use, even under concurrency.
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if tok, err := s.ConsumeToken(ctx, "h2", models.PurposePasswordReset, 50); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
					if tok.NewEmail != "n@example.com" || tok.UserID != u.ID {
						t.Errorf("token = %+v", tok)
					}
				} else if !errors.Is(err, models.ErrNotFound) {
					t.Errorf("concurrent consume: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("token consumed %d times, want 1", wins)
		}
		mk("h3", models.PurposeEmailChange, 100)
		if err := s.ChangeEmail(ctx, u.ID, "n@example.com"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PeekToken(ctx, "h3", models.PurposeEmailChange, 50); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("email change left tokens behind: %v", err)
		}
		newUser(t, s, "taken@example.com")
		if err := s.ChangeEmail(ctx, u.ID, "TAKEN@example.com"); !errors.Is(err, models.ErrExists) {
			t.Errorf("ChangeEmail to taken address err = %v", err)
		}
	})
}

func TestRefusesNewerSchema(t *testing.T) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			var dsn string
			if e == models.SQLite {
				dsn = filepath.Join(t.TempDir(), "x.db")
			} else {
				dsn = dbtest.DSN(t)
			}
			s, err := models.Open(ctx, e, dsn)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.SchemaVersion(ctx)
			if err != nil || v < 1 {
				t.Fatalf("SchemaVersion = %d, %v", v, err)
			}
			// Pretend a newer program migrated this database.
			if err := s.ExecForTest(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", 99999, true); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			_, err = models.Open(ctx, e, dsn)
			if !errors.Is(err, models.ErrSchemaTooNew) || !strings.Contains(err.Error(), "99999") {
				t.Fatalf("Open on newer schema: err = %v, want ErrSchemaTooNew naming 99999", err)
			}
		})
	}
}

func TestMigrationsMatchAcrossEngines(t *testing.T) {
	names := map[models.Engine][]string{}
	for _, e := range dbtest.Engines {
		fsys, err := models.Migrations(e)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(filepath.Join("migrations", string(e)))
		if err != nil {
			t.Fatal(err)
		}
		_ = fsys
		for _, en := range entries {
			names[e] = append(names[e], en.Name())
		}
	}
	if strings.Join(names[models.SQLite], ",") != strings.Join(names[models.MySQL], ",") {
		t.Errorf("migration files differ: sqlite %v, mysql %v", names[models.SQLite], names[models.MySQL])
	}
}

// TestSessionUserSeesEveryColumn guards the hand-written join in
// SessionUser: every User column must come back.
func TestSessionUserSeesEveryColumn(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		u := &models.User{Email: "c@x.org", PasswordHash: "h", EmailVerified: true, CreatedAt: 3,
			MultiSigAddress: "m", MultiSigScript: "ms", PoolPubKeyAddr: "pp", UserPubKeyAddr: "up",
			UserFeeAddr: "fa", HeightRegistered: 7, APIToken: "tok", VoteBits: 5, VoteBitsVersion: 9}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, &models.Session{ID: "x", UserID: u.ID, Flash: "f", CreatedAt: 1, ExpiresAt: 100}); err != nil {
			t.Fatal(err)
		}
		_, got, err := s.SessionUser(ctx, "x", 2)
		if err != nil {
			t.Fatal(err)
		}
		if *got != *u {
			t.Errorf("SessionUser user = %+v, want %+v", *got, *u)
		}
		if err := s.DeleteUser(ctx, u.ID, 5); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "x", 2); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("session of a deleted user: %v", err)
		}
	})
}
