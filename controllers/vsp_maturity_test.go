package controllers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
)

// TestTicketsLiveAsTheChainSays: a ticket mined at height H is live on the
// node (it can be called to vote) once block H + TicketMaturity is the tip,
// but the wallets' stakepooluserinfo (dcrwallet's rule, and the
// simulator's) still says immature for that one block, while the stats
// count it live from the node. The tickets page follows the chain (found
// by e2e TestReorgPages: page "immature", chain and stats "live").
func TestTicketsLiveAsTheChainSays(t *testing.T) {
	const tip = 500 // the node's best block, from the backends' health
	ve := newVSPEnv(t, vspOptions{Prepare: func(fs []*fakebackend.Backend) {
		for _, f := range fs {
			f.HealthValue.BestHeight = tip
		}
	}})
	if err := ve.Backends.RepairAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	u, c := ve.withAddress(t, "mature@example.com", 7)
	h := func(n byte) string { return strings.Repeat(string("0123456789abcdef"[n%16]), 64) }
	ut := stakepooldclient.UserTickets{Tickets: []stakepooldclient.UserTicket{
		{Hash: h(1), Status: stakepooldclient.StatusImmature, TicketHeight: tip - 16}, // live on the node
		{Hash: h(2), Status: stakepooldclient.StatusImmature, TicketHeight: tip - 15}, // immature
		{Hash: h(3), Status: stakepooldclient.StatusLive, TicketHeight: tip - 17},
	}}
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) { b.Tickets[u.MultiSigAddress] = ut })
	}
	body := c.Get("/tickets").Body
	mustContain(t, "tickets", body, "Live (2)", "Immature (1)")
	if live, imm := strings.Index(body, `id="g-live"`), strings.Index(body, `id="g-immature"`); imm < 0 || live < 0 ||
		!(strings.Index(body, h(2)) > imm && strings.Index(body, h(2)) < live) {
		t.Errorf("ticket mined 15 blocks below the tip is not in the immature section")
	}
	// The wallets' own answer is not changed for the next caller.
	for _, f := range ve.Fakes {
		f.Do(func(b *fakebackend.Backend) {
			if b.Tickets[u.MultiSigAddress].Tickets[0].Status != stakepooldclient.StatusImmature {
				t.Error("the fake's record was modified")
			}
		})
	}
}
