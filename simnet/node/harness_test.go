package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
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
	args := []string{"build", "-o", simnetBin}
	if os.Getenv("SIMNET_TEST_RACE") != "" {
		args = append(args, "-race") // a race makes the node exit 66, failing stop()
	}
	build := exec.Command("go", append(args, "github.com/eacred/dcrstakepool/simnet")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
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
	cmd  *exec.Cmd
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// startNode runs a node in dir (a fresh temp dir when empty).
func startNode(t testing.TB, dir string, args ...string) *nodeProc {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	p := &nodeProc{t: t, dir: dir, addr: freePort(t), args: args}
	p.start()
	t.Cleanup(p.stop)
	return p
}

func (p *nodeProc) start() {
	p.t.Helper()
	args := append([]string{"node", "--datadir", p.dir, "--rpclisten", p.addr, "--rpcuser", "u", "--rpcpass", "p"}, p.args...)
	p.cmd = exec.Command(simnetBin, args...)
	var stderr bytes.Buffer
	p.cmd.Stderr = &stderr
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := p.call("getblockcount"); err == nil {
			return
		}
		if time.Now().After(deadline) {
			p.cmd.Process.Kill()
			p.t.Fatalf("node did not start: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the process with SIGTERM (clean shutdown).
func (p *nodeProc) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			p.t.Errorf("node exited uncleanly after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-done
		p.t.Errorf("node did not stop on SIGTERM")
	}
	p.cmd = nil
}

// kill ends the process with SIGKILL (a crash).
func (p *nodeProc) kill() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
	p.cmd = nil
}

func (p *nodeProc) opts() ctl.Options {
	return ctl.Options{Server: p.addr, User: "u", Pass: "p", Cert: filepath.Join(p.dir, "rpc.cert"), Timeout: time.Minute}
}

// call sends one request; each param is marshaled to JSON.
func (p *nodeProc) call(method string, params ...any) (json.RawMessage, error) {
	raw := make([]json.RawMessage, len(params))
	for i, v := range params {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		raw[i] = b
	}
	return ctl.Call(context.Background(), p.opts(), method, raw)
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
	json.Unmarshal(res, &s)
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
	p.t.Cleanup(func() { conn.Close() })
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
