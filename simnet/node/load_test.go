package node

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/gorilla/websocket"
)

// Load shape of the performance requirement.
const (
	loadVotes      = 5
	loadNewTickets = 20
	loadFanOut     = 250 // outputs per funding transaction
	loadMaxFresh   = 255 // tickets per block while filling the pool
	loadMaxBlocks  = 400 // measured blocks the funding covers
)

// BenchmarkNodeLoad is the load driver of the performance requirement: a
// node with a live ticket pool of 40,960 (--ticketpoolsize 8192, so the
// target pool is 8192 x 5) receives 5 votes and 20 new tickets for every
// block, over websocket JSON-RPC, from this process. b.N is the number of
// measured blocks; run it as
//
//	go test ./simnet/node -run '^$' -bench NodeLoad -benchtime 60x
//
// "timed" mines on the node's 1 s timer (does the node sustain a block per
// second with full blocks?); "max" calls generate as soon as the block's
// transactions are accepted (the throughput ceiling, driver included).
// Metrics: blocks/s, node CPU in % of one core, node RSS (MB), and the
// share of blocks holding all 5 votes and 20 tickets.
// SIMNET_LOAD_POOL overrides the pool size (default 40960).
func BenchmarkNodeLoad(b *testing.B) {
	poolSize := 40960
	if s := os.Getenv("SIMNET_LOAD_POOL"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 10 {
			b.Fatalf("bad SIMNET_LOAD_POOL %q", s)
		}
		poolSize = n
	}
	d := newLoadDriver(b, poolSize)
	b.Run("max", func(b *testing.B) { d.measure(b, false) })
	b.Run("timed", func(b *testing.B) { d.measure(b, true) })
}

type loadDriver struct {
	tb      testing.TB
	key     *testKey
	p       *nodeProc
	ws      *wsClient
	coins   []coin
	tickets map[chainhash.Hash]*wire.MsgTx
	winners []chainhash.Hash
	sub     *subsidies
	timed   bool
	tip     chainhash.Hash
	height  int64
}

func newLoadDriver(tb testing.TB, poolSize int) *loadDriver {
	key := newTestKey("load")
	nFund := (poolSize + loadNewTickets*loadMaxBlocks + loadFanOut - 1) / loadFanOut
	ticketBlocks := (poolSize + loadMaxFresh - 1) / loadMaxFresh
	fundHeight := int64(17 + nFund) // block 1 pays nothing
	svh := fundHeight + 1 + int64(ticketBlocks) + 16 + 2
	params := simParams.Copy()
	params.StakeValidationHeight = svh
	d := &loadDriver{tb: tb, key: key, tickets: make(map[chainhash.Hash]*wire.MsgTx), sub: newSubsidies(params)}
	d.p = startNode(tb, "", "--miningaddr", key.addr(), "--ticketpoolsize", "8192", "--maxfreshstake", strconv.Itoa(loadMaxFresh),
		"--ticketexpiry", "1000000", "--stakevalidationheight", strconv.FormatInt(svh, 10), "--debuglevel", "warn")
	d.ws = d.p.dialWS()
	for _, m := range []string{"notifyblocks", "notifywinningtickets"} {
		if r := d.ws.request(m); r.Error != nil {
			tb.Fatal(r.Error)
		}
	}
	start := time.Now()
	d.generate(int(fundHeight))
	// Funding: each mature coinbase fans out into loadFanOut coins.
	var fund []*wire.MsgTx
	for h := int64(2); h <= int64(nFund)+1; h++ {
		cb := coinbaseCoin(d.p.block(h), key)
		tx := wire.NewMsgTx(wire.TxVersion)
		tx.AddTxIn(wire.NewTxIn(&cb.op, cb.value, nil))
		each := (cb.value - 1e6) / loadFanOut
		for i := 0; i < loadFanOut; i++ {
			tx.AddTxOut(wire.NewTxOut(each, key.p2pkh()))
		}
		sig, err := txscript.SignP2PKH(tx, 0, cb.script, key.priv)
		if err != nil {
			tb.Fatal(err)
		}
		tx.TxIn[0].SignatureScript = sig
		fund = append(fund, tx)
		th := tx.TxHash()
		for i := 0; i < loadFanOut; i++ {
			d.coins = append(d.coins, coin{op: wire.OutPoint{Hash: th, Index: uint32(i)}, value: each, script: key.p2pkh(), key: key})
		}
	}
	d.sendAll(fund)
	d.generate(1)
	for {
		var pool []string
		d.p.must(&pool, "getrawmempool")
		if len(pool) == 0 {
			break
		}
		d.generate(1) // funding larger than one block
	}
	// Fill the pool.
	for len(d.tickets) < poolSize {
		n := poolSize - len(d.tickets)
		if n > loadMaxFresh {
			n = loadMaxFresh
		}
		d.sendAll(d.newTickets(n))
		d.generate(1)
	}
	// Mature the last tickets and reach the first winners.
	for d.height < svh-1 {
		d.generate(1)
	}
	var lt rpcjson.TicketsResult
	d.p.must(&lt, "livetickets")
	if len(lt.Tickets) != poolSize {
		tb.Fatalf("live pool %d, want %d", len(lt.Tickets), poolSize)
	}
	tb.Logf("setup: %d live tickets at height %d in %v", len(lt.Tickets), d.height, time.Since(start).Round(time.Second))
	return d
}

// generate mines n blocks and follows the notifications.
func (d *loadDriver) generate(n int) {
	for i := 0; i < n; i++ {
		if r := d.ws.request("generate", 1); r.Error != nil {
			d.tb.Fatal(r.Error)
		}
		d.follow()
	}
}

// follow consumes one block's notifications, returning its header.
func (d *loadDriver) follow() *wire.BlockHeader {
	var hdr *wire.BlockHeader
	for {
		m := d.ws.next()
		switch m.Method {
		case "blockconnected":
			bc, err := rpcjson.ParseBlockConnected(m.Params)
			if err != nil {
				d.tb.Fatal(err)
			}
			h, err := wire.NewBlockHeaderFromBytes(bc.Header)
			if err != nil {
				d.tb.Fatal(err)
			}
			hdr = h
			d.tip, d.height = h.BlockHash(), int64(h.Height)
			d.winners = nil
			if int64(h.Height)+1 < d.svh() {
				return hdr
			}
		case "winningtickets":
			w, err := rpcjson.ParseWinningTickets(m.Params)
			if err != nil {
				d.tb.Fatal(err)
			}
			d.winners = hashesFromStrings(d.tb, w.Tickets)
			return hdr
		}
	}
}

func (d *loadDriver) svh() int64 {
	for i, a := range d.p.args {
		if a == "--stakevalidationheight" {
			v, _ := strconv.ParseInt(d.p.args[i+1], 10, 64)
			return v
		}
	}
	return simParams.StakeValidationHeight
}

// newTickets builds n tickets at the current stake difficulty.
func (d *loadDriver) newTickets(n int) []*wire.MsgTx {
	var sd rpcjson.GetStakeDifficultyResult
	d.p.must(&sd, "getstakedifficulty")
	price := int64(sd.NextStakeDifficulty*1e8 + 0.5)
	out := make([]*wire.MsgTx, 0, n)
	for i := 0; i < n; i++ {
		if len(d.coins) == 0 {
			d.tb.Fatal("load driver ran out of funding coins")
		}
		c := d.coins[len(d.coins)-1]
		d.coins = d.coins[:len(d.coins)-1]
		tk := buildTicket(d.tb, c, voting{key: d.key}, price, 1e4)
		d.tickets[tk.TxHash()] = tk
		out = append(out, tk)
	}
	return out
}

// sendAll pipelines sendrawtransaction for txs over the websocket.
func (d *loadDriver) sendAll(txs []*wire.MsgTx) {
	for i, tx := range txs {
		req, _ := rpcjson.NewRequest(uint64(1_000_000+i), "sendrawtransaction", tx.Hex())
		b, _ := json.Marshal(req)
		if err := d.ws.conn.WriteMessage(websocket.TextMessage, b); err != nil {
			d.tb.Fatal(err)
		}
	}
	var failed []string
	for range txs {
		select {
		case m := <-d.ws.resps:
			if m.Error != nil {
				failed = append(failed, m.Error.Message)
			}
		case <-time.After(60 * time.Second):
			d.tb.Fatal("no reply to sendrawtransaction")
		}
	}
	if len(failed) > 0 {
		d.tb.Fatalf("%d of %d transactions rejected, first: %s", len(failed), len(txs), failed[0])
	}
}

// measure runs b.N blocks of 5 votes + 20 tickets.
func (d *loadDriver) measure(b *testing.B, timed bool) {
	pid := d.p.proc.Pid()
	if timed && !d.timed {
		d.timed = true
		// Restart the node with the 1 s mining timer.
		d.p.stop()
		d.p.args = append(d.p.args, "--mineinterval", "1s")
		d.p.start()
		d.ws = d.p.dialWS()
		d.ws.request("notifyblocks")
		d.ws.request("notifywinningtickets")
		d.follow() // the first timed block sets the tip and winners
		pid = d.p.proc.Pid()
	}
	cpu0 := procCPU(b, pid)
	full := 0
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		txs := make([]*wire.MsgTx, 0, loadVotes+loadNewTickets)
		for _, w := range d.winners {
			txs = append(txs, buildVoteSubsidy(d.tb, d.tickets[w], voting{key: d.key}, d.tip, d.height, 1, d.sub.vote(d.height)))
		}
		txs = append(txs, d.newTickets(loadNewTickets)...)
		d.sendAll(txs)
		if !timed {
			if r := d.ws.request("generate", 1); r.Error != nil {
				b.Fatal(r.Error)
			}
		}
		hdr := d.follow()
		if hdr != nil && hdr.Voters == loadVotes && hdr.FreshStake == loadNewTickets {
			full++
		} else if hdr != nil {
			b.Logf("block %d not full: %d votes, %d tickets", hdr.Height, hdr.Voters, hdr.FreshStake)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cpu := procCPU(b, pid) - cpu0
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "blocks/s")
	b.ReportMetric(100*cpu.Seconds()/elapsed.Seconds(), "node-cpu-%")
	b.ReportMetric(procRSSMB(b, pid), "node-rss-MB")
	b.ReportMetric(100*float64(full)/float64(b.N), "full-blocks-%")
}

func procCPU(tb testing.TB, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndex(s, ")")+2:])
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ = 100
}

func procRSSMB(tb testing.TB, pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}
