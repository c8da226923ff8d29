package node

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/ctl"
	"github.com/eacred/dcrstakepool/simnet/proctest"
	"github.com/gorilla/websocket"
)

// simnetBin is the simulator binary built once by TestMain.
var simnetBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "simnet-node-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	simnetBin = filepath.Join(dir, "simnet")
	race := os.Getenv("SIMNET_TEST_RACE") != "" // a race makes the node exit 66, failing stop()
	if err := proctest.Build(simnetBin, race, "github.com/eacred/dcrstakepool/simnet"); err != nil {
		fmt.Fprintln(os.Stderr, "building simnet:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var simParams = chaincfg.SimNetParams()

// testKey is a deterministic secp256k1 key.
type testKey struct {
	priv *secp256k1.PrivateKey
	hash [20]byte
}

func newTestKey(seed string) *testKey {
	s := sha256.Sum256([]byte(seed))
	k := &testKey{priv: secp256k1.PrivKeyFromBytes(s[:])}
	copy(k.hash[:], txscript.Hash160(k.priv.PubKey().SerializeCompressed()))
	return k
}

func (k *testKey) addr() string { return base58.CheckEncode(k.hash[:], simParams.PubKeyHashAddrID) }

func (k *testKey) p2pkh() []byte { return payTo{hash160: k.hash}.script() }

// nodeProc is a running `simnet node` process.
type nodeProc struct {
	t    testing.TB
	dir  string
	addr string
	args []string
	proc proctest.Proc
}

// startNode runs a node in dir (a fresh temp dir when empty).
func startNode(t testing.TB, dir string, args ...string) *nodeProc {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	p := &nodeProc{t: t, dir: dir, addr: proctest.FreeAddr(t), args: args}
	p.proc = proctest.Proc{Name: "node", Bin: simnetBin, Dir: dir}
	p.start()
	t.Cleanup(p.stop)
	return p
}

func (p *nodeProc) start() {
	p.t.Helper()
	p.proc.Args = append([]string{"node", "--datadir", p.dir, "--rpclisten", p.addr, "--rpcuser", "u", "--rpcpass", "p"}, p.args...)
	if err := p.proc.Start(); err != nil {
		p.t.Fatal(err)
	}
	err := proctest.Wait(20*time.Second, 50*time.Millisecond, func() error {
		_, err := p.call("getblockcount")
		return err
	})
	if err != nil {
		p.proc.Kill()
		p.t.Fatalf("node did not start: %v\n%s", err, p.proc.Output())
	}
}

// stop ends the process with SIGTERM (clean shutdown).
func (p *nodeProc) stop() {
	switch err := p.proc.Stop(syscall.SIGTERM, 15*time.Second); {
	case err == proctest.ErrNoExit:
		p.t.Errorf("node did not stop on SIGTERM")
	case err != nil:
		p.t.Errorf("node exited uncleanly after SIGTERM: %v", err)
	}
}

// kill ends the process with SIGKILL (a crash).
func (p *nodeProc) kill() { p.proc.Kill() }

func (p *nodeProc) opts() ctl.Options {
	return ctl.Options{Server: p.addr, User: "u", Pass: "p", Cert: filepath.Join(p.dir, "rpc.cert"), Timeout: time.Minute}
}

// call sends one request; each param is marshaled to JSON.
func (p *nodeProc) call(method string, params ...any) (json.RawMessage, error) {
	var res json.RawMessage
	err := proctest.Call(context.Background(), p.opts(), method, &res, params...)
	return res, err
}

// must calls and decodes the result into dst (may be nil).
func (p *nodeProc) must(dst any, method string, params ...any) {
	p.t.Helper()
	res, err := p.call(method, params...)
	if err != nil {
		p.t.Fatalf("%s: %v", method, err)
	}
	if dst != nil {
		if err := json.Unmarshal(res, dst); err != nil {
			p.t.Fatalf("%s: decode %s: %v", method, res, err)
		}
	}
}

// wantErr calls and checks the error code and message prefix.
func (p *nodeProc) wantErr(code int, msgPrefix, method string, params ...any) {
	p.t.Helper()
	_, err := p.call(method, params...)
	var re *ctl.RPCError
	if !asRPCErr(err, &re) || re.Code != code || !strings.HasPrefix(re.Message, msgPrefix) {
		p.t.Fatalf("%s: got %v, want code %d message %q...", method, err, code, msgPrefix)
	}
}

func asRPCErr(err error, re **ctl.RPCError) bool {
	e, ok := err.(*ctl.RPCError)
	if ok {
		*re = e
	}
	return ok
}

func (p *nodeProc) generate(n int) []string {
	p.t.Helper()
	var hashes []string
	p.must(&hashes, "generate", n)
	return hashes
}

func (p *nodeProc) block(height int64) *wire.MsgBlock {
	p.t.Helper()
	var hash, hexBlock string
	p.must(&hash, "getblockhash", height)
	p.must(&hexBlock, "getblock", hash, false)
	b, err := wire.NewBlockFromHex(hexBlock)
	if err != nil {
		p.t.Fatal(err)
	}
	return b
}

func (p *nodeProc) tip() (chainhash.Hash, int64) {
	p.t.Helper()
	var bb rpcjson.GetBestBlockResult
	p.must(&bb, "getbestblock")
	h, err := chainhash.NewHashFromStr(bb.Hash)
	if err != nil {
		p.t.Fatal(err)
	}
	return *h, bb.Height
}

func (p *nodeProc) send(tx *wire.MsgTx) (string, error) {
	res, err := p.call("sendrawtransaction", tx.Hex())
	if err != nil {
		return "", err
	}
	var s string
	if err := json.Unmarshal(res, &s); err != nil {
		return "", err
	}
	return s, nil
}

// wsClient is a websocket connection collecting notifications.
type wsClient struct {
	t     testing.TB
	conn  *websocket.Conn
	mu    sync.Mutex
	id    int
	ntfns chan rpcjson.Message
	resps chan rpcjson.Message
}

func (p *nodeProc) dialWS() *wsClient {
	p.t.Helper()
	pem, err := os.ReadFile(filepath.Join(p.dir, "rpc.cert"))
	if err != nil {
		p.t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: pool}}
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("u:p")))
	conn, _, err := d.Dial("wss://"+p.addr+"/ws", h)
	if err != nil {
		p.t.Fatal(err)
	}
	c := &wsClient{t: p.t, conn: conn, ntfns: make(chan rpcjson.Message, 10000), resps: make(chan rpcjson.Message, 100)}
	go func() {
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				close(c.ntfns)
				return
			}
			var m rpcjson.Message
			if json.Unmarshal(msg, &m) != nil {
				continue
			}
			if m.IsNotification() {
				c.ntfns <- m
			} else {
				c.resps <- m
			}
		}
	}()
	p.t.Cleanup(func() {
		if err := conn.Close(); err != nil {
			p.t.Error(err)
		}
	})
	return c
}

// request sends a request and waits for its reply.
func (c *wsClient) request(method string, params ...any) *rpcjson.Response {
	c.t.Helper()
	c.mu.Lock()
	c.id++
	req, err := rpcjson.NewRequest(uint64(c.id), method, params...)
	c.mu.Unlock()
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := json.Marshal(req)
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatal(err)
	}
	select {
	case m := <-c.resps:
		return m.Response()
	case <-time.After(10 * time.Second):
		c.t.Fatalf("no reply to %s", method)
	}
	return nil
}

// next returns the next notification.
func (c *wsClient) next() rpcjson.Message {
	c.t.Helper()
	select {
	case m, ok := <-c.ntfns:
		if !ok {
			c.t.Fatal("websocket closed")
		}
		return m
	case <-time.After(10 * time.Second):
		c.t.Fatal("no notification")
	}
	return rpcjson.Message{}
}
