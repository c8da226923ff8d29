package models

import (
	"context"
	"fmt"

	"github.com/go-gorp/gorp/v3"
)

type gorpExec = gorp.SqlExecutor

// Session is a logged-in browser. Anonymous visitors have no row. ID is a
// keyed hash of the cookie value, so a copy of the table cannot be replayed
// as cookies.
type Session struct {
	ID        string `db:"id"`
	UserID    int64  `db:"user_id"`
	Flash     string `db:"flash"`
	CreatedAt int64  `db:"created_at"`
	ExpiresAt int64  `db:"expires_at"`
}

// CreateSession inserts a new session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	if err := s.exec(ctx).Insert(sess); err != nil {
		return fmt.Errorf("create session: %w", classify(err))
	}
	return nil
}

// SessionUser returns an unexpired session and its (live) user. It runs on
// every logged-in page view, so it is one indexed join, scanned by hand.
func (s *Store) SessionUser(ctx context.Context, id string, now int64) (*Session, *User, error) {
	var sess Session
	var u User
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	dest := append([]any{&sess.ID, &sess.UserID, &sess.Flash, &sess.CreatedAt, &sess.ExpiresAt}, u.fields()...)
	err := s.db.QueryRowContext(ctx, sessionUserSQL, id, now).Scan(dest...)
	if err != nil {
		return nil, nil, fmt.Errorf("session: %w", unavailable(classify(err)))
	}
	return &sess, &u, nil
}

// ExtendSession moves a session's expiry forward to expiresAt (never back:
// of two concurrent extensions the later expiry wins). A missing session
// is not an error; the next lookup will not find it either.
func (s *Store) ExtendSession(ctx context.Context, id string, expiresAt int64) error {
	if _, err := s.exec(ctx).Exec("UPDATE sessions SET expires_at = ? WHERE id = ? AND expires_at < ?",
		expiresAt, id, expiresAt); err != nil {
		return fmt.Errorf("extend session: %w", err)
	}
	return nil
}

// SetFlash stores a one-time message on a session ("" clears it).
func (s *Store) SetFlash(ctx context.Context, id, msg string) error {
	if _, err := s.exec(ctx).Exec("UPDATE sessions SET flash = ? WHERE id = ?", msg, id); err != nil {
		return fmt.Errorf("set flash: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.exec(ctx).Exec("DELETE FROM sessions WHERE id = ?", id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user except keepID ("" keeps none).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, keepID string) error {
	if _, err := s.exec(ctx).Exec("DELETE FROM sessions WHERE user_id = ? AND id <> ?", userID, keepID); err != nil {
		return fmt.Errorf("end user sessions: %w", err)
	}
	return nil
}

// CountUserSessions returns how many sessions a user has (for tests and admin).
func (s *Store) CountUserSessions(ctx context.Context, userID int64) (int64, error) {
	n, err := s.exec(ctx).SelectInt("SELECT COUNT(*) FROM sessions WHERE user_id = ?", userID)
	if err != nil {
		return 0, fmt.Errorf("count sessions: %w", err)
	}
	return n, nil
}

// DeleteExpiredSessions removes sessions that expired before now and returns
// how many were removed.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now int64) (int64, error) {
	res, err := s.exec(ctx).Exec("DELETE FROM sessions WHERE expires_at <= ?", now)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
