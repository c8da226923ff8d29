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

// TestSetVotingPrefsRoundTrip: what SetVotingPrefs stores is what Prefs
// reads back, and it leaves the record's identity (id, multisig address)
// and the other columns alone.
func TestSetVotingPrefsRoundTrip(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		u := &models.User{Email: "v@example.com", PasswordHash: "x", CreatedAt: 1, VoteBits: 1}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserMultisig(ctx, u.ID, models.MultisigInfo{MultiSigAddress: "Sc1", MultiSigScript: "51",
			UserPubKeyAddr: "Sk1", HeightRegistered: 7, VoteBits: 1, VoteBitsVersion: 9}); err != nil {
			t.Fatal(err)
		}
		want := poolapi.User{UserID: u.ID, MultisigAddress: "Sc1", VoteBits: 0xfffd, VoteBitsVersion: 10}
		if err := s.SetVotingPrefs(ctx, poolapi.User{UserID: u.ID, MultisigAddress: "ignored", VoteBits: 0xfffd,
			VoteBitsVersion: 10}); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Prefs() != want || got.Email != "v@example.com" || got.MultiSigScript != "51" || got.HeightRegistered != 7 {
			t.Fatalf("stored %+v, prefs %+v, want prefs %+v", got, got.Prefs(), want)
		}
	})
}
