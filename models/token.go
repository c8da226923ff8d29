package models

import (
	"context"
	"fmt"
)

// Token purposes.
const (
	PurposeEmailVerify   = "email-verify"
	PurposePasswordReset = "password-reset"
	PurposeEmailChange   = "email-change"
)

// Token is a single-use secret sent by email. Only a hash of the secret is
// stored; the secret itself exists only in the link.
type Token struct {
	ID        int64  `db:"id"`
	Hash      string `db:"hash"`
	Purpose   string `db:"purpose"`
	UserID    int64  `db:"user_id"`
	NewEmail  string `db:"new_email"` // for PurposeEmailChange
	CreatedAt int64  `db:"created_at"`
	ExpiresAt int64  `db:"expires_at"`
}

// CreateToken stores t, replacing the user's earlier tokens of the same
// purpose so only the newest link works.
func (s *Store) CreateToken(ctx context.Context, t *Token) error {
	return s.inTx(ctx, func(tx gorpExec) error {
		if _, err := tx.Exec("DELETE FROM tokens WHERE user_id = ? AND purpose = ?", t.UserID, t.Purpose); err != nil {
			return fmt.Errorf("drop old tokens: %w", err)
		}
		if err := tx.Insert(t); err != nil {
			return fmt.Errorf("create token: %w", classify(err))
		}
		return nil
	})
}

// PeekToken returns an unexpired token without using it up (to show a form).
func (s *Store) PeekToken(ctx context.Context, hash, purpose string, now int64) (*Token, error) {
	var t Token
	err := s.exec(ctx).SelectOne(&t, "SELECT * FROM tokens WHERE hash = ? AND purpose = ? AND expires_at > ?",
		hash, purpose, now)
	if err != nil {
		return nil, fmt.Errorf("token: %w", classify(err))
	}
	return &t, nil
}

// ConsumeToken deletes and returns an unexpired token. Of two concurrent
// callers only one gets it; the other gets ErrNotFound.
func (s *Store) ConsumeToken(ctx context.Context, hash, purpose string, now int64) (*Token, error) {
	var t Token
	err := s.inTx(ctx, func(tx gorpExec) error {
		if err := tx.SelectOne(&t, "SELECT * FROM tokens WHERE hash = ? AND purpose = ? AND expires_at > ?",
			hash, purpose, now); err != nil {
			return fmt.Errorf("token: %w", classify(err))
		}
		res, err := tx.Exec("DELETE FROM tokens WHERE id = ?", t.ID)
		if err != nil {
			return fmt.Errorf("use token: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("token: %w", ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// DeleteExpiredTokens removes tokens that expired before now.
func (s *Store) DeleteExpiredTokens(ctx context.Context, now int64) (int64, error) {
	res, err := s.exec(ctx).Exec("DELETE FROM tokens WHERE expires_at <= ?", now)
	if err != nil {
		return 0, fmt.Errorf("delete expired tokens: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
