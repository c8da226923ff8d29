package models

import (
	"context"
	"fmt"
)

// PoolPref is one user's voting preferences as every stakepoold must hold
// them: what the front end's state digest is computed from.
type PoolPref struct {
	UserID          int64
	MultisigAddress string
	VoteBits        int64
	VoteBitsVersion int64
}

// PoolPrefs returns the voting preferences of every user with a voting
// address (deleted accounts included, as PoolUsers), by id. It reads four
// columns and scans them by hand: at 100,000 users it is the cheap way to
// recompute the digest the backends are checked against.
func (s *Store) PoolPrefs(ctx context.Context) ([]PoolPref, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, poolPrefsSQL)
	if err != nil {
		return nil, fmt.Errorf("pool preferences: %w", unavailable(err))
	}
	defer rows.Close()
	var out []PoolPref
	for rows.Next() {
		var p PoolPref
		if err := rows.Scan(&p.UserID, &p.MultisigAddress, &p.VoteBits, &p.VoteBitsVersion); err != nil {
			return nil, fmt.Errorf("pool preferences: %w", unavailable(err))
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pool preferences: %w", unavailable(err))
	}
	return out, nil
}

// PoolScript is what a repair gives a backend for one user: the voting
// preferences, the redeem script to import and the height to rescan from.
type PoolScript struct {
	PoolPref
	RedeemScript     string
	HeightRegistered int64
}

// PoolScripts returns every user with a voting address (deleted accounts
// included, as PoolUsers) with only the columns a repair needs, by id. At
// 100,000 users it reads a fraction of what PoolUsers reads (no email,
// password hash or API token).
func (s *Store) PoolScripts(ctx context.Context) ([]PoolScript, error) {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, poolScriptsSQL)
	if err != nil {
		return nil, fmt.Errorf("pool scripts: %w", unavailable(err))
	}
	defer rows.Close()
	var out []PoolScript
	for rows.Next() {
		var p PoolScript
		if err := rows.Scan(&p.UserID, &p.MultisigAddress, &p.VoteBits, &p.VoteBitsVersion,
			&p.RedeemScript, &p.HeightRegistered); err != nil {
			return nil, fmt.Errorf("pool scripts: %w", unavailable(err))
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pool scripts: %w", unavailable(err))
	}
	return out, nil
}
