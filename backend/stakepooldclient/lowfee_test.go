package stakepooldclient_test

import (
	"context"
	"github.com/eacred/dcrstakepool/backend/poolapi"
	"testing"

	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
)

// TestLowFeeTicketsMerge: the backends' low-fee lists are merged by hash;
// the furthest state wins (a backend that restarted after a ticket ended
// still lists it as live), a known mined height fills an unknown one, and
// ended tickets are listed only when asked for.
func TestLowFeeTicketsMerge(t *testing.T) {
	fs := newFakes(2)
	fs[0].LowFee = []spc.LowFeeTicket{
		{Hash: "01", MultisigAddress: "ScA", State: poolapi.LowFeeLive, StateHeight: 40},
		{Hash: "02", MultisigAddress: "ScA", State: poolapi.LowFeeImmature, MinedHeight: 30},
	}
	fs[1].LowFee = []spc.LowFeeTicket{
		{Hash: "01", MultisigAddress: "ScA", State: poolapi.LowFeeMissed, MinedHeight: 24, StateHeight: 61},
		{Hash: "02", MultisigAddress: "ScA", State: poolapi.LowFeeLive, StateHeight: 46},
		{Hash: "03", MultisigAddress: "ScB", State: poolapi.LowFeeImmature, MinedHeight: 50},
	}
	c := newClient(t, fs)
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.Version{}); err != nil {
		t.Fatal(err)
	}
	all, err := c.LowFeeTickets(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []spc.LowFeeTicket{
		{Hash: "01", MultisigAddress: "ScA", State: poolapi.LowFeeMissed, MinedHeight: 24, StateHeight: 61},
		{Hash: "02", MultisigAddress: "ScA", State: poolapi.LowFeeLive, MinedHeight: 30, StateHeight: 46},
		{Hash: "03", MultisigAddress: "ScB", State: poolapi.LowFeeImmature, MinedHeight: 50},
	}
	if len(all) != len(want) {
		t.Fatalf("merged: %+v", all)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Fatalf("ticket %d: got %+v, want %+v", i, all[i], want[i])
		}
	}
	ign, err := c.LowFeeTickets(ctx, false)
	// Ticket 01 is not listed: the second backend saw it missed, though
	// the first still holds it live.
	if err != nil || len(ign) != 2 || ign[0].Hash != "02" || ign[1].Hash != "03" {
		t.Fatalf("ignored only: %+v %v", ign, err)
	}
	fs[0].SetDown(true)
	fs[1].SetDown(true)
	if _, err := c.LowFeeTickets(ctx, true); err == nil {
		t.Fatal("no error with every backend down")
	}
}
