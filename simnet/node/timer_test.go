package node

import (
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// TestMineInterval: the node mines on its timer and stops cleanly on
// SIGTERM with a websocket client still connected.
func TestMineInterval(t *testing.T) {
	p := startNode(t, "", "--miningaddr", newTestKey("m").addr(), "--mineinterval", "100ms")
	ws := p.dialWS()
	ws.request("notifyblocks")
	for i := 0; i < 3; i++ {
		if m := ws.next(); m.Method != "blockconnected" {
			t.Fatalf("got %s", m.Method)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, h := p.tip(); h >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("timer did not mine")
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stop() // fails the test unless the process exits 0
	p.start()
	if _, h := p.tip(); h < 3 {
		t.Fatalf("height %d after restart", h)
	}
}

// TestStakeDifficultyNotification: as ecrd, one stakedifficulty after every
// block that ends on the best chain, naming the tip and the next block's
// price.
func TestStakeDifficultyNotification(t *testing.T) {
	p := startNode(t, "", "--miningaddr", newTestKey("m").addr())
	ws := p.dialWS()
	ws.request("notifystakedifficulty")
	hashes := p.generate(17)
	for i, want := range hashes {
		sd, err := rpcjson.ParseStakeDifficulty(ws.next().Params)
		if err != nil || sd.BlockHeight != int64(i+1) || sd.BlockHash != want || sd.StakeDiff != simParams.MinimumStakeDiff {
			t.Fatalf("stakedifficulty %+v %v, want height %d hash %s", sd, err, i+1, want)
		}
	}
	var sd rpcjson.GetStakeDifficultyResult
	p.must(&sd, "getstakedifficulty")
	if sd.CurrentStakeDifficulty != 0.0002 || sd.NextStakeDifficulty != 0.0002 {
		t.Fatalf("getstakedifficulty %+v", sd)
	}
}
