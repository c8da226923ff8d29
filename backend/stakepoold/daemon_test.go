package main

import (
	"context"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// TestNotificationHandlers checks that the node's notifications reach the
// pool: winners are voted, spent tickets dropped, connected blocks noted.
func TestNotificationHandlers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "tip", Height: 300}), pooltest.NewWallet()
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: node, Wallet: wallet, Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	var tickets [2]chainhash.Hash
	for i := range tickets {
		tickets[i][0] = byte(i + 1)
		node.Heights["b"] = 100
		wallet.AddTicketTx(tickets[i].String(), "ScA", true, "b")
	}
	if _, err := p.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	d := &daemon{pool: p, ctx: ctx}
	h := d.handlers()

	var block chainhash.Hash
	block[0] = 9
	h.OnWinningTickets(block, 301, tickets[:1])
	wait(t, func() bool { return len(wallet.VotesCast()) == 1 }, "the vote")
	if v := wallet.VotesCast()[0]; v.Ticket != tickets[0].String() || v.Block.Hash != block.String() || v.Block.Height != 301 {
		t.Fatalf("vote %+v", v)
	}

	h.OnSpentAndMissedTickets(block, 302, 0, tickets[:1], tickets[1:])
	if live, _, _, _ := p.Counts(); live != 0 {
		t.Fatalf("%d live tickets after spent and missed", live)
	}

	hdr := wire.BlockHeader{Height: 303}
	h.OnBlockConnected(hdr.Bytes(), nil)
	if got := p.ProcessedHeight(); got != 303 {
		t.Fatalf("processed height %d", got)
	}
	h.OnBlockConnected([]byte("short"), nil) // ignored, no panic
}

func wait(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
