package models_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/eacred/dcrstakepool/backend/poolapi"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

// TestPoolPrefsMatchesPoolUsers: the cheap read the front end computes the
// backends' expected digest from returns exactly the preferences of the
// users PoolUsers returns (or every backend would be repaired forever).
func TestPoolPrefsMatchesPoolUsers(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		for i := 1; i <= 5; i++ {
			u := &models.User{Email: fmt.Sprintf("u%d@example.com", i), PasswordHash: "x", CreatedAt: 1, VoteBits: 1}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if i == 3 {
				continue // no voting address
			}
			if err := s.SetUserMultisig(ctx, u.ID, models.MultisigInfo{MultiSigAddress: fmt.Sprintf("Sc%d", i),
				MultiSigScript: fmt.Sprintf("51%02x", i), HeightRegistered: int64(100 + i), UserPubKeyAddr: fmt.Sprintf("Sk%d", i), VoteBits: int64(2*i + 1), VoteBitsVersion: 10}); err != nil {
				t.Fatal(err)
			}
		}
		us, err := s.PoolUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := s.PoolPrefs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(us) || len(ps) != 4 {
			t.Fatalf("PoolPrefs %d rows, PoolUsers %d", len(ps), len(us))
		}
		for i, p := range ps {
			u := us[i]
			if p != (poolapi.User{UserID: u.ID, MultisigAddress: u.MultiSigAddress, VoteBits: uint16(u.VoteBits),
				VoteBitsVersion: uint32(u.VoteBitsVersion)}) {
				t.Errorf("row %d: PoolPrefs %+v, PoolUsers %+v", i, p, u)
			}
		}
		// And the repair's read: the same users with their scripts.
		ss, err := s.PoolScripts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != len(us) {
			t.Fatalf("PoolScripts %d rows, PoolUsers %d", len(ss), len(us))
		}
		for i, p := range ss {
			u := us[i]
			if p.Prefs != ps[i] || p.RedeemScript != u.MultiSigScript || p.HeightRegistered != u.HeightRegistered {
				t.Errorf("row %d: PoolScripts %+v, PoolUsers %+v", i, p, u)
			}
		}
	})
}
