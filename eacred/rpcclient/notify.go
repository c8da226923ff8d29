package rpcclient

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/decred/slog"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// NotificationHandlers receive the node's notifications. Nil handlers are
// skipped. They run one at a time in arrival order on the client's
// notification goroutine and may call methods of the same client.
type NotificationHandlers struct {
	// OnBlockConnected gets the new tip's serialized 180-byte header and the
	// serialized transactions matching the client's loadtxfilter.
	OnBlockConnected func(header []byte, txs [][]byte)
	// OnBlockDisconnected gets the header of a block removed from the tip.
	OnBlockDisconnected func(header []byte)
	// OnWinningTickets gets the tickets selected to vote on blockHash (the
	// votes' parent block), ordered as the node numbered them.
	OnWinningTickets func(blockHash chainhash.Hash, height int64, tickets []chainhash.Hash)
	// OnSpentAndMissedTickets gets the tickets voted (spent) and missed in
	// the block; stakeDiff (atoms) is that of the next block.
	OnSpentAndMissedTickets func(blockHash chainhash.Hash, height int64, stakeDiff int64, spent, missed []chainhash.Hash)
	// OnNewTickets gets the tickets that matured (went live) at the block,
	// with the stake difficulty in atoms.
	OnNewTickets func(blockHash chainhash.Hash, height int64, stakeDiff int64, tickets []chainhash.Hash)
	// OnStakeDifficulty gets the stake difficulty (atoms) of a new window.
	OnStakeDifficulty func(blockHash chainhash.Hash, height int64, stakeDiff int64)
	// OnUnknownNotification gets any other notification, undecoded.
	OnUnknownNotification func(method string, params []json.RawMessage)
}

// NotifyBlocks subscribes to blockconnected and blockdisconnected.
func (c *Client) NotifyBlocks(ctx context.Context) error {
	return c.subscribe(ctx, rpcjson.MethodNotifyBlocks)
}

// NotifyWinningTickets subscribes to winningtickets.
func (c *Client) NotifyWinningTickets(ctx context.Context) error {
	return c.subscribe(ctx, rpcjson.MethodNotifyWinningTickets)
}

// NotifySpentAndMissedTickets subscribes to spentandmissedtickets.
func (c *Client) NotifySpentAndMissedTickets(ctx context.Context) error {
	return c.subscribe(ctx, rpcjson.MethodNotifySpentAndMissedTickets)
}

// NotifyNewTickets subscribes to newtickets.
func (c *Client) NotifyNewTickets(ctx context.Context) error {
	return c.subscribe(ctx, rpcjson.MethodNotifyNewTickets)
}

// NotifyStakeDifficulty subscribes to stakedifficulty.
func (c *Client) NotifyStakeDifficulty(ctx context.Context) error {
	return c.subscribe(ctx, rpcjson.MethodNotifyStakeDifficulty)
}

type notification struct {
	method string
	params []json.RawMessage
}

// dispatcher delivers notifications in order on one goroutine. Its queue is
// unbounded so the connection reader never waits for a handler (a handler
// that makes a call needs the reader to receive the answer).
type dispatcher struct {
	h   NotificationHandlers
	log slog.Logger

	mu      sync.Mutex
	queue   []notification
	wake    chan struct{}
	quit    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func newDispatcher(c *Client, h NotificationHandlers) *dispatcher {
	d := &dispatcher{h: h, log: c.log, wake: make(chan struct{}, 1),
		quit: make(chan struct{}), stopped: make(chan struct{})}
	go d.loop()
	return d
}

func (d *dispatcher) enqueue(method string, params []json.RawMessage) {
	d.mu.Lock()
	d.queue = append(d.queue, notification{method, params})
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) loop() {
	defer close(d.stopped)
	for {
		select {
		case <-d.wake:
		case <-d.quit:
			return
		}
		for {
			d.mu.Lock()
			if len(d.queue) == 0 {
				d.mu.Unlock()
				break
			}
			n := d.queue[0]
			d.queue[0] = notification{}
			d.queue = d.queue[1:]
			d.mu.Unlock()
			select {
			case <-d.quit:
				return
			default:
			}
			if err := d.deliver(n); err != nil {
				d.log.Warnf("RPC: dropping malformed notification: %v", err)
			}
		}
	}
}

// stop ends delivery; queued notifications are dropped.
func (d *dispatcher) stop() {
	d.once.Do(func() { close(d.quit) })
	<-d.stopped
}

func (d *dispatcher) deliver(n notification) error {
	h := &d.h
	switch n.method {
	case rpcjson.NtfnBlockConnected:
		if h.OnBlockConnected == nil {
			return nil
		}
		v, err := rpcjson.ParseBlockConnected(n.params)
		if err != nil {
			return err
		}
		h.OnBlockConnected(v.Header, v.SubscribedTxs)
	case rpcjson.NtfnBlockDisconnected:
		if h.OnBlockDisconnected == nil {
			return nil
		}
		v, err := rpcjson.ParseBlockDisconnected(n.params)
		if err != nil {
			return err
		}
		h.OnBlockDisconnected(v.Header)
	case rpcjson.NtfnWinningTickets:
		if h.OnWinningTickets == nil {
			return nil
		}
		v, err := rpcjson.ParseWinningTickets(n.params)
		if err != nil {
			return err
		}
		block, tickets, err := decodeHashes(v.BlockHash, v.Tickets)
		if err != nil {
			return fmt.Errorf("%s: %w", n.method, err)
		}
		h.OnWinningTickets(block, v.BlockHeight, tickets)
	case rpcjson.NtfnSpentAndMissedTickets:
		if h.OnSpentAndMissedTickets == nil {
			return nil
		}
		v, err := rpcjson.ParseSpentAndMissedTickets(n.params)
		if err != nil {
			return err
		}
		block, spent, err := decodeHashes(v.BlockHash, v.Spent())
		if err != nil {
			return fmt.Errorf("%s: %w", n.method, err)
		}
		_, missed, err := decodeHashes(v.BlockHash, v.Missed())
		if err != nil {
			return fmt.Errorf("%s: %w", n.method, err)
		}
		h.OnSpentAndMissedTickets(block, v.BlockHeight, v.StakeDiff, spent, missed)
	case rpcjson.NtfnNewTickets:
		if h.OnNewTickets == nil {
			return nil
		}
		v, err := rpcjson.ParseNewTickets(n.params)
		if err != nil {
			return err
		}
		block, tickets, err := decodeHashes(v.BlockHash, v.Tickets)
		if err != nil {
			return fmt.Errorf("%s: %w", n.method, err)
		}
		h.OnNewTickets(block, v.BlockHeight, v.StakeDiff, tickets)
	case rpcjson.NtfnStakeDifficulty:
		if h.OnStakeDifficulty == nil {
			return nil
		}
		v, err := rpcjson.ParseStakeDifficulty(n.params)
		if err != nil {
			return err
		}
		block, _, err := decodeHashes(v.BlockHash, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", n.method, err)
		}
		h.OnStakeDifficulty(block, v.BlockHeight, v.StakeDiff)
	default:
		if h.OnUnknownNotification != nil {
			h.OnUnknownNotification(n.method, n.params)
		}
	}
	return nil
}

// decodeHashes parses a block hash and a list of hashes in display hex.
func decodeHashes(block string, list []string) (chainhash.Hash, []chainhash.Hash, error) {
	var b chainhash.Hash
	if err := chainhash.Decode(&b, block); err != nil {
		return b, nil, err
	}
	out := make([]chainhash.Hash, len(list))
	for i, s := range list {
		if err := chainhash.Decode(&out[i], s); err != nil {
			return b, nil, err
		}
	}
	return b, out, nil
}
