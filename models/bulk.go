package models

import (
	"context"
	"fmt"
	"strings"
)

// insertBatch is how many rows one INSERT of InsertUsers carries.
const insertBatch = 500

// InsertUsers adds many accounts at once, with their ids as given (an
// import of accounts from another pool, or the synthetic pool of the
// benchmarks), in multi-row INSERTs of insertBatch rows, each batch
// bounded by the query timeout. ErrExists means an email or id is taken;
// the batches before the failing one stay inserted.
func (s *Store) InsertUsers(ctx context.Context, us []User) error {
	const cols = "(id, email, password_hash, email_verified, created_at, deleted_at, multisig_address, multisig_script, " +
		"pool_pubkey_addr, user_pubkey_addr, user_fee_addr, height_registered, api_token, vote_bits, vote_bits_version)"
	const row = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	for start := 0; start < len(us); start += insertBatch {
		batch := us[start:min(start+insertBatch, len(us))]
		var q strings.Builder
		q.WriteString("INSERT INTO users " + cols + " VALUES ")
		args := make([]any, 0, 15*len(batch))
		for i, u := range batch {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(row)
			args = append(args, u.ID, u.Email, u.PasswordHash, u.EmailVerified, u.CreatedAt, u.DeletedAt,
				u.MultiSigAddress, u.MultiSigScript, u.PoolPubKeyAddr, u.UserPubKeyAddr, u.UserFeeAddr,
				u.HeightRegistered, u.APIToken, u.VoteBits, u.VoteBitsVersion)
		}
		if _, err := s.exec(ctx).Exec(q.String(), args...); err != nil {
			return fmt.Errorf("insert users %d to %d: %w", batch[0].ID, batch[len(batch)-1].ID, classify(err))
		}
	}
	return nil
}
