package models

import (
	"context"
	"fmt"
	"slices"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

// PoolPrefs returns the voting preferences of every user with a voting
// address (deleted accounts included, as PoolUsers), by id, as every
// stakepoold must hold them: what the front end's state digest is computed
// from. It reads only the columns User.Prefs needs: at 100,000 users it is
// the cheap way to recompute the digest the backends are checked against.
func (s *Store) PoolPrefs(ctx context.Context) ([]poolapi.User, error) {
	var out []poolapi.User
	err := s.scanPoolRows(ctx, poolPrefsSQL, prefsAt, func(u *User) {
		out = append(out, u.Prefs())
	})
	if err != nil {
		return nil, fmt.Errorf("pool preferences: %w", err)
	}
	return out, nil
}

// scriptColumns are the columns PoolScripts reads.
var scriptColumns = append(slices.Clip(prefColumns), "multisig_script", "height_registered")

var (
	prefsAt   = columnsAt(prefColumns)
	scriptsAt = columnsAt(scriptColumns)
	allAt     = columnsAt(userColumns)
)

// PoolScripts returns every user with a voting address (deleted accounts
// included, as PoolUsers) with only the columns a repair needs, by id. At
// 100,000 users it reads a fraction of what PoolUsers reads (no email,
// password hash or API token).
func (s *Store) PoolScripts(ctx context.Context) ([]poolapi.UserScript, error) {
	var out []poolapi.UserScript
	err := s.scanPoolRows(ctx, poolScriptsSQL, scriptsAt, func(u *User) {
		out = append(out, poolapi.UserScript{Prefs: u.Prefs(), RedeemScript: u.MultiSigScript,
			HeightRegistered: u.HeightRegistered})
	})
	if err != nil {
		return nil, fmt.Errorf("pool scripts: %w", err)
	}
	return out, nil
}

// PoolUsers returns every user with a voting address, deleted accounts
// included (their tickets keep being voted), by id.
func (s *Store) PoolUsers(ctx context.Context) ([]User, error) {
	var us []User
	err := s.scanPoolRows(ctx, poolUsersSQL, allAt, func(u *User) { us = append(us, *u) })
	if err != nil {
		return nil, fmt.Errorf("pool users: %w", err)
	}
	return us, nil
}

// scanPoolRows runs query (which selects the users columns at positions
// at) and calls row for each row, scanned by hand into a User: at 100,000
// users gorp's reflective scan took most of the read's time.
func (s *Store) scanPoolRows(ctx context.Context, query string, at []int, row func(*User)) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return unavailable(err)
	}
	defer rows.Close()
	var u User
	dest := u.fieldsAt(at)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return unavailable(err)
		}
		row(&u)
	}
	return unavailable(rows.Err())
}
