package wallet

import (
	"os"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// TestBlockSaveFsyncsWithoutLock: the sync loop's save of a processed
// block (saveUnlock) releases the wallet's lock before the journal fsync,
// so generatevote, called the moment the block's winners are announced,
// signs while the disk works; the frame is durable when saveUnlock
// returns, and a save that starts meanwhile lands after it.
func TestBlockSaveFsyncsWithoutLock(t *testing.T) {
	p := newPoolTestWallet(t)
	w := p.w
	p.fund(t, 1, 100)
	tickets, split := p.buy(t)
	p.mine(201, []*wire.MsgTx{split}, tickets)
	if err := w.saveLocked(); err != nil {
		t.Fatal(err)
	}

	inSync, release := make(chan struct{}, 2), make(chan struct{})
	old := syncFile
	syncFile = func(f *os.File) error {
		inSync <- struct{}{}
		<-release
		return old(f)
	}
	defer func() { syncFile = old }()

	w.mu.Lock()
	p.mine(202, nil, nil)
	done := make(chan error, 1)
	go func() { done <- w.saveUnlock() }()
	<-inSync
	// The lock is free during the fsync: a vote is built.
	voted := make(chan error, 1)
	go func() {
		_, err := w.buildVote(chainhash.Hash{202}, 202, tickets[0].TxHash().String(), 1, []byte{8, 0, 0, 0})
		voted <- err
	}()
	select {
	case err := <-voted:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("generatevote waited for the block's fsync")
	}
	// A change saved meanwhile waits for the block's frame.
	later := make(chan error, 1)
	go func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.st.NextExternal++ // in the meta record, written by every save
		later <- w.saveLocked()
	}()
	select {
	case err := <-done:
		t.Fatalf("saveUnlock returned before its fsync: %v", err)
	case err := <-later:
		t.Fatalf("a later save finished before the block's frame: %v", err)
	default:
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-later; err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	want := legacyJSON(t, w.st)
	w.mu.Unlock()
	if got := legacyJSON(t, reopen(t, w)); got != want {
		t.Fatalf("loaded state differs from memory:\n%s\n%s", want, got)
	}
}
