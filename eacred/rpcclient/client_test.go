package rpcclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

const (
	hashA = "83309876da3e34d6eaeb06df1a38f8cba9786d8a2e30e849f6412b78a71c0b78"
	hashB = "2d24b4913a6702dd84567234ca5cd94de15422edb1f1f32d3b39acdca4eb588a"
	hashC = "699f75a675dc4ec8a7c3002782673cc12a7361d9e6ca88cd25977d0335483387"
)

func mustHash(t *testing.T, s string) chainhash.Hash {
	t.Helper()
	h, err := chainhash.NewHashFromStr(s)
	if err != nil {
		t.Fatal(err)
	}
	return *h
}

func dial(t *testing.T, d *fakeDaemon, mutate func(*Config)) *Client {
	t.Helper()
	cfg := d.config()
	if mutate != nil {
		mutate(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestTypedCalls(t *testing.T) {
	d := newFakeDaemon(t)
	d.handle("getbestblock", func([]json.RawMessage) (any, error) {
		return rpcjson.GetBestBlockResult{Hash: hashA, Height: 400000}, nil
	})
	d.handle("getblockheader", func(p []json.RawMessage) (any, error) {
		return rpcjson.GetBlockHeaderVerboseResult{Hash: hashA, Height: 7, SBits: 100, PreviousHash: hashB}, nil
	})
	d.handle("existslivetickets", func(p []json.RawMessage) (any, error) {
		var hs []string
		if err := json.Unmarshal(p[0], &hs); err != nil {
			return nil, rpcjson.ErrParamParse("%v", err)
		}
		bits := make([]bool, len(hs))
		for i, h := range hs {
			bits[i] = h != hashB
		}
		return rpcjson.EncodeBitset(bits), nil
	})
	d.handle("sendrawtransaction", func(p []json.RawMessage) (any, error) {
		return nil, rpcjson.ErrDuplicateTx(hashC)
	})
	d.handle("gettxout", func([]json.RawMessage) (any, error) { return nil, nil })
	d.handle("stakepooluserinfo", func([]json.RawMessage) (any, error) {
		return json.RawMessage(`{"tickets":[{"status":"live","ticket":"` + hashA + `","ticketheight":9,"spentby":"` + rpcjson.ZeroHash + `","spentbyheight":0}],"invalid":["` + hashB + `"]}`), nil
	})
	d.handle("generatevote", func([]json.RawMessage) (any, error) {
		return rpcjson.GenerateVoteResult{Hex: "0102ff"}, nil
	})
	d.handle("getblockcount", func([]json.RawMessage) (any, error) { return json.RawMessage(`"notanumber"`), nil })
	c := dial(t, d, nil)
	ctx := testCtx(t)

	h, height, err := c.GetBestBlock(ctx)
	if err != nil || h.String() != hashA || height != 400000 {
		t.Fatalf("getbestblock: %v %v %d", err, h, height)
	}
	hdr, err := c.GetBlockHeaderVerbose(ctx, h)
	if err != nil || hdr.Height != 7 || hdr.SBits != 100 || hdr.PreviousHash != hashB {
		t.Fatalf("getblockheader: %v %+v", err, hdr)
	}
	live, err := c.ExistsLiveTickets(ctx, []chainhash.Hash{mustHash(t, hashA), mustHash(t, hashB), mustHash(t, hashC)})
	if err != nil || fmt.Sprint(live) != "[true false true]" {
		t.Fatalf("existslivetickets: %v %v", err, live)
	}
	_, err = c.SendRawTransaction(ctx, []byte{1, 2}, false)
	var rerr *rpcjson.RPCError
	if !errors.As(err, &rerr) || rerr.Code != rpcjson.ErrCodeDuplicateTx || !rpcjson.IsDuplicateTx(err) ||
		!strings.Contains(rerr.Message, "already have transaction") {
		t.Fatalf("sendrawtransaction: %v", err)
	}
	out, err := c.GetTxOut(ctx, h, 0, true)
	if err != nil || out != nil {
		t.Fatalf("gettxout of spent output: %v %v", err, out)
	}
	info, err := c.StakePoolUserInfo(ctx, "Sc1")
	if err != nil || len(info.Tickets) != 1 || info.Tickets[0].Status != rpcjson.TicketStatusLive || info.Invalid[0] != hashB {
		t.Fatalf("stakepooluserinfo: %v %+v", err, info)
	}
	vote, err := c.GenerateVote(ctx, h, 7, mustHash(t, hashB), 5, "08000000")
	if err != nil || fmt.Sprint(vote) != "[1 2 255]" {
		t.Fatalf("generatevote: %v %v", err, vote)
	}
	if _, err := c.GetBlockCount(ctx); err == nil || errors.As(err, &rerr) {
		t.Fatalf("bad result type: %v", err)
	}
	_, err = c.GetStakeInfo(ctx)
	if !rpcjson.IsCode(err, rpcjson.ErrCodeMethodNotFound) {
		t.Fatalf("unknown method: %v", err)
	}
}

// TestRequestEnvelope checks what goes on the wire: jsonrpc "1.0", a fresh
// numeric id per call, positional params with optional ones left out.
func TestRequestEnvelope(t *testing.T) {
	d := newFakeDaemon(t)
	for _, m := range []string{"getnewaddress", "importscript", "purchaseticket", "getrawtransaction", "accountsyncaddressindex", "sendrawtransaction", "generatevote"} {
		d.handle(m, func([]json.RawMessage) (any, error) { return nil, nil })
	}
	c := dial(t, d, nil)
	ctx := testCtx(t)
	h := mustHash(t, hashA)
	tests := []struct {
		call   func() error
		method string
		params string
	}{
		{func() error { _, err := c.GetNewAddress(ctx, ""); return err }, "getnewaddress", `[]`},
		{func() error { _, err := c.GetNewAddress(ctx, "voting"); return err }, "getnewaddress", `["voting"]`},
		{func() error { return c.ImportScript(ctx, []byte{0x51, 0xae}) }, "importscript", `["51ae"]`},
		{func() error { return c.ImportScriptRescanFrom(ctx, []byte{0x51}, true, 120) }, "importscript", `["51",true,120]`},
		{func() error {
			_, err := c.PurchaseTicket(ctx, "default", 50, rpcjson.PurchaseTicketOptions{TicketAddress: "Sc1", PoolAddress: "Ss1", PoolFees: 7.5})
			return err
		}, "purchaseticket", `["default",50,1,"Sc1",1,"Ss1",7.5]`},
		{func() error { _, err := c.GetRawTransactionVerbose(ctx, h); return err }, "getrawtransaction", `["` + hashA + `",1]`},
		{func() error { return c.AccountSyncAddressIndex(ctx, "default", 0, 42) }, "accountsyncaddressindex", `["default",0,42]`},
		{func() error { _, err := c.SendRawTransaction(ctx, []byte{0xab}, false); return err }, "sendrawtransaction", `["ab",false]`},
		{func() error { _, err := c.GenerateVote(ctx, h, 9, h, 5, "07000000"); return err }, "generatevote",
			`["` + hashA + `",9,"` + hashA + `",5,"07000000"]`},
	}
	for _, tc := range tests {
		_ = tc.call() // results are null; only the request matters
	}
	d.mu.Lock()
	reqs := append([]json.RawMessage(nil), d.requests...)
	d.mu.Unlock()
	if len(reqs) != len(tests) {
		t.Fatalf("%d requests for %d calls", len(reqs), len(tests))
	}
	ids := map[string]bool{}
	for i, raw := range reqs {
		var env struct {
			JSONRPC string          `json:"jsonrpc"`
			Method  string          `json:"method"`
			Params  json.RawMessage `json:"params"`
			ID      json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Fatal(err)
		}
		if env.JSONRPC != "1.0" || env.Method != tests[i].method || string(env.Params) != tests[i].params {
			t.Errorf("request %d: %s, want method %s params %s", i, raw, tests[i].method, tests[i].params)
		}
		var id uint64
		if err := json.Unmarshal(env.ID, &id); err != nil || ids[string(env.ID)] {
			t.Errorf("request %d: id %s not a fresh number", i, env.ID)
		}
		ids[string(env.ID)] = true
	}
}

func TestAuthAndCertificate(t *testing.T) {
	d := newFakeDaemon(t)
	ctx := testCtx(t)
	cfg := d.config()
	cfg.Pass = "wrong"
	if _, err := Dial(ctx, cfg); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	cfg = d.config()
	cfg.Certificates = selfSignedPEM(t)
	if _, err := Dial(ctx, cfg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted certificate accepted: %v", err)
	}
	cfg = d.config()
	cfg.Certificates = []byte("not a pem")
	if _, err := Dial(ctx, cfg); err == nil {
		t.Fatal("garbage certificate accepted")
	}
	cfg = d.config()
	cfg.Certificates, cfg.CertFile = nil, ""
	if _, err := New(cfg); err == nil {
		t.Fatal("TLS without any certificate accepted")
	}
}

// TestCertFileAppearsLater: the daemon writes rpc.cert at its first start;
// a client started before that keeps retrying and connects once the file
// exists. Dial fails at once on a missing file.
func TestCertFileAppearsLater(t *testing.T) {
	d := newFakeDaemon(t)
	certFile := filepath.Join(t.TempDir(), "rpc.cert")
	cfg := d.config()
	cfg.Certificates, cfg.CertFile = nil, certFile
	if _, err := Dial(testCtx(t), cfg); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Dial with missing cert file: %v", err)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitState(t, c, StateDisconnected)
	if err := os.WriteFile(certFile, d.certPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitConnected(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

func TestCallTimeoutAndCancel(t *testing.T) {
	d := newFakeDaemon(t)
	release := make(chan struct{})
	d.handle("hang", func([]json.RawMessage) (any, error) { <-release; return nil, nil })
	d.handle("ping", func([]json.RawMessage) (any, error) { return nil, nil })
	defer close(release)
	c := dial(t, d, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.Call(ctx, "hang", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel2() }()
	if err := c.Call(ctx2, "hang", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	// Config.CallTimeout applies to contexts without a deadline.
	c2 := dial(t, d, func(cfg *Config) { cfg.CallTimeout = 30 * time.Millisecond })
	if err := c2.Call(context.Background(), "hang", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("default timeout: %v", err)
	}
	// The connection survives timeouts.
	if err := c.Ping(testCtx(t)); err != nil {
		t.Fatalf("after timeouts: %v", err)
	}
}

func TestOutOfOrderAnswers(t *testing.T) {
	d := newFakeDaemon(t)
	d.handle("delay", func(p []json.RawMessage) (any, error) {
		var ms int
		_ = json.Unmarshal(p[0], &ms)
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms, nil
	})
	c := dial(t, d, nil)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 20; i > 0; i-- {
		wg.Add(1)
		go func(ms int) {
			defer wg.Done()
			var got int
			if err := c.Call(ctx, "delay", &got, ms); err != nil || got != ms {
				errs <- fmt.Errorf("delay %d: got %d, %v", ms, got, err)
			}
		}(i * 3)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestServerDeathMidCall(t *testing.T) {
	d := newFakeDaemon(t)
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	defer close(release)
	d.handle("hang", func([]json.RawMessage) (any, error) { started <- struct{}{}; <-release; return nil, nil })
	d.handle("ping", func([]json.RawMessage) (any, error) { return nil, nil })
	c := dial(t, d, nil)
	errc := make(chan error, 1)
	go func() { errc <- c.Call(context.Background(), "hang", nil) }()
	<-started
	d.setRefuse(true)
	d.waitConns(1)
	d.kill()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrConnectionLost) {
			t.Fatalf("in-flight call: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("in-flight call not failed when the connection dropped")
	}
	// While the daemon is down calls fail at once.
	waitState(t, c, StateDisconnected)
	if err := c.Ping(testCtx(t)); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("while down: %v", err)
	} else if err.Error() != ErrNotConnected.Error() {
		// The caller names the call; the client does not say it again.
		t.Fatalf("while down: %q names more than what happened", err)
	}
	d.setRefuse(false)
	if err := c.WaitConnected(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(testCtx(t)); err != nil {
		t.Fatalf("after reconnect: %v", err)
	}
}

// waitState waits until the client reports want.
func waitState(t *testing.T, c *Client, want State) {
	t.Helper()
	ch, cancel := c.WatchState()
	defer cancel()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case s := <-ch:
			if s == want {
				return
			}
		case <-timeout:
			t.Fatalf("state %v never reached (now %v)", want, c.State())
		}
	}
}

func TestCloseFailsCalls(t *testing.T) {
	d := newFakeDaemon(t)
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	defer close(release)
	d.handle("hang", func([]json.RawMessage) (any, error) { started <- struct{}{}; <-release; return nil, nil })
	c := dial(t, d, nil)
	errc := make(chan error, 1)
	go func() { errc <- c.Call(context.Background(), "hang", nil) }()
	<-started
	c.Close()
	if err := <-errc; !errors.Is(err, ErrClientClosed) {
		t.Fatalf("in-flight call at close: %v", err)
	}
	if c.State() != StateClosed {
		t.Fatalf("state %v", c.State())
	}
	if err := c.Ping(context.Background()); !errors.Is(err, ErrClientClosed) || err.Error() != ErrClientClosed.Error() {
		t.Fatalf("call after close: %v", err)
	}
	c.Close() // idempotent
	if err := c.WaitConnected(testCtx(t)); !errors.Is(err, ErrClientClosed) {
		t.Fatalf("WaitConnected after close: %v", err)
	}
}

func TestNewConnectsInBackground(t *testing.T) {
	d := newFakeDaemon(t)
	d.setRefuse(true)
	c, err := New(d.config())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitState(t, c, StateDisconnected)
	d.setRefuse(false)
	if err := c.WaitConnected(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	// DisableAutoReconnect: a drop is final.
	c2 := dial(t, d, func(cfg *Config) { cfg.DisableAutoReconnect = true })
	d.waitConns(2)
	d.kill()
	waitState(t, c2, StateDisconnected)
	time.Sleep(50 * time.Millisecond)
	if s := c2.State(); s != StateDisconnected {
		t.Fatalf("reconnected despite DisableAutoReconnect: %v", s)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct{ cur, max, want time.Duration }{
		{10, 100, 20}, {60, 100, 100}, {100, 100, 100},
	}
	for _, tc := range tests {
		if got := nextBackoff(tc.cur, tc.max); got != tc.want {
			t.Errorf("nextBackoff(%d,%d)=%d want %d", tc.cur, tc.max, got, tc.want)
		}
	}
	for range 100 {
		if j := jitter(time.Second); j < 800*time.Millisecond || j > 1200*time.Millisecond {
			t.Fatalf("jitter %v", j)
		}
	}
}

// selfSignedPEM makes another daemon's rpc.cert: a self-signed CA for
// 127.0.0.1 that did not sign the test server's certificate.
func selfSignedPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{Organization: []string{"other daemon"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// TestHungDaemonDetected: a daemon that stops reading (a hung process or a
// half-open TCP connection) answers no pings; the client declares the
// connection lost after two ping intervals and fails the call in flight.
func TestHungDaemonDetected(t *testing.T) {
	d := newFakeDaemon(t)
	c := dial(t, d, func(cfg *Config) { cfg.PingInterval = 20 * time.Millisecond })
	errc := make(chan error, 1)
	go func() { errc <- c.Call(context.Background(), "freeze", nil) }()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrConnectionLost) {
			t.Fatalf("call to hung daemon: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("hung daemon not detected")
	}
}

func TestRedialDelay(t *testing.T) {
	const minB, maxB = 100 * time.Millisecond, time.Second
	within := func(d, want time.Duration) bool { return d >= want-want/5 && d <= want+want/5 }
	if d := redialDelay(0, 0, minB, maxB); d != 0 {
		t.Errorf("after a drop: %v, want an immediate redial", d)
	}
	if d := redialDelay(1, time.Millisecond, minB, maxB); d != 0 {
		t.Errorf("after one fast failure: %v, want an immediate retry", d)
	}
	if d := redialDelay(1, 5*time.Second, minB, maxB); !within(d, minB) {
		t.Errorf("after one slow failure: %v, want about %v", d, minB)
	}
	for n, want := range map[int]time.Duration{2: minB, 3: 2 * minB, 4: 4 * minB, 5: 8 * minB, 6: maxB, 50: maxB} {
		if d := redialDelay(n, time.Millisecond, minB, maxB); !within(d, want) {
			t.Errorf("after %d failures: %v, want about %v", n, d, want)
		}
	}
}

// TestReconnectWithinASecond: with the default backoff a daemon away for
// seconds is dialled at least every ~1.2 s (the delay is bounded, not
// growing towards 30 s), so it is reached again within about a second of
// its return. The bounds leave room for a loaded machine; the old doubling
// backoff waited 3.2 s or more between dials in a 6 s outage.
func TestReconnectWithinASecond(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 6 s")
	}
	d := newFakeDaemon(t)
	c := dial(t, d, func(cfg *Config) { cfg.MinBackoff, cfg.MaxBackoff = 0, 0 })
	d.waitConns(1)
	d.setRefuse(true)
	d.kill()
	down := time.Now()
	waitState(t, c, StateDisconnected)
	time.Sleep(6 * time.Second)
	back := time.Now()
	d.setRefuse(false)
	if err := c.WaitConnected(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	took := time.Since(back)
	// Every wait between dials, up to the one that reconnected.
	d.mu.Lock()
	prev, maxGap := down, time.Duration(0)
	for _, a := range d.attempts {
		if a.After(down) {
			maxGap = max(maxGap, a.Sub(prev))
			prev = a
		}
	}
	d.mu.Unlock()
	if maxGap > 2500*time.Millisecond || took > 3*time.Second {
		t.Fatalf("while the daemon was away the longest wait between dials was %v, and it was reached %v after its return; want at most ~1.2 s", maxGap, took)
	}
}
