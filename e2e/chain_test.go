package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// chainWatcher follows the node's winningtickets notifications, as a
// stakepoold does, so a scenario knows which tickets each block selected.
type chainWatcher struct {
	client  *rpcclient.Client
	mu      sync.Mutex
	winners map[int64][]chainhash.Hash
	// byHash holds the winners of every block notified, side chains too.
	byHash  map[chainhash.Hash][]chainhash.Hash
	changed chan struct{}
}

func watchChain(t *testing.T, nodeAddr, certFile string) *chainWatcher {
	t.Helper()
	w := &chainWatcher{winners: make(map[int64][]chainhash.Hash), byHash: make(map[chainhash.Hash][]chainhash.Hash),
		changed: make(chan struct{}, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := rpcclient.Dial(ctx, rpcclient.Config{Host: nodeAddr, User: rpcUser, Pass: rpcPass, CertFile: certFile,
		Handlers: rpcclient.NotificationHandlers{
			OnWinningTickets: func(block chainhash.Hash, height int64, tickets []chainhash.Hash) {
				w.mu.Lock()
				w.winners[height] = tickets
				w.byHash[block] = tickets
				w.mu.Unlock()
				select {
				case w.changed <- struct{}{}:
				default:
				}
			},
		}})
	if err != nil {
		t.Fatalf("watch the node: %v", err)
	}
	if err := c.NotifyWinningTickets(ctx); err != nil {
		t.Fatalf("notifywinningtickets: %v", err)
	}
	w.client = c
	return w
}

func (w *chainWatcher) close() { w.client.Close() }

// winnersAt waits for the winners of the block at height.
func (w *chainWatcher) winnersAt(t *testing.T, height int64) []chainhash.Hash {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		w.mu.Lock()
		ws, ok := w.winners[height]
		w.mu.Unlock()
		if ok {
			return ws
		}
		select {
		case <-w.changed:
		case <-deadline:
			t.Fatalf("no winningtickets notification for height %d", height)
		}
	}
}

// winnersOf returns the winners notified for block (nil when none were).
func (w *chainWatcher) winnersOf(block chainhash.Hash) []chainhash.Hash {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.byHash[block]
}

// waitWinnersOf waits for the winningtickets notification of block.
func (w *chainWatcher) waitWinnersOf(t *testing.T, block chainhash.Hash) []chainhash.Hash {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		w.mu.Lock()
		ws, ok := w.byHash[block]
		w.mu.Unlock()
		if ok {
			return ws
		}
		select {
		case <-w.changed:
		case <-deadline:
			t.Fatalf("no winningtickets notification for block %s", block)
		}
	}
}

// mempoolVotes returns the tickets voted by the votes now in the mempool.
func (c *cluster) mempoolVotes() (map[string]bool, error) {
	var hashes []string
	if err := c.tryCall(c.node, &hashes, "getrawmempool", false, "votes"); err != nil {
		return nil, err
	}
	voted := make(map[string]bool)
	for _, h := range hashes {
		tx, err := c.rawTx(h)
		if err != nil {
			return nil, err
		}
		if v, err := stake.ParseVote(tx); err == nil {
			voted[v.TicketHash.String()] = true
		}
	}
	return voted, nil
}

func (c *cluster) rawTx(txid string) (*wire.MsgTx, error) {
	var hexTx string
	if err := c.tryCall(c.node, &hexTx, "getrawtransaction", txid, 0); err != nil {
		return nil, err
	}
	return wire.NewTxFromHex(hexTx)
}

// mine generates n blocks one at a time. After each block it waits until
// every ticket of ours that the block selected has a vote in the mempool, so
// the next block can include it; a pool ticket left without a vote fails the
// test (that would be a missed vote). It returns the tickets of ours that
// were selected.
func (c *cluster) mine(n int, ours map[string]bool) []string {
	c.t.Helper()
	var selected []string
	for i := 0; i < n; i++ {
		c.call(c.node, nil, "generate", 1)
		var height int64
		c.call(c.node, &height, "getblockcount")
		c.waitWalletsAt(height)
		var want []string
		for _, h := range c.watcher.winnersAt(c.t, height) {
			if ours[h.String()] {
				want = append(want, h.String())
			}
		}
		if len(want) == 0 {
			continue
		}
		waitFor(c.t, 30*time.Second, fmt.Sprintf("votes for %v selected at height %d", want, height), func() error {
			voted, err := c.mempoolVotes()
			if err != nil {
				return err
			}
			for _, h := range want {
				if !voted[h] {
					return fmt.Errorf("ticket %s has no vote in the mempool", h)
				}
			}
			return nil
		})
		selected = append(selected, want...)
	}
	return selected
}

// poolTickets asks voting wallet i for the tickets of a multisig address.
func (c *cluster) poolTickets(i int, multisig string) rpcjson.StakePoolUserInfoResult {
	c.t.Helper()
	var res rpcjson.StakePoolUserInfoResult
	c.call(c.wallets[i], &res, "stakepooluserinfo", multisig)
	return res
}

// checkVote verifies, from the chain itself, that the vote spending ticket
// carries voteBits and pays both commitments their proportional share.
func (c *cluster) checkVote(ticketHash, voteHash string, voteBits uint16) {
	c.t.Helper()
	ticketTx, err := c.rawTx(ticketHash)
	if err != nil {
		c.t.Fatalf("ticket %s: %v", ticketHash, err)
	}
	voteTx, err := c.rawTx(voteHash)
	if err != nil {
		c.t.Fatalf("vote %s: %v", voteHash, err)
	}
	ticket, err := stake.ParseTicket(ticketTx)
	if err != nil {
		c.t.Fatalf("parse ticket %s: %v", ticketHash, err)
	}
	vote, err := stake.ParseVote(voteTx)
	if err != nil {
		c.t.Fatalf("parse vote %s: %v", voteHash, err)
	}
	if vote.TicketHash.String() != ticketHash {
		c.t.Fatalf("vote %s spends %s, want %s", voteHash, vote.TicketHash, ticketHash)
	}
	if vote.VoteBits != voteBits {
		c.t.Errorf("vote %s has vote bits %#04x, want the user's %#04x", voteHash, vote.VoteBits, voteBits)
	}
	if len(ticket.Contributions) != 2 || len(vote.Payouts) != 2 {
		c.t.Fatalf("ticket has %d commitments and vote %d payouts, want 2 and 2", len(ticket.Contributions), len(vote.Payouts))
	}
	amounts := []int64{ticket.Contributions[0].Amount, ticket.Contributions[1].Amount}
	wantSubsidy := subsidy.NewCache(chaincfg.SimNetParams()).VoteSubsidyOn(int64(vote.BlockHeight))
	if vote.Subsidy != wantSubsidy {
		c.t.Errorf("vote %s claims subsidy %d, want %d", voteHash, vote.Subsidy, wantSubsidy)
	}
	want := stake.CalculateRewards(amounts, ticket.Price, vote.Subsidy)
	for i, p := range vote.Payouts {
		if p.Value != want[i] {
			c.t.Errorf("vote %s payout %d = %d atoms, want %d (commitments %v, price %d, subsidy %d)",
				voteHash, i, p.Value, want[i], amounts, ticket.Price, vote.Subsidy)
		}
		com := ticket.Contributions[i]
		if p.Script.Hash != com.Hash || p.Script.ScriptHash != com.ScriptHash {
			c.t.Errorf("vote %s payout %d pays %x, not commitment %d's %x", voteHash, i, p.Script.Hash, i, com.Hash)
		}
	}
}

// waitWalletsAt waits until every running voting wallet has synced to height,
// so what the scenario reads next is a consistent view of the chain.
func (c *cluster) waitWalletsAt(height int64) {
	c.t.Helper()
	for _, w := range c.wallets {
		if !w.running() {
			continue
		}
		waitFor(c.t, 30*time.Second, w.name+" to sync", func() error {
			var h int64
			if err := c.tryCall(w, &h, "getblockcount"); err != nil {
				return err
			}
			if h < height {
				return fmt.Errorf("%s at height %d, node at %d", w.name, h, height)
			}
			return nil
		})
	}
}
