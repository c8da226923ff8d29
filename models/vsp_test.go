package models_test

import (
	"errors"
	"testing"

	"github.com/eacred/dcrstakepool/backend/poolapi"
	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

func TestLowFeeTickets(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		h1 := "1111111111111111111111111111111111111111111111111111111111111111"
		h2 := "2222222222222222222222222222222222222222222222222222222222222222"
		add := []models.LowFeeTicket{
			{TicketHash: h1, MultisigAddress: "ScA", AddedBy: 1, AddedAt: 100, ExpiresAt: 1000},
			{TicketHash: h2, MultisigAddress: "ScB", AddedBy: 1, AddedAt: 100, ExpiresAt: 500},
		}
		n, err := s.AddLowFeeTickets(ctx, add)
		if err != nil || n != 2 {
			t.Fatalf("AddLowFeeTickets = %d, %v", n, err)
		}
		// Adding again is a no-op.
		if n, err := s.AddLowFeeTickets(ctx, add[:1]); err != nil || n != 0 {
			t.Fatalf("re-add = %d, %v", n, err)
		}
		act, err := s.ActiveLowFeeTickets(ctx, 600)
		if err != nil || len(act) != 1 || act[0].TicketHash != h1 || act[0].AddedBy != 1 {
			t.Fatalf("active at 600 (h2 expired) = %+v, %v", act, err)
		}
		if n, err := s.RemoveLowFeeTickets(ctx, []string{h1, "nope"}, 7, 700); err != nil || n != 1 {
			t.Fatalf("remove = %d, %v", n, err)
		}
		if act, _ := s.ActiveLowFeeTickets(ctx, 700); len(act) != 0 {
			t.Fatalf("active after remove = %+v", act)
		}
		hist, err := s.LowFeeTicketHistory(ctx, 10)
		if err != nil || len(hist) != 2 {
			t.Fatalf("history = %+v, %v", hist, err)
		}
		var removed models.LowFeeTicket
		for _, h := range hist {
			if h.TicketHash == h1 {
				removed = h
			}
		}
		if removed.RemovedBy != 7 || removed.RemovedAt != 700 {
			t.Errorf("removal not recorded: %+v", removed)
		}
		// Re-adding after removal creates a new row.
		if n, err := s.AddLowFeeTickets(ctx, []models.LowFeeTicket{{TicketHash: h1, MultisigAddress: "ScA",
			AddedBy: 2, AddedAt: 800, ExpiresAt: 2000}}); err != nil || n != 1 {
			t.Fatalf("re-add after removal = %d, %v", n, err)
		}
		if n, _ := s.RemoveLowFeeTickets(ctx, nil, 1, 1); n != 0 {
			t.Errorf("remove nothing = %d", n)
		}
	})
}

func TestUserMultisig(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		u := newUser(t, s, "ms@example.com")
		other := newUser(t, s, "other@example.com")
		if _, err := s.LastPoolUser(ctx); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("LastPoolUser with none: %v", err)
		}
		m := models.MultisigInfo{MultiSigAddress: "ScX", MultiSigScript: "5121", PoolPubKeyAddr: "SkP",
			UserPubKeyAddr: "SkU", UserFeeAddr: "SsF", HeightRegistered: 42, VoteBits: 1, VoteBitsVersion: 8}
		if err := s.SetUserMultisig(ctx, u.ID, m); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserMultisig(ctx, u.ID, m); !errors.Is(err, models.ErrExists) {
			t.Fatalf("second submission: %v", err)
		}
		if err := s.SetUserMultisig(ctx, 9999, m); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
		got, err := s.UserByID(ctx, u.ID)
		if err != nil || got.MultiSigScript != "5121" || got.HeightRegistered != 42 || got.UserFeeAddr != "SsF" ||
			got.VoteBitsVersion != 8 {
			t.Fatalf("stored %+v, %v", got, err)
		}
		pus, err := s.PoolUsers(ctx)
		if err != nil || len(pus) != 1 || pus[0].ID != u.ID {
			t.Fatalf("PoolUsers = %+v, %v", pus, err)
		}
		if lu, err := s.LastPoolUser(ctx); err != nil || lu.ID != u.ID {
			t.Fatalf("LastPoolUser = %+v, %v", lu, err)
		}
		if err := s.SetVotingPrefs(ctx, poolapi.User{UserID: u.ID, VoteBits: 5, VoteBitsVersion: 8}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.ResetStaleVoteBits(ctx, 8); err != nil || n != 0 {
			t.Fatalf("reset at same version = %d, %v", n, err)
		}
		if n, err := s.ResetStaleVoteBits(ctx, 9); err != nil || n != 1 {
			t.Fatalf("reset at new version = %d, %v", n, err)
		}
		got, _ = s.UserByID(ctx, u.ID)
		if got.VoteBits != 1 || got.VoteBitsVersion != 9 {
			t.Errorf("after reset %d v%d", got.VoteBits, got.VoteBitsVersion)
		}
		if err := s.SetAPIToken(ctx, other.ID, "tok"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, other.ID); got.APIToken != "tok" {
			t.Errorf("api token %q", got.APIToken)
		}
	})
}
