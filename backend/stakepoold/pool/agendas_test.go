package pool_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// TestAgendasComeFromChainParams: the agendas stakepoold answers are the
// chain parameters' definitions for the wallet's vote version (the source
// SetUserPrefs checks against), with each agenda's status from the node; a
// vote version the parameters do not know is refused, not guessed.
func TestAgendasComeFromChainParams(t *testing.T) {
	ctx := context.Background()
	params := chaincfg.SimNetParams()
	want, ok := params.Agendas(10)
	if !ok || len(want) < 2 {
		t.Fatal("simnet has no agendas of version 10")
	}
	node := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200})
	node.Info = votebits.VoteInfo{VoteVersion: 10, Status: map[string]string{want[0].ID: "active"}}
	wallet := pooltest.NewWallet()
	wallet.Info.VoteVersion = 10
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: node, Wallet: wallet, Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, Store: &pooltest.MemStore{}, Agendas: params, Network: "simnet"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	vi, err := p.Agendas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if vi.VoteVersion != 10 || !reflect.DeepEqual(vi.Agendas, want) {
		t.Fatalf("Agendas = v%d %+v, want chaincfg's %+v", vi.VoteVersion, vi.Agendas, want)
	}
	if vi.Status[want[0].ID] != "active" || vi.Status[want[1].ID] != "" {
		t.Errorf("status %v, want only %s active", vi.Status, want[0].ID)
	}

	// The node down: no answer (as before), not definitions without status.
	node.Down = true
	if _, err := p.Agendas(ctx); pool.KindOf(err) != pool.KindUnavailable {
		t.Errorf("node down: %v (kind %v), want unavailable", err, pool.KindOf(err))
	}
	node.Down = false

	// A wallet on a vote version this build does not know.
	wallet.Info.VoteVersion = 99
	node.Info.VoteVersion = 99
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Agendas(ctx); pool.KindOf(err) != pool.KindPrecondition {
		t.Errorf("unknown version: %v (kind %v), want precondition", err, pool.KindOf(err))
	}
}
