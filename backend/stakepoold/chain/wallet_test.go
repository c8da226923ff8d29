package chain

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// walletStub is a websocket JSON-RPC wallet whose best block moves to the
// next block while it lists a user's tickets (a block connected between
// the two calls), recording the methods called in order.
type walletStub struct {
	mu      sync.Mutex
	methods []string
	height  int64
}

func (s *walletStub) hash() string { return strings.Repeat(string(rune('a'+s.height%6)), 64) }

func (s *walletStub) answer(req rpcjson.Request) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.methods = append(s.methods, req.Method)
	switch req.Method {
	case rpcjson.MethodGetBestBlock:
		return rpcjson.GetBestBlockResult{Hash: s.hash(), Height: s.height}
	case rpcjson.MethodStakePoolUserInfo:
		s.height++ // the list is of the next block
		return rpcjson.StakePoolUserInfoResult{Tickets: []rpcjson.PoolUserTicket{{Status: "voted",
			Ticket: strings.Repeat("1", 64), TicketHeight: 90, SpentBy: strings.Repeat("2", 64),
			SpentByHeight: uint32(s.height)}}, Invalid: []string{}}
	}
	return nil
}

func (s *walletStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer func() { _ = ws.Close() }() // the test's end closes it from the client side
	for {
		var req rpcjson.Request
		if err := ws.ReadJSON(&req); err != nil {
			return
		}
		resp, err := rpcjson.NewResponse(req.ID, s.answer(req), nil)
		if err != nil {
			return
		}
		if err := ws.WriteJSON(resp); err != nil {
			return
		}
	}
}

// TestStakePoolUserInfoLabel: the list is labelled with the wallet's best
// block asked for before stakepooluserinfo, so a block connected between
// the two calls makes the list newer than its label, never older.
func TestStakePoolUserInfoLabel(t *testing.T) {
	stub := &walletStub{height: 100}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpcclient.Dial(ctx, rpcclient.Config{Host: strings.TrimPrefix(srv.URL, "http://"), User: "u", Pass: "p",
		DisableTLS: true, DisableAutoReconnect: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ui, err := Wallet{C: c}.StakePoolUserInfo(ctx, "SsUser")
	if err != nil {
		t.Fatal(err)
	}
	if ui.TipHeight != 100 || ui.TipHash != strings.Repeat("e", 64) {
		t.Fatalf("label %d %s, want block 100 (the best block before the list)", ui.TipHeight, ui.TipHash)
	}
	if len(ui.Tickets) != 1 || ui.Tickets[0].SpentByHeight != 101 {
		t.Fatalf("tickets %+v", ui.Tickets)
	}
	stub.mu.Lock()
	defer stub.mu.Unlock()
	if got := strings.Join(stub.methods, ","); got != "getbestblock,stakepooluserinfo" {
		t.Fatalf("calls %s", got)
	}
}
