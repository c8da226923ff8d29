package rpcserver

import (
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestNotifyTraced: every subscriber gets the notification and the
// callback names it with the time its write started, which is before the
// subscriber can have read it.
func TestNotifyTraced(t *testing.T) {
	ts := startTestServer(t)
	var conns []*websocket.Conn
	for i := 0; i < 2; i++ {
		c, _, err := ts.dial(t, "u:p")
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := c.Close(); err != nil {
				t.Error(err)
			}
		}()
		if err := c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"1.0","id":1,"method":"notifyblocks","params":[]}`)); err != nil {
			t.Fatal(err)
		}
		if m := readJSON(t, c); m["error"] != nil {
			t.Fatalf("notifyblocks: %v", m)
		}
		conns = append(conns, c)
	}
	var mu sync.Mutex
	sent := map[uint64]time.Time{}
	start := time.Now()
	if err := ts.srv.NotifyTraced("blocks", "winningtickets", func(c *Client, at time.Time) {
		mu.Lock()
		sent[c.ID] = at
		mu.Unlock()
	}, "h", 7); err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		m := readJSON(t, c)
		received := time.Now()
		if m["method"] != "winningtickets" {
			t.Fatalf("got %v", m)
		}
		mu.Lock()
		n := len(sent)
		var latest time.Time
		for _, at := range sent {
			if at.After(latest) {
				latest = at
			}
		}
		mu.Unlock()
		if n == 0 || latest.Before(start) || latest.After(received) {
			t.Fatalf("after reading, %d write times recorded (latest %v, start %v, read %v)", n, latest, start, received)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 2 {
		t.Fatalf("write times for %d clients, want 2", len(sent))
	}
}
