package pool_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
)

const (
	benchUsers   = 10_000
	benchTickets = 40_960
)

// benchPool builds a pool with benchUsers users and benchTickets tickets
// spread over them; ticket "hex" is padded to the size of a real ticket.
func benchPool(b *testing.B) (*harness, []string) {
	h := newHarness(b, pool.State{})
	h.wallet.RecordVotes = false
	users := make([]pool.UserPrefs, benchUsers)
	for i := range users {
		users[i] = pool.UserPrefs{UserID: int64(i + 1), MultisigAddress: fmt.Sprintf("Sc%033d", i), VoteBits: 5, VoteBitsVersion: 8}
	}
	if err := h.pool.SetUserPrefs(context.Background(), users); err != nil {
		b.Fatal(err)
	}
	pad := strings.Repeat("0", 600)
	hashes := make([]string, benchTickets)
	for i := range hashes {
		hashes[i] = hash(i + 1)
		h.wallet.TicketList = append(h.wallet.TicketList, hashes[i])
		h.wallet.Txs[hashes[i]] = pool.WalletTx{
			Hex:       pooltest.TicketHex(users[i%benchUsers].MultisigAddress, true) + ":" + pad,
			BlockHash: "b" + strconv.Itoa(100+i%256),
		}
	}
	for i := 0; i < 256; i++ {
		h.node.Heights["b"+strconv.Itoa(100+i)] = int64(100 + i)
	}
	return h, hashes
}

// BenchmarkProcessWinningTickets measures the pool-side work for one block
// with 5 pool winners among 40,960 live tickets of 10,000 users; the node
// and wallet are in-memory fakes.
func BenchmarkProcessWinningTickets(b *testing.B) {
	h, hashes := benchPool(b)
	ctx := context.Background()
	if _, err := h.pool.LoadTickets(ctx); err != nil {
		b.Fatal(err)
	}
	winners := make([][]string, 64)
	for i := range winners {
		winners[i] = []string{hashes[i*5], hashes[i*5+1], hashes[i*5+2], hashes[i*5+3], hashes[i*5+4]}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bv := h.pool.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk", Height: int64(300 + i)}, winners[i%len(winners)], time.Now())
		if len(bv.Results) != 5 {
			b.Fatalf("%d votes", len(bv.Results))
		}
	}
}

// BenchmarkLoadTickets measures the start-up load of 40,960 tickets from a
// fake wallet and reports the process's peak RSS during the loads (the
// fake wallet's padded ticket strings, ~30 MB, included).
func BenchmarkLoadTickets(b *testing.B) {
	h, _ := benchPool(b)
	ctx := context.Background()
	// Measure the load, not the set-up: drop the set-up garbage and reset
	// the peak RSS counter (Linux).
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := h.pool.LoadTickets(ctx)
		if err != nil || st.Live != benchTickets {
			b.Fatalf("%+v %v", st, err)
		}
	}
	b.StopTimer()
	if rss := peakRSSMB(); rss > 0 {
		b.ReportMetric(rss, "peakRSS-MB")
	}
}

// peakRSSMB reads VmHWM from /proc (Linux); 0 elsewhere.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
