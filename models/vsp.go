package models

import (
	"context"
	"fmt"
	"strings"

	"github.com/eacred/dcrstakepool/backend/poolapi"
	"github.com/go-gorp/gorp/v3"
)

// LowFeeTicket is a ticket that paid too low a fee and that an admin
// accepted for voting anyway. Rows are kept after removal (RemovedAt set) as
// the record of who did what.
type LowFeeTicket struct {
	ID              int64  `db:"id"`
	TicketHash      string `db:"ticket_hash"`
	MultisigAddress string `db:"multisig_address"`
	AddedBy         int64  `db:"added_by"`
	AddedAt         int64  `db:"added_at"`
	ExpiresAt       int64  `db:"expires_at"`
	RemovedBy       int64  `db:"removed_by"`
	RemovedAt       int64  `db:"removed_at"`
}

func init() {
	registerTable(func(m *gorp.DbMap) {
		m.AddTableWithName(LowFeeTicket{}, "low_fee_tickets").SetKeys(true, "ID")
	})
}

// ActiveLowFeeTickets returns the added tickets that are neither removed nor
// expired at now, oldest first.
func (s *Store) ActiveLowFeeTickets(ctx context.Context, now int64) ([]LowFeeTicket, error) {
	var ts []LowFeeTicket
	_, err := s.exec(ctx).Select(&ts, activeLowFeeSQL, now)
	if err != nil {
		return nil, fmt.Errorf("active low-fee tickets: %w", err)
	}
	return ts, nil
}

// LowFeeTicketHistory returns the newest limit rows, removed ones included.
func (s *Store) LowFeeTicketHistory(ctx context.Context, limit int) ([]LowFeeTicket, error) {
	var ts []LowFeeTicket
	_, err := s.exec(ctx).Select(&ts, "SELECT * FROM low_fee_tickets ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("low-fee ticket history: %w", err)
	}
	return ts, nil
}

// AddLowFeeTickets records tickets as added by an admin, in one
// transaction. Tickets already added (and not removed or expired) are
// skipped; the number of new rows is returned.
func (s *Store) AddLowFeeTickets(ctx context.Context, ts []LowFeeTicket) (int, error) {
	added := 0
	err := s.inTx(ctx, func(tx gorpExec) error {
		for i := range ts {
			t := ts[i]
			n, err := tx.SelectInt("SELECT COUNT(*) FROM low_fee_tickets WHERE ticket_hash = ? AND removed_at = 0 AND expires_at > ?",
				t.TicketHash, t.AddedAt)
			if err != nil {
				return fmt.Errorf("check ticket %s: %w", t.TicketHash, err)
			}
			if n > 0 {
				continue
			}
			t.ID = 0
			if err := tx.Insert(&t); err != nil {
				return fmt.Errorf("add ticket %s: %w", t.TicketHash, classify(err))
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// RemoveLowFeeTickets marks the active rows of hashes as removed by userID
// at now and returns how many were removed.
func (s *Store) RemoveLowFeeTickets(ctx context.Context, hashes []string, userID, now int64) (int, error) {
	if len(hashes) == 0 {
		return 0, nil
	}
	args := []any{userID, now}
	for _, h := range hashes {
		args = append(args, h)
	}
	q := "UPDATE low_fee_tickets SET removed_by = ?, removed_at = ? WHERE removed_at = 0 AND ticket_hash IN (?" +
		strings.Repeat(",?", len(hashes)-1) + ")"
	res, err := s.exec(ctx).Exec(q, args...)
	if err != nil {
		return 0, fmt.Errorf("remove low-fee tickets: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("remove low-fee tickets: %w", err)
	}
	return int(n), nil
}

// LastPoolUser returns the user with a voting address and the highest id
// (used to re-check the wallets). ErrNotFound when there is none.
func (s *Store) LastPoolUser(ctx context.Context) (*User, error) {
	u, err := s.userRow(ctx, lastPoolUserSQL)
	if err != nil {
		return nil, fmt.Errorf("last pool user: %w", err)
	}
	return u, nil
}

// MultisigInfo is what address submission stores for a user.
type MultisigInfo struct {
	MultiSigAddress  string
	MultiSigScript   string
	PoolPubKeyAddr   string
	UserPubKeyAddr   string
	UserFeeAddr      string
	HeightRegistered int64
	VoteBits         int64
	VoteBitsVersion  int64
}

// SetUserMultisig stores a user's voting address in one statement, only if
// the user has none yet: ErrExists when an address was already submitted
// (e.g. by a concurrent request), ErrNotFound when the user is gone.
func (s *Store) SetUserMultisig(ctx context.Context, userID int64, m MultisigInfo) error {
	return s.inTx(ctx, func(tx gorpExec) error {
		res, err := tx.Exec("UPDATE users SET multisig_address = ?, multisig_script = ?, pool_pubkey_addr = ?, "+
			"user_pubkey_addr = ?, user_fee_addr = ?, height_registered = ?, vote_bits = ?, vote_bits_version = ? "+
			"WHERE id = ? AND deleted_at = 0 AND user_pubkey_addr = ''",
			m.MultiSigAddress, m.MultiSigScript, m.PoolPubKeyAddr, m.UserPubKeyAddr, m.UserFeeAddr,
			m.HeightRegistered, m.VoteBits, m.VoteBitsVersion, userID)
		if err != nil {
			return fmt.Errorf("store multisig of user %d: %w", userID, classify(err))
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		n, err := tx.SelectInt("SELECT COUNT(*) FROM users WHERE id = ? AND deleted_at = 0", userID)
		if err != nil {
			return fmt.Errorf("store multisig of user %d: %w", userID, err)
		}
		if n == 0 {
			return fmt.Errorf("store multisig of user %d: %w", userID, ErrNotFound)
		}
		return fmt.Errorf("store multisig of user %d: address already submitted: %w", userID, ErrExists)
	})
}

// SetVotingPrefs stores the settings of p (every field but the user id and
// multisig address, which only address submission writes) in user
// p.UserID's row.
func (s *Store) SetVotingPrefs(ctx context.Context, p poolapi.User) error {
	_, err := s.exec(ctx).Exec(setVotingPrefsSQL, append(settingValues(p), p.UserID)...)
	if err != nil {
		return fmt.Errorf("set voting preferences of user %d: %w", p.UserID, err)
	}
	return nil
}

// ResetStaleVoteBits resets to 1 (no agenda choices) the vote bits of every
// user whose vote version is not version, in one statement, and returns how
// many were reset.
func (s *Store) ResetStaleVoteBits(ctx context.Context, version uint32) (int64, error) {
	res, err := s.exec(ctx).Exec("UPDATE users SET vote_bits = 1, vote_bits_version = ? "+
		"WHERE multisig_address <> '' AND vote_bits_version <> ?", int64(version), int64(version))
	if err != nil {
		return 0, fmt.Errorf("reset stale vote bits: %w", err)
	}
	return res.RowsAffected()
}

// SetAPIToken stores a user's API token (replacing, and so revoking, the
// previous one).
func (s *Store) SetAPIToken(ctx context.Context, userID int64, token string) error {
	_, err := s.exec(ctx).Exec("UPDATE users SET api_token = ? WHERE id = ? AND deleted_at = 0", token, userID)
	if err != nil {
		return fmt.Errorf("set API token of user %d: %w", userID, err)
	}
	return nil
}

// AddedLowFeeTickets returns every ticket an admin ever added (removed and
// expired ones too), once each with its multisig address: the wallets'
// getstakeinfo leaves added tickets out of its counts, so the front end
// counts them itself.
func (s *Store) AddedLowFeeTickets(ctx context.Context) ([]LowFeeTicket, error) {
	var ts []LowFeeTicket
	_, err := s.exec(ctx).Select(&ts, "SELECT ticket_hash, multisig_address FROM low_fee_tickets "+
		"GROUP BY ticket_hash, multisig_address ORDER BY ticket_hash")
	if err != nil {
		return nil, fmt.Errorf("added low-fee tickets: %w", err)
	}
	return ts, nil
}
