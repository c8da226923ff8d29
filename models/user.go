package models

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

// User is one account. The VSP columns (multisig address and script, pool and
// user pubkey addresses, fee address, registration height, API token, vote
// bits and version) are empty until the user submits a pubkey address.
type User struct {
	ID               int64  `db:"id"`
	Email            string `db:"email"`
	PasswordHash     string `db:"password_hash"`
	EmailVerified    bool   `db:"email_verified"`
	CreatedAt        int64  `db:"created_at"`
	DeletedAt        int64  `db:"deleted_at"` // 0 while the account exists
	MultiSigAddress  string `db:"multisig_address"`
	MultiSigScript   string `db:"multisig_script"`
	PoolPubKeyAddr   string `db:"pool_pubkey_addr"`
	UserPubKeyAddr   string `db:"user_pubkey_addr"`
	UserFeeAddr      string `db:"user_fee_addr"`
	HeightRegistered int64  `db:"height_registered"`
	APIToken         string `db:"api_token"`
	VoteBits         int64  `db:"vote_bits"`
	VoteBitsVersion  int64  `db:"vote_bits_version"`
}

// HasMultiSig reports whether the user has a voting address yet.
func (u *User) HasMultiSig() bool { return u.MultiSigAddress != "" }

// Prefs returns the user's voting preferences as every stakepoold holds
// them: the one conversion from a users row to poolapi.User.
func (u *User) Prefs() poolapi.User {
	return poolapi.User{UserID: u.ID, MultisigAddress: u.MultiSigAddress,
		VoteBits: uint16(u.VoteBits), VoteBitsVersion: uint32(u.VoteBitsVersion)}
}

// The users table's columns are listed here once, beside the struct, for
// the queries that scan rows by hand (at 100,000 users gorp's reflective
// scan took most of a read's time). A new column is a field above with its
// db tag and its pointer in fields; a setting stakepoold applies to votes
// (a field of poolapi.User) is also named in settingColumns, read in Prefs
// and written in settingValues.

// fields returns pointers to u's fields in the order of userColumns (the
// struct's order; TestUserFieldsFollowTags checks it).
func (u *User) fields() []any {
	return []any{&u.ID, &u.Email, &u.PasswordHash, &u.EmailVerified, &u.CreatedAt, &u.DeletedAt,
		&u.MultiSigAddress, &u.MultiSigScript, &u.PoolPubKeyAddr, &u.UserPubKeyAddr, &u.UserFeeAddr,
		&u.HeightRegistered, &u.APIToken, &u.VoteBits, &u.VoteBitsVersion}
}

// values returns u's field values in the order of userColumns.
func (u *User) values() []any {
	ps := u.fields()
	for i, p := range ps {
		ps[i] = reflect.ValueOf(p).Elem().Interface()
	}
	return ps
}

// settingColumns are the voting preferences the user chooses, written by
// SetVotingPrefs from settingValues.
var settingColumns = []string{"vote_bits", "vote_bits_version"}

// settingValues returns the settings of p in the order of settingColumns.
func settingValues(p poolapi.User) []any {
	return []any{int64(p.VoteBits), int64(p.VoteBitsVersion)}
}

// prefColumns are the columns Prefs reads: the record's identity, then the
// settings.
var prefColumns = append([]string{"id", "multisig_address"}, settingColumns...)

// userColumns are the users table's columns, from User's db tags.
var userColumns = func() []string {
	t := reflect.TypeOf(User{})
	cols := make([]string, t.NumField())
	for i := range cols {
		cols[i] = t.Field(i).Tag.Get("db")
	}
	return cols
}()

// columnsAt returns the positions of cols in userColumns.
func columnsAt(cols []string) []int {
	at := make([]int, len(cols))
	for i, c := range cols {
		at[i] = slices.Index(userColumns, c)
		if at[i] < 0 {
			panic("models: no users column " + c)
		}
	}
	return at
}

// fieldsAt returns pointers to u's fields at positions at (columnsAt).
func (u *User) fieldsAt(at []int) []any {
	all := u.fields()
	out := make([]any, len(at))
	for i, j := range at {
		out[i] = all[j]
	}
	return out
}

// columnList joins cols with ", ", each with prefix (a table alias and a
// dot, or "").
func columnList(prefix string, cols []string) string {
	return prefix + strings.Join(cols, ", "+prefix)
}

// deletedEmail is what a deleted account's email becomes: unique, not an
// address (no "@", so no login form can ever match it), not personal data.
func deletedEmail(id int64) string { return "deleted:" + strconv.FormatInt(id, 10) }

// CreateUser inserts u and sets u.ID. ErrExists means the email is taken.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	if err := s.exec(ctx).Insert(u); err != nil {
		return fmt.Errorf("create user: %w", classify(err))
	}
	return nil
}

// UserByID returns a live (not deleted) user.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u, err := s.userRow(ctx, userByIDSQL, id)
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns a live user by email (compared case-insensitively).
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u, err := s.userRow(ctx, userByEmailSQL, email)
	if err != nil {
		return nil, fmt.Errorf("user by email: %w", err)
	}
	return u, nil
}

// userRow runs query, which selects userColumns, and scans its one row by
// hand (gorp's SelectOne maps columns to fields by reflection on every
// call: most of a read's CPU). ErrNotFound when there is no row,
// ErrUnavailable when the database did not answer.
func (s *Store) userRow(ctx context.Context, query string, args ...any) (*User, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	var u User
	if err := s.db.QueryRowContext(ctx, query, args...).Scan(u.fields()...); err != nil {
		return nil, unavailable(classify(err))
	}
	return &u, nil
}

// EmailInUse reports whether any account, deleted or not, holds email.
func (s *Store) EmailInUse(ctx context.Context, email string) (bool, error) {
	n, err := s.exec(ctx).SelectInt(emailInUseSQL, email)
	if err != nil {
		return false, fmt.Errorf("check email: %w", err)
	}
	return n > 0, nil
}

// UpdateUser writes every column of u.
func (s *Store) UpdateUser(ctx context.Context, u *User) error {
	n, err := s.exec(ctx).Update(u)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, classify(err))
	}
	if n == 0 {
		return fmt.Errorf("update user %d: %w", u.ID, ErrNotFound)
	}
	return nil
}

// SetPassword stores a new password hash and, in the same transaction, ends
// every session of the user, revokes their API token (a stolen one must not
// outlive the password) and discards outstanding password-reset tokens.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string) error {
	return s.inTx(ctx, func(tx gorpExec) error {
		if _, err := tx.Exec("UPDATE users SET password_hash = ?, api_token = '' WHERE id = ? AND deleted_at = 0", hash, userID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if _, err := tx.Exec("DELETE FROM tokens WHERE user_id = ? AND purpose = ?", userID, PurposePasswordReset); err != nil {
			return fmt.Errorf("drop reset tokens: %w", err)
		}
		return nil
	})
}

// MarkEmailVerified sets the verified flag.
func (s *Store) MarkEmailVerified(ctx context.Context, userID int64) error {
	if _, err := s.exec(ctx).Exec("UPDATE users SET email_verified = ? WHERE id = ?", true, userID); err != nil {
		return fmt.Errorf("verify email: %w", err)
	}
	return nil
}

// ChangeEmail sets a new (verified) email, ends every session of the user,
// revokes their API token and drops all their outstanding link tokens.
// ErrExists means the address was taken meanwhile.
func (s *Store) ChangeEmail(ctx context.Context, userID int64, email string) error {
	return s.inTx(ctx, func(tx gorpExec) error {
		if _, err := tx.Exec("UPDATE users SET email = ?, email_verified = ?, api_token = '' WHERE id = ? AND deleted_at = 0",
			email, true, userID); err != nil {
			return fmt.Errorf("change email: %w", classify(err))
		}
		if _, err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if _, err := tx.Exec("DELETE FROM tokens WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("drop tokens: %w", err)
		}
		return nil
	})
}

// DeleteUser removes an account's personal data and credentials: the email
// is replaced by a placeholder, the password and API token are cleared and
// every session and token is deleted. The row itself is kept (marked
// deleted) so the user id — from which the pool key and fee address are
// derived — is never reused and tickets already bought keep being voted
// with the last saved preferences.
func (s *Store) DeleteUser(ctx context.Context, userID int64, now int64) error {
	return s.inTx(ctx, func(tx gorpExec) error {
		res, err := tx.Exec("UPDATE users SET email = ?, password_hash = '', api_token = '', deleted_at = ? "+
			"WHERE id = ? AND deleted_at = 0", deletedEmail(userID), now, userID)
		if err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete user %d: %w", userID, ErrNotFound)
		}
		if _, err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if _, err := tx.Exec("DELETE FROM tokens WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("drop tokens: %w", err)
		}
		return nil
	})
}

// CountUsers returns the number of live accounts and of those with a voting
// address ("active"), in one pass over an index.
func (s *Store) CountUsers(ctx context.Context) (total, active int64, err error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	if err := s.db.QueryRowContext(ctx, countUsersSQL).Scan(&total, &active); err != nil {
		return 0, 0, fmt.Errorf("count users: %w", unavailable(err))
	}
	return total, active, nil
}
