package faultmatrix

import (
	"strconv"
	"sync"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Buyer has the user wallet buy pool tickets for the ticket users, a few
// after every block, so the live pool keeps a steady supply of tickets
// whose votes the pool must cast.
type Buyer struct {
	c        *Cluster
	perBlock int
	stop     chan struct{}
	done     chan struct{}

	mu        sync.Mutex
	owners    map[chainhash.Hash]*User
	bought    int
	failed    int
	recovered int // tickets of failed purchases found on chain
	lastErr   error
}

// StartBuyer buys initial tickets at once and perBlock more after each block.
func StartBuyer(c *Cluster, initial, perBlock int) *Buyer {
	b := &Buyer{c: c, perBlock: perBlock, stop: make(chan struct{}), done: make(chan struct{}),
		owners: make(map[chainhash.Hash]*User)}
	users := c.Users[:c.opt.TicketUsers]
	for i := 0; initial > 0; i++ {
		n := min(initial, 20)
		b.buy(users[i%len(users)], n)
		initial -= n
	}
	go b.run(users)
	return b
}

func (b *Buyer) run(users []*User) {
	defer close(b.done)
	_, ch := b.c.Watcher.Tip()
	for i := 0; ; i++ {
		select {
		case <-b.stop:
			return
		case <-ch:
		}
		_, ch = b.c.Watcher.Tip()
		if b.c.UserWallet.Running() && b.c.Node.Running() {
			b.buy(users[i%len(users)], b.perBlock)
		}
	}
}

func (b *Buyer) buy(u *User, n int) {
	f, _ := strconv.ParseFloat(poolFees, 64)
	var hashes []string
	err := Call(b.c.UserWallet, true, &hashes, "purchaseticket", "default", 1000, 1, u.TicketAddr, n, u.FeeAddr, f)
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		b.failed++
		b.lastErr = err
		return
	}
	for _, s := range hashes {
		if h, err := chainhash.NewHashFromStr(s); err == nil {
			b.owners[*h] = u
			b.bought++
		}
	}
}

// Owner is the user whose ticket h is, nil for a ticket of no pool user. A
// ticket the buyer does not know (a purchase that failed half-way) is
// looked up on the node: its voting address names the user.
func (b *Buyer) Owner(h chainhash.Hash) *User {
	b.mu.Lock()
	u, known := b.owners[h]
	b.mu.Unlock()
	if known {
		return u
	}
	var hexTx string
	if err := b.c.nodeCall(&hexTx, "getrawtransaction", h.String(), 0); err != nil {
		return nil // not cached: the node may be restarting
	}
	u = nil
	if tx, err := wire.NewTxFromHex(hexTx); err == nil {
		if t, err := stake.ParseTicket(tx); err == nil {
			if a, err := t.VotingAddress(chaincfg.SimNetParams()); err == nil {
				for _, cand := range b.c.Users {
					if cand.TicketAddr == a.String() {
						u = cand
					}
				}
			}
		}
	}
	b.mu.Lock()
	b.owners[h] = u
	if u != nil {
		b.recovered++
	}
	b.mu.Unlock()
	return u
}

// Counts returns how many tickets were bought and how many purchases failed.
func (b *Buyer) Counts() (bought, failed int, lastErr error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bought, b.failed, b.lastErr
}

// Stop ends the buying.
func (b *Buyer) Stop() {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
}
