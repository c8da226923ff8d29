package wallet

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// reopen closes w's store and loads the data directory again.
func reopen(t *testing.T, w *Wallet) *state {
	t.Helper()
	if err := w.db.close(); err != nil {
		t.Fatal(err)
	}
	db, st, err := openState(w.cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	w.db = db
	return st
}

// poolTestWallet is a stake-pool wallet with an imported 1-of-2 script,
// coins, and a way to make 20 pool tickets a block.
type poolTestWallet struct {
	w   *Wallet
	req *ticketRequest
}

func newPoolTestWallet(tb testing.TB) *poolTestWallet {
	seed, _ := hex.DecodeString(testSeed)
	p := chaincfg.SimNetParams()
	master, _ := hdkeychain.NewMaster(seed, p)
	cold, _ := master.DerivePath(hdkeychain.HardenedKeyStart+44, hdkeychain.HardenedKeyStart+1, hdkeychain.HardenedKeyStart+5)
	coldXpub := cold.Neuter()
	w, err := Open(Config{DataDir: tb.TempDir(), Seed: seed, Params: p, ColdExtKey: coldXpub.String(), ColdCount: 100,
		PoolFees: 7.5}, offlineNode{})
	if err != nil {
		tb.Fatal(err)
	}
	w.st.SyncHeight = 200
	other := w.keys.key(branchExternal, 50).pub
	script, _ := txscript.MultiSigScript(1, [][]byte{w.keys.key(branchExternal, 0).pub, other})
	w.addScriptBytesLocked(script)
	feeAddr, _ := hdkeychain.AddressAt(coldXpub, 0, 3, p)
	req := &ticketRequest{minconf: 1, num: 20, ticketAddr: &decodedAddr{kind: addrP2SH, hash: hash160(script)},
		poolAddr: &decodedAddr{kind: addrP2PKH, hash: *feeAddr.Hash160()}, poolFees: 7.5, feeRate: 10000}
	return &poolTestWallet{w: w, req: req}
}

// fund gives the wallet a mined coin.
func (p *poolTestWallet) fund(tb testing.TB, seed byte, height int64) {
	p.w.processTxLocked(payTx(p.w, chainhash.Hash{seed}, 1, 1000e8), blockInfo{hash: "f", height: height})
}

// buy sends 20 pool tickets (unmined) and returns them with their split.
func (p *poolTestWallet) buy(tb testing.TB) ([]*wire.MsgTx, *wire.MsgTx) {
	tb.Helper()
	w := p.w
	tickets, split, chosen, err := w.makeTicketsLocked(p.req, 2e8, 6000)
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.signCreditsLocked(split, chosen); err != nil {
		tb.Fatal(err)
	}
	for _, tx := range append([]*wire.MsgTx{split}, tickets...) {
		w.processTxLocked(tx, blockInfo{})
		h := tx.TxHash().String()
		w.st.NextSeq++
		w.st.Txs[h].Own, w.st.Txs[h].Seq = true, w.st.NextSeq
		w.st.touchTx(h)
	}
	return tickets, split
}

// mine processes a block holding txs at height.
func (p *poolTestWallet) mine(height int64, regular, stake []*wire.MsgTx) *wire.MsgBlock {
	blk := &wire.MsgBlock{Header: wire.BlockHeader{Height: uint32(height), Nonce: uint32(height)},
		Transactions: regular, STransactions: stake}
	p.w.processBlockLocked(blk, height)
	return blk
}

// TestStoreMatchesMemory: after every save of a long, varied history
// (purchases, blocks, votes, an abandoned transaction, a rollback, a
// compaction) the state loaded from disk equals the state in memory, so
// no change escapes the journal.
func TestStoreMatchesMemory(t *testing.T) {
	old := compactAt
	compactAt = 64 << 10 // compact a few times along the way
	defer func() { compactAt = old }()
	p := newPoolTestWallet(t)
	w := p.w
	check := func(stage string) {
		t.Helper()
		if err := w.saveLocked(); err != nil {
			t.Fatal(err)
		}
		if a, b := legacyJSON(t, w.st), legacyJSON(t, reopen(t, w)); a != b {
			t.Fatalf("%s: loaded state differs from memory:\n%s\n%s", stage, a, b)
		}
	}
	check("opened")
	height := int64(201)
	var live []*wire.MsgTx
	for round := 0; round < 6; round++ {
		p.fund(t, byte(round+1), height-100)
		check("funded")
		tickets, split := p.buy(t)
		check("bought")
		p.mine(height, []*wire.MsgTx{split}, tickets)
		height++
		check("mined")
		live = append(live, tickets...)
		// Vote five of the live tickets in the next block.
		var votes []*wire.MsgTx
		for _, tk := range live[:5] {
			v, err := w.buildVote(chainhash.Hash{byte(height)}, height-1, tk.TxHash().String(), 1, []byte{8, 0, 0, 0})
			if err != nil {
				t.Fatal(err)
			}
			votes = append(votes, v)
		}
		live = live[5:]
		p.mine(height, nil, votes)
		height++
		check("voted")
	}
	// An unmined send abandoned.
	spend := payTx(w, chainhash.Hash{0xee}, 3, 1e8)
	w.processTxLocked(spend, blockInfo{})
	check("unmined spend")
	w.abandonLocked(spend.TxHash().String())
	check("abandoned")
	// A rollback of the last four blocks.
	w.rollbackLocked(height - 5)
	check("rolled back")
	if w.db.gen == 0 {
		t.Fatal("no compaction happened: the test does not cover it")
	}
}

// TestJournalTornTail: bytes of a frame whose write a kill cut short are
// dropped at the next start; everything saved before is there.
func TestJournalTornTail(t *testing.T) {
	p := newPoolTestWallet(t)
	w := p.w
	p.fund(t, 1, 100)
	if err := w.saveLocked(); err != nil {
		t.Fatal(err)
	}
	want := legacyJSON(t, w.st)
	if err := w.db.close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(w.cfg.DataDir, journalFileName)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if _, err := f.Write([]byte{200, 0, 0, 0, 1, 2, 3, 4, '{', '"'}); err != nil { // a torn frame
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	db, st, err := openState(w.cfg.DataDir)
	if err != nil {
		t.Fatalf("torn tail refused: %v", err)
	}
	defer func() {
		if err := db.close(); err != nil {
			t.Error(err)
		}
	}()
	if got := legacyJSON(t, st); got != want {
		t.Fatalf("after a torn tail:\n%s\nwant\n%s", got, want)
	}
	if fi, _ := os.Stat(path); fi.Size() != db.size {
		t.Fatalf("journal not cut back to its last good frame: %d bytes, %d good", fi.Size(), db.size)
	}
}

// TestJournalCorruptMiddle: a damaged frame followed by good ones is not a
// torn write: the wallet refuses to start instead of dropping data.
func TestJournalCorruptMiddle(t *testing.T) {
	p := newPoolTestWallet(t)
	w := p.w
	for i := 0; i < 3; i++ {
		p.fund(t, byte(i+1), 100)
		if err := w.saveLocked(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.db.close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(w.cfg.DataDir, journalFileName)
	b, _ := os.ReadFile(path)
	b[20] ^= 0xff // inside the first frame's payload
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openState(w.cfg.DataDir); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("corrupt journal: got %v, want a refusal", err)
	}
}

// TestCompactionCrash: a crash after the new snapshot but before the
// journal is emptied leaves old-generation frames, which are skipped.
func TestCompactionCrash(t *testing.T) {
	p := newPoolTestWallet(t)
	w := p.w
	p.fund(t, 1, 100)
	if err := w.saveLocked(); err != nil {
		t.Fatal(err)
	}
	p.fund(t, 2, 101)
	if err := w.saveLocked(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(w.cfg.DataDir, journalFileName)
	oldJournal, _ := os.ReadFile(path)
	w.st.rewrite()
	if err := w.saveLocked(); err != nil { // compaction
		t.Fatal(err)
	}
	want := legacyJSON(t, w.st)
	if err := w.db.close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, oldJournal, 0o600); err != nil { // as if the truncation never happened
		t.Fatal(err)
	}
	db, st, err := openState(w.cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := db.close(); err != nil {
			t.Error(err)
		}
	}()
	if got := legacyJSON(t, st); got != want {
		t.Fatalf("after a crash in compaction:\n%s\nwant\n%s", got, want)
	}
}

// TestLegacyMigration: a data directory of the one-file format is read,
// written as a snapshot, and its wallet.json removed.
func TestLegacyMigration(t *testing.T) {
	dir := t.TempDir()
	st := newState()
	st.SyncHeight = 9
	st.Scripts = []string{"51ae"}
	st.Credits[outpointKey("aa", 0)] = &credit{TxID: "aa", Amount: 7}
	st.PoolUsers["bb"] = &poolUser{Tickets: []*poolTicket{{Hash: "t1", Height: 3, Status: poolLive}, {Hash: "t2", Height: 4, Status: poolVoted}}, Invalid: []string{"x"}}
	raw, _ := json.Marshal(st)
	if err := os.WriteFile(filepath.Join(dir, stateFileName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	seed, _ := hex.DecodeString(testSeed)
	w, err := Open(Config{DataDir: dir, Seed: seed, Params: chaincfg.SimNetParams()}, offlineNode{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, stateFileName)); !os.IsNotExist(err) {
		t.Fatalf("wallet.json still there after migration: %v", err)
	}
	got := reopen(t, w)
	defer func() {
		if err := w.db.close(); err != nil {
			t.Error(err)
		}
	}()
	u := got.PoolUsers["bb"]
	if got.SyncHeight != 9 || len(got.Scripts) != 1 || got.Credits[outpointKey("aa", 0)] == nil || u == nil ||
		len(u.Tickets) != 2 || u.Tickets[0].Hash != "t1" || u.Tickets[1].Status != poolVoted || len(u.Invalid) != 1 {
		t.Fatalf("migrated state %s", legacyJSON(t, got))
	}
}
