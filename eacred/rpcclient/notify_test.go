package rpcclient

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// recorder collects handler calls as strings, in order.
type recorder struct {
	mu     sync.Mutex
	events []string
	got    chan string
}

func newRecorder() *recorder { return &recorder{got: make(chan string, 100)} }

func (r *recorder) add(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.events = append(r.events, s)
	r.mu.Unlock()
	r.got <- s
}

func (r *recorder) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-r.got:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no notification delivered")
		return ""
	}
}

func hashList(hs []chainhash.Hash) string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = h.String()[:4]
	}
	return strings.Join(s, ",")
}

func (r *recorder) handlers() NotificationHandlers {
	return NotificationHandlers{
		OnBlockConnected: func(header []byte, txs [][]byte) {
			r.add("blockconnected h=%d txs=%d", header[128], len(txs))
		},
		OnBlockDisconnected: func(header []byte) { r.add("blockdisconnected h=%d", header[128]) },
		OnWinningTickets: func(b chainhash.Hash, h int64, tickets []chainhash.Hash) {
			r.add("winningtickets %s %d [%s]", b.String()[:4], h, hashList(tickets))
		},
		OnSpentAndMissedTickets: func(b chainhash.Hash, h, sd int64, spent, missed []chainhash.Hash) {
			r.add("spentandmissed %d %d spent=[%s] missed=[%s]", h, sd, hashList(spent), hashList(missed))
		},
		OnNewTickets: func(b chainhash.Hash, h, sd int64, tickets []chainhash.Hash) {
			r.add("newtickets %d %d [%s]", h, sd, hashList(tickets))
		},
		OnStakeDifficulty: func(b chainhash.Hash, h, sd int64) { r.add("stakedifficulty %d %d", h, sd) },
		OnUnknownNotification: func(m string, p []json.RawMessage) {
			r.add("unknown %s %d", m, len(p))
		},
	}
}

func mustParams(t *testing.T, n interface {
	Params() ([]json.RawMessage, error)
}) []json.RawMessage {
	t.Helper()
	p, err := n.Params()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func header(height byte) []byte {
	h := make([]byte, rpcjson.BlockHeaderSize)
	h[128] = height
	return h
}

// sendBlock sends one block's notifications in the node's order.
func sendBlock(t *testing.T, d *fakeDaemon, height byte) {
	d.notify("notifyblocks", "blockconnected", mustParams(t, &rpcjson.BlockConnectedNtfn{Header: header(height)}))
	d.notify("notifyspentandmissedtickets", "spentandmissedtickets", mustParams(t, &rpcjson.SpentAndMissedTicketsNtfn{
		BlockHash: hashA, BlockHeight: int64(height), StakeDiff: 20000,
		Tickets: map[string]string{hashB: "spent", hashC: "missed"}}))
	d.notify("notifynewtickets", "newtickets", mustParams(t, &rpcjson.NewTicketsNtfn{
		BlockHash: hashA, BlockHeight: int64(height), StakeDiff: 20000, Tickets: []string{hashC}}))
	d.notify("notifywinningtickets", "winningtickets", mustParams(t, &rpcjson.WinningTicketsNtfn{
		BlockHash: hashA, BlockHeight: int64(height), Tickets: []string{hashC, hashA, hashB}}))
}

func subscribeAll(t *testing.T, c *Client) {
	t.Helper()
	ctx := testCtx(t)
	for _, f := range []func(context.Context) error{c.NotifyBlocks, c.NotifySpentAndMissedTickets,
		c.NotifyNewTickets, c.NotifyWinningTickets, c.NotifyStakeDifficulty} {
		if err := f(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNotificationsInOrder(t *testing.T) {
	d := newFakeDaemon(t)
	rec := newRecorder()
	c := dial(t, d, func(cfg *Config) { cfg.Handlers = rec.handlers() })
	subscribeAll(t, c)
	sendBlock(t, d, 150)
	want := []string{
		"blockconnected h=150 txs=0",
		"spentandmissed 150 20000 spent=[2d24] missed=[699f]",
		"newtickets 150 20000 [699f]",
		"winningtickets 8330 150 [699f,8330,2d24]",
	}
	for _, w := range want {
		if got := rec.next(t); got != w {
			t.Errorf("got %q want %q", got, w)
		}
	}
	d.notify("notifyblocks", "blockconnected", mustParams(t, &rpcjson.BlockConnectedNtfn{
		Header: header(151), SubscribedTxs: [][]byte{{1}, {2}}}))
	d.notify("notifyblocks", "blockdisconnected", mustParams(t, &rpcjson.BlockDisconnectedNtfn{Header: header(151)}))
	d.notify("notifystakedifficulty", "stakedifficulty", mustParams(t, &rpcjson.StakeDifficultyNtfn{
		BlockHash: hashA, BlockHeight: 152, StakeDiff: 30000}))
	d.notify("notifyblocks", "txaccepted", []json.RawMessage{json.RawMessage(`"` + hashA + `"`), json.RawMessage(`1.5`)})
	for _, w := range []string{"blockconnected h=151 txs=2", "blockdisconnected h=151", "stakedifficulty 152 30000", "unknown txaccepted 2"} {
		if got := rec.next(t); got != w {
			t.Errorf("got %q want %q", got, w)
		}
	}
}

// TestMalformedNotifications: bad frames are dropped, never crash, and the
// next good notification is still delivered.
func TestMalformedNotifications(t *testing.T) {
	d := newFakeDaemon(t)
	rec := newRecorder()
	c := dial(t, d, func(cfg *Config) { cfg.Handlers = rec.handlers() })
	subscribeAll(t, c)
	d.waitConns(1)
	for _, frame := range []string{
		`not json`,
		`{"jsonrpc":"1.0","method":"winningtickets","params":["zz",1,{}],"id":null}`,
		`{"jsonrpc":"1.0","method":"winningtickets","params":["` + hashA + `",1,{"x":"y"}],"id":null}`,
		`{"jsonrpc":"1.0","method":"blockconnected","params":["00",null],"id":null}`,
		`{"jsonrpc":"1.0","method":"newtickets","params":[1,2,3,4],"id":null}`,
		`{"jsonrpc":"1.0","method":"spentandmissedtickets","params":["` + hashA + `",1,1,{"` + hashB + `":"eaten"}],"id":null}`,
		`{"jsonrpc":"1.0","result":1,"error":null,"id":99999}`,
		`{"jsonrpc":"1.0","result":1,"error":null,"id":"abc"}`,
		`[1,2,3]`,
	} {
		d.sendRaw(frame)
	}
	d.notify("notifyblocks", "blockconnected", mustParams(t, &rpcjson.BlockConnectedNtfn{Header: header(9)}))
	if got := rec.next(t); got != "blockconnected h=9 txs=0" {
		t.Fatalf("got %q", got)
	}
	d.handle("ping", func([]json.RawMessage) (any, error) { return nil, nil })
	if err := c.Ping(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// TestHandlerMayCall: a handler calling the same client does not deadlock.
func TestHandlerMayCall(t *testing.T) {
	d := newFakeDaemon(t)
	d.handle("generatevote", func([]json.RawMessage) (any, error) {
		return rpcjson.GenerateVoteResult{Hex: hex.EncodeToString([]byte{7})}, nil
	})
	done := make(chan error, 1)
	var c *Client
	c = dial(t, d, func(cfg *Config) {
		cfg.Handlers.OnWinningTickets = func(b chainhash.Hash, h int64, tickets []chainhash.Hash) {
			_, err := c.GenerateVote(context.Background(), b, h, tickets[0], 1, "08000000")
			done <- err
		}
	})
	if err := c.NotifyWinningTickets(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	d.notify("notifywinningtickets", "winningtickets", mustParams(t, &rpcjson.WinningTicketsNtfn{
		BlockHash: hashA, BlockHeight: 5, Tickets: []string{hashB}}))
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("handler call deadlocked")
	}
}

// TestReconnectReregisters: after the daemon drops the connection the
// client reconnects, repeats every subscription before reporting
// connected, and notifications flow again.
func TestReconnectReregisters(t *testing.T) {
	d := newFakeDaemon(t)
	rec := newRecorder()
	c := dial(t, d, func(cfg *Config) { cfg.Handlers = rec.handlers() })
	if err := c.NotifyBlocks(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.NotifyWinningTickets(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	states, cancel := c.WatchState()
	defer cancel()
	if s := <-states; s != StateConnected {
		t.Fatalf("initial state %v", s)
	}
	for round := 1; round <= 3; round++ {
		d.waitConns(1)
		d.kill()
		// The watch skips intermediate states for a slow reader (under
		// load it may yield only the final "connected"); every state it
		// yields is a change, so "connected" here is a new connection, and
		// the counts below prove the subscriptions were repeated on it.
		seen := map[State]bool{}
		for !seen[StateConnected] {
			select {
			case s := <-states:
				seen[s] = true
			case <-time.After(5 * time.Second):
				t.Fatalf("round %d: states seen %v", round, seen)
			}
		}
		if n := d.count("notifyblocks"); n != round+1 {
			t.Fatalf("round %d: notifyblocks sent %d times", round, n)
		}
		if n := d.count("notifywinningtickets"); n != round+1 {
			t.Fatalf("round %d: notifywinningtickets sent %d times", round, n)
		}
		d.waitConns(1)
		d.notify("notifywinningtickets", "winningtickets", mustParams(t, &rpcjson.WinningTicketsNtfn{
			BlockHash: hashA, BlockHeight: int64(round), Tickets: []string{hashB}}))
		if got, want := rec.next(t), fmt.Sprintf("winningtickets 8330 %d [2d24]", round); got != want {
			t.Fatalf("round %d: got %q", round, got)
		}
	}
	if n := d.count("notifynewtickets"); n != 0 {
		t.Fatalf("never-requested subscription sent %d times", n)
	}
}

// TestRefusedSubscriptionForgotten: a subscription the daemon rejects is
// not repeated after a reconnect.
func TestRefusedSubscriptionForgotten(t *testing.T) {
	d := newFakeDaemon(t)
	c := dial(t, d, nil)
	if err := c.subscribe(testCtx(t), "nosuchsubscription"); !rpcjson.IsCode(err, rpcjson.ErrCodeMethodNotFound) {
		t.Fatalf("got %v", err)
	}
	if err := c.NotifyNewTickets(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	awaitReconnect(t, d, c)
	if n := d.count("nosuchsubscription"); n != 1 {
		t.Fatalf("refused subscription repeated: %d", n)
	}
	if n := d.count("notifynewtickets"); n != 2 {
		t.Fatalf("notifynewtickets sent %d times", n)
	}
}

// awaitReconnect kills the daemon's connections and waits until the client
// has left StateConnected and come back.
func awaitReconnect(t *testing.T, d *fakeDaemon, c *Client) {
	t.Helper()
	d.waitConns(1)
	d.mu.Lock()
	before := d.upgrades
	d.mu.Unlock()
	d.kill()
	// A new connection, and the client connected on it again. (Watching
	// the states alone can miss the drop: a watcher that reads late only
	// gets the latest state.)
	deadline := time.Now().Add(10 * time.Second)
	for {
		d.mu.Lock()
		upgrades := d.upgrades
		d.mu.Unlock()
		if upgrades > before && c.State() == StateConnected {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reconnect (state %v, %d new connections)", c.State(), upgrades-before)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
