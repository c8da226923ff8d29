package rpcclient_test

// Integration tests against the real simulator processes: `simnet node`
// (the ecrd role) and `simnet wallet` (the eacrwallet role), built from this
// repository and driven only through the exported client API.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

var (
	buildOnce sync.Once
	simnetBin string
	buildErr  error
)

// simnetBinary builds the simulator once per test binary.
func simnetBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rpcclient-simnet")
		if err != nil {
			buildErr = err
			return
		}
		simnetBin = filepath.Join(dir, "simnet")
		buildErr = proctest.Build(simnetBin, false, "github.com/eacred/dcrstakepool/simnet")
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return simnetBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if simnetBin != "" {
		os.RemoveAll(filepath.Dir(simnetBin))
	}
	os.Exit(code)
}

// proc is one simulator process with a fixed data directory and address,
// so it can be killed and restarted where it was.
type proc struct {
	t    testing.TB
	args []string
	dir  string
	addr string
	proc proctest.Proc
}

// newProc prepares a process (data directory, address) without starting
// it; startProc also starts it.
func newProc(t testing.TB, role string) *proc {
	dir := t.TempDir()
	return &proc{t: t, dir: dir, addr: proctest.FreeAddr(t), args: []string{role}, proc: proctest.Proc{Name: role, Dir: dir}}
}

func (p *proc) run(extra ...string) {
	p.args = append(append(p.args, "--datadir", p.dir, "--rpclisten", p.addr, "--rpcuser", "u", "--rpcpass", "p"), extra...)
	p.start()
	p.t.Cleanup(p.stop)
}

func startProc(t testing.TB, role string, extra ...string) *proc {
	t.Helper()
	p := newProc(t, role)
	p.run(extra...)
	return p
}

func (p *proc) start() {
	p.t.Helper()
	p.proc.Bin, p.proc.Args = simnetBinary(p.t), p.args
	if err := p.proc.Start(); err != nil {
		p.t.Fatal(err)
	}
}

// stop ends the process with SIGTERM (clean shutdown).
func (p *proc) stop() {
	if err := p.proc.Stop(syscall.SIGTERM, 15*time.Second); err == proctest.ErrNoExit {
		p.t.Errorf("%s did not stop on SIGTERM", p.args[0])
	}
}

// kill ends the process with SIGKILL (a crash).
func (p *proc) kill() { p.proc.Kill() }

func (p *proc) cert() string { return filepath.Join(p.dir, "rpc.cert") }

// config waits for the process's certificate and returns a client config.
func (p *proc) config(h rpcclient.NotificationHandlers) rpcclient.Config {
	p.t.Helper()
	err := proctest.Wait(30*time.Second, 20*time.Millisecond, func() error {
		_, err := os.Stat(p.cert())
		return err
	})
	if err != nil {
		p.t.Fatalf("%s wrote no rpc.cert: %s", p.args[0], p.proc.Output())
	}
	return rpcclient.Config{Host: p.addr, User: "u", Pass: "p", CertFile: p.cert(), Handlers: h,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
}

// client connects (in the background, so a process still starting is
// fine) and waits until connected.
func (p *proc) client(h rpcclient.NotificationHandlers) *rpcclient.Client {
	p.t.Helper()
	c, err := rpcclient.New(p.config(h))
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.WaitConnected(ctx); err != nil {
		p.t.Fatalf("%v; output: %s", err, p.proc.Output())
	}
	return c
}

func miningAddr(t testing.TB) string {
	a, err := address.NewPubKeyHashAddress(bytes.Repeat([]byte{7}, 20), chaincfg.SimNetParams())
	if err != nil {
		t.Fatal(err)
	}
	return a.String()
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// heights collects the heights of blockconnected notifications.
type heights struct{ ch chan uint32 }

func (h heights) next(t *testing.T) uint32 {
	t.Helper()
	select {
	case v := <-h.ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("no blockconnected notification")
		return 0
	}
}

func TestSimnetNode(t *testing.T) {
	node := startProc(t, "node", "--miningaddr", miningAddr(t))
	hs := heights{make(chan uint32, 100)}
	c := node.client(rpcclient.NotificationHandlers{
		OnBlockConnected: func(header []byte, _ [][]byte) {
			hs.ch <- uint32(header[128]) | uint32(header[129])<<8 | uint32(header[130])<<16 | uint32(header[131])<<24
		},
	})
	ctx := ctxT(t, 2*time.Minute)

	ver, err := c.Version(ctx)
	if err != nil || ver["ecrdjsonrpcapi"].Major != 6 {
		t.Fatalf("version: %v %+v", err, ver)
	}
	net, err := c.GetCurrentNet(ctx)
	if err != nil || net != chaincfg.SimNetParams().Net {
		t.Fatalf("getcurrentnet: %v %#x", err, net)
	}
	for _, f := range []func(context.Context) error{c.NotifyBlocks, c.NotifyWinningTickets,
		c.NotifySpentAndMissedTickets, c.NotifyNewTickets} {
		if err := f(ctx); err != nil {
			t.Fatal(err)
		}
	}
	session1, err := c.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}

	mined, err := c.Generate(ctx, 3)
	if err != nil || len(mined) != 3 {
		t.Fatalf("generate: %v %v", err, mined)
	}
	for want := uint32(1); want <= 3; want++ {
		if got := hs.next(t); got != want {
			t.Fatalf("blockconnected height %d, want %d", got, want)
		}
	}
	best, height, err := c.GetBestBlock(ctx)
	if err != nil || height != 3 || best != mined[2] {
		t.Fatalf("getbestblock: %v %v %d (mined %v)", err, best, height, mined[2])
	}
	if n, err := c.GetBlockCount(ctx); err != nil || n != 3 {
		t.Fatalf("getblockcount: %v %d", err, n)
	}
	if h, err := c.GetBlockHash(ctx, 3); err != nil || h != best {
		t.Fatalf("getblockhash: %v %v", err, h)
	}
	hdr, err := c.GetBlockHeader(ctx, best)
	if err != nil || len(hdr) != rpcjson.BlockHeaderSize || chainhash.HashH(hdr) != best {
		t.Fatalf("getblockheader: %v len %d", err, len(hdr))
	}
	vh, err := c.GetBlockHeaderVerbose(ctx, best)
	if err != nil || vh.Height != 3 || vh.Hash != best.String() || vh.PreviousHash != mined[1].String() || vh.NextHash != "" {
		t.Fatalf("getblockheader verbose: %v %+v", err, vh)
	}
	block, err := c.GetBlock(ctx, best)
	if err != nil || !bytes.HasPrefix(block, hdr) {
		t.Fatalf("getblock: %v", err)
	}
	vb, err := c.GetBlockVerbose(ctx, best, false)
	if err != nil || len(vb.Tx) == 0 || vb.Height != 3 {
		t.Fatalf("getblock verbose: %v %+v", err, vb)
	}
	coinbase, err := chainhash.NewHashFromStr(vb.Tx[0])
	if err != nil {
		t.Fatal(err)
	}
	tx, err := c.GetRawTransactionVerbose(ctx, *coinbase)
	if err != nil || tx.Txid != vb.Tx[0] || len(tx.Vin) == 0 || !tx.Vin[0].IsCoinbase() || len(tx.Vout) == 0 || tx.BlockHeight != 3 {
		t.Fatalf("getrawtransaction verbose: %v %+v", err, tx)
	}
	if raw, err := c.GetRawTransaction(ctx, *coinbase); err != nil || !strings.EqualFold(fmt.Sprintf("%x", raw), tx.Hex) {
		t.Fatalf("getrawtransaction: %v", err)
	}
	sd, err := c.GetStakeDifficulty(ctx)
	if err != nil || sd.CurrentStakeDifficulty < 0.0002 {
		t.Fatalf("getstakedifficulty: %v %+v", err, sd)
	}
	live, err := c.ExistsLiveTickets(ctx, []chainhash.Hash{best, *coinbase})
	if err != nil || len(live) != 2 || live[0] || live[1] {
		t.Fatalf("existslivetickets: %v %v", err, live)
	}
	if tickets, err := c.LiveTickets(ctx); err != nil || len(tickets) != 0 {
		t.Fatalf("livetickets: %v %v", err, tickets)
	}
	if _, err := c.GetVoteInfo(ctx, chaincfg.SimNetParams().WalletVoteVersion); err != nil {
		t.Fatalf("getvoteinfo: %v", err)
	}

	// Error codes come back typed.
	errTests := []struct {
		name string
		call func() error
		code rpcjson.ErrorCode
	}{
		{"bad tx", func() error { _, err := c.SendRawTransaction(ctx, []byte{1}, false); return err }, rpcjson.ErrCodeDeserialization},
		{"unknown method", func() error { return c.Call(ctx, "nosuchmethod", nil) }, rpcjson.ErrCodeMethodNotFound},
		{"unknown block", func() error { _, err := c.GetBlockHeaderVerbose(ctx, chainhash.Hash{1}); return err }, rpcjson.ErrCodeBlockNotFound},
		{"wallet method", func() error { _, err := c.GetStakeInfo(ctx); return err }, rpcjson.ErrCodeNoWallet},
		{"bad param", func() error { return c.Call(ctx, "getrawtransaction", nil, best.String(), true) }, rpcjson.ErrCodeInvalidParameter},
	}
	for _, tc := range errTests {
		var rerr *rpcjson.RPCError
		if err := tc.call(); !errors.As(err, &rerr) || rerr.Code != tc.code {
			t.Errorf("%s: got %v, want code %d", tc.name, err, tc.code)
		}
	}

	// Crash the node: the client notices, fails calls fast, reconnects to
	// the restarted node and re-registers notifyblocks by itself.
	states, stopWatch := c.WatchState()
	defer stopWatch()
	node.kill()
	for s := range states {
		if s == rpcclient.StateDisconnected {
			break
		}
	}
	if _, _, err := c.GetBestBlock(ctx); !errors.Is(err, rpcclient.ErrNotConnected) {
		t.Fatalf("call while node is down: %v", err)
	}
	node.start()
	if err := c.WaitConnected(ctxT(t, 30*time.Second)); err != nil {
		t.Fatalf("reconnect: %v; node output: %s", err, node.proc.Output())
	}
	if _, h, err := c.GetBestBlock(ctx); err != nil || h != 3 {
		t.Fatalf("restarted node lost its chain: %v %d", err, h)
	}
	if session2, err := c.Session(ctx); err != nil || session2 == session1 {
		t.Fatalf("session after reconnect: %v %d (before %d)", err, session2, session1)
	}
	if _, err := c.Generate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got := hs.next(t); got != 4 {
		t.Fatalf("after reconnect: blockconnected height %d, want 4", got)
	}
}

// BenchmarkSimnetGetBestBlock measures a getbestblock round trip against a
// real `simnet node` process.
func BenchmarkSimnetGetBestBlock(b *testing.B) {
	node := startProc(b, "node", "--miningaddr", miningAddr(b))
	c := node.client(rpcclient.NotificationHandlers{})
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, _, err := c.GetBestBlock(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
