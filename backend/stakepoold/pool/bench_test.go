package pool_test

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/backend/stakepoold/store"
	"github.com/eacred/dcrstakepool/internal/benchdata"
)

// The whole-pool benchmarks (issue 13) run on benchdata.Full: 100,000
// users, every one with preferences, and 40,960 live tickets. Targets and
// figures: docs/performance.md.

// benchPrefs converts the synthetic users to stakepoold's preferences.
func benchPrefs(d *benchdata.Pool) []pool.UserPrefs {
	users := make([]pool.UserPrefs, len(d.Users))
	for i, u := range d.Users {
		users[i] = pool.UserPrefs{UserID: u.ID, MultisigAddress: u.MultisigAddress, VoteBits: 5, VoteBitsVersion: 8}
	}
	return users
}

// benchPool builds a pool holding every synthetic user's preferences and
// a fake wallet tracking every synthetic ticket, its "hex" padded to the
// size of a real ticket (~300 bytes, 600 hex digits).
func benchPool(b *testing.B, d *benchdata.Pool) *harness {
	h := newHarness(b, pool.State{})
	h.wallet.RecordVotes = false
	users := benchPrefs(d)
	if err := h.pool.SetUserPrefs(context.Background(), users); err != nil {
		b.Fatal(err)
	}
	pad := strings.Repeat("0", 600)
	for _, t := range d.Tickets {
		h.wallet.TicketList = append(h.wallet.TicketList, t.Hash)
		h.wallet.Txs[t.Hash] = pool.WalletTx{
			Hex:       pooltest.TicketHex(users[t.Owner].MultisigAddress, true) + ":" + pad,
			BlockHash: "b" + strconv.FormatInt(t.Height, 10),
		}
		h.node.Heights["b"+strconv.FormatInt(t.Height, 10)] = t.Height
	}
	return h
}

// BenchmarkProcessWinningTickets measures the pool-side work for one block
// with 5 pool winners among 40,960 live tickets of 100,000 users; the node
// and wallet are in-memory fakes (their RPC time is the latency
// benchmark's subject).
func BenchmarkProcessWinningTickets(b *testing.B) {
	benchdata.Machine()
	d := benchdata.Full()
	h := benchPool(b, d)
	ctx := context.Background()
	if _, err := h.pool.LoadTickets(ctx); err != nil {
		b.Fatal(err)
	}
	winners := make([][]string, 64)
	for i := range winners {
		for j := 0; j < benchdata.Winners; j++ {
			winners[i] = append(winners[i], d.Tickets[(i*benchdata.Winners+j)*97%len(d.Tickets)].Hash)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bv := h.pool.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk", Height: int64(300 + i)}, winners[i%len(winners)], time.Now())
		if len(bv.Results) != benchdata.Winners {
			b.Fatalf("%d votes", len(bv.Results))
		}
	}
}

// BenchmarkLoadTickets measures the start-up load of 40,960 tickets from a
// fake wallet (gettickets, one gettransaction per ticket, fee check) and
// reports the process's peak RSS
// during the loads (the fake wallet's padded ticket strings, ~30 MB,
// included).
func BenchmarkLoadTickets(b *testing.B) {
	benchdata.Machine()
	h := benchPool(b, benchdata.Full())
	ctx := context.Background()
	// Measure the load, not the set-up: drop the set-up garbage and reset
	// the peak RSS counter (Linux).
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // where the kernel refuses, the peak counts from the start
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := h.pool.LoadTickets(ctx)
		if err != nil || st.Live != benchdata.Tickets {
			b.Fatalf("%+v %v", st, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/load")
	if rss := peakRSSMB(); rss > 0 {
		b.ReportMetric(rss, "peakRSS-MB")
	}
}

// BenchmarkStartup measures stakepoold's start-up work at 100,000 users
// and 40,960 tickets with the real state file: pool.New reading the
// stored preferences of every user from disk, then the ticket load from a
// fake wallet. It reports the heap the running pool keeps (users and
// tickets) and the state file's size.
func BenchmarkStartup(b *testing.B) {
	benchdata.Machine()
	d := benchdata.Full()
	h := benchPool(b, d)
	dir := b.TempDir()
	fs, err := store.New(dir)
	if err != nil {
		b.Fatal(err)
	}
	if err := fs.Save(pool.State{Users: benchPrefs(d)}); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(fs.Path())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// keep holds the newest pool: dropped before the next is built, and
	// at the end to measure what it held.
	var keep struct{ p *pool.Pool }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		keep.p = nil
		p, err := pool.New(pool.Config{PrefsWait: -1, Node: h.node, Wallet: h.wallet, Inspector: pooltest.Inspector{},
			Addresses: pooltest.Addresses{}, Store: fs, Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.CheckWallet(ctx); err != nil {
			b.Fatal(err)
		}
		if st, err := p.LoadTickets(ctx); err != nil || st.Live != benchdata.Tickets {
			b.Fatalf("%+v %v", st, err)
		}
		keep.p = p
	}
	b.StopTimer()
	if _, _, _, n := keep.p.Counts(); n != benchdata.Users {
		b.Fatalf("%d users loaded", n)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/start")
	// The pool's own heap: what is freed when it is dropped.
	with := heapInUse()
	runtime.KeepAlive(keep.p) // dead from here on
	b.ReportMetric(with-heapInUse(), "pool-heap-MB")
	b.ReportMetric(float64(fi.Size())/1e6, "statefile-MB")
}

// BenchmarkSetUserPref measures one user's preference change on a pool of
// 100,000 users with the real state file (what a user's click on the
// voting page waits for, per backend), and then the full push of every
// user's preferences (the front end's start-up and repairs).
func BenchmarkSetUserPref(b *testing.B) {
	benchdata.Machine()
	d := benchdata.Full()
	users := benchPrefs(d)
	fs, err := store.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200}),
		Wallet: pooltest.NewWallet(), Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{}, Store: fs,
		Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet"})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.SetUserPrefs(ctx, users); err != nil {
		b.Fatal(err)
	}
	b.Run("all", func(b *testing.B) {
		cpu0 := benchdata.CPUTime()
		for i := 0; i < b.N; i++ {
			if err := p.SetUserPrefs(ctx, users); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/push")
		b.ReportMetric(float64((benchdata.CPUTime()-cpu0).Microseconds())/float64(b.N)/1000, "cpu-ms/push")
	})
	b.Run("one", func(b *testing.B) {
		cpu0 := benchdata.CPUTime()
		for i := 0; i < b.N; i++ {
			u := users[i*7919%len(users)]
			u.VoteBits = uint16(3 + (i%2)*2) // 3 (no) or 5 (yes)
			if err := p.SetUserPref(ctx, u); err != nil {
				b.Fatal(err)
			}
			// The front end's poll reads the digest after a change.
			_ = p.StateDigest()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/change")
		b.ReportMetric(float64((benchdata.CPUTime()-cpu0).Microseconds())/float64(b.N)/1000, "cpu-ms/change")
	})
}

// heapInUse is the heap in use after a full collection, in MB.
func heapInUse() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / 1e6
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
