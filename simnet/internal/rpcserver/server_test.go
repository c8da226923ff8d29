package rpcserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/gorilla/websocket"
)

type testServer struct {
	srv  *Server
	addr string
	pool *x509.CertPool
}

func startTestServer(t *testing.T) *testServer {
	t.Helper()
	dir := t.TempDir()
	s := New(Config{Listen: "127.0.0.1:0", User: "u", Pass: "p",
		CertFile: filepath.Join(dir, "rpc.cert"), KeyFile: filepath.Join(dir, "rpc.key"), Dialect: NodeDialect})
	s.Register(
		Method{Name: "echo", Params: []string{"text", "verbose"}, Required: 1, Handler: func(ctx context.Context, c *Call) (any, error) {
			text := c.Params.String(0)
			verbose := c.Params.OptInt(1, 0)
			if err := c.Params.Err(); err != nil {
				return nil, err
			}
			return map[string]any{"text": text, "verbose": verbose}, nil
		}},
		Method{Name: "fail", Handler: func(ctx context.Context, c *Call) (any, error) {
			return nil, NewError(ErrCodeDuplicateTx, "already have transaction %s", "x")
		}},
		Method{Name: "boom", Handler: func(ctx context.Context, c *Call) (any, error) {
			var m map[string]int
			//lint:ignore SA5000 a nil map write on purpose: the server must recover
			m["x"] = 1
			return nil, nil
		}},
		Method{Name: "notifyblocks", WebsocketOnly: true, Handler: func(ctx context.Context, c *Call) (any, error) {
			c.Client.Subscribe("blocks")
			return nil, nil
		}},
	)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	})
	pem, err := os.ReadFile(filepath.Join(dir, "rpc.cert"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &testServer{srv: s, addr: s.Addr(), pool: pool}
}

func (ts *testServer) post(t *testing.T, body, user, pass string) (int, http.Header, string) {
	t.Helper()
	url := "https://" + strings.Replace(ts.addr, "127.0.0.1", "localhost", 1) + "/"
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ts.pool}}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Close { // Go's client consumes the Connection header
		resp.Header.Set("Connection", "close")
	}
	return resp.StatusCode, resp.Header, string(b)
}

func TestPOST(t *testing.T) {
	ts := startTestServer(t)
	tests := []struct {
		name, body, want string
	}{
		{"ok", `{"jsonrpc":"1.0","id":1,"method":"echo","params":["hi"]}`,
			`{"jsonrpc":"1.0","result":{"text":"hi","verbose":0},"error":null,"id":1}`},
		{"optional given", `{"jsonrpc":"2.0","id":"a","method":"echo","params":["hi",3]}`,
			`{"jsonrpc":"2.0","result":{"text":"hi","verbose":3},"error":null,"id":"a"}`},
		{"odd version echoed as 1.0", `{"jsonrpc":"9","id":2,"method":"echo","params":["x"]}`,
			`{"jsonrpc":"1.0","result":{"text":"x","verbose":0},"error":null,"id":2}`},
		{"too few", `{"jsonrpc":"1.0","id":3,"method":"echo","params":[]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-8,"message":"Failed to parse request: wrong number of params (expected between 1 and 2, received 0)"},"id":3}`},
		{"too many for zero-param", `{"jsonrpc":"1.0","id":4,"method":"fail","params":[1]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-8,"message":"Failed to parse request: wrong number of params (expected 0, received 1)"},"id":4}`},
		{"wrong type", `{"jsonrpc":"1.0","id":5,"method":"echo","params":["x",true]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-8,"message":"Failed to parse request: parameter #2 'verbose' must be type int (got bool)"},"id":5}`},
		{"required null", `{"jsonrpc":"1.0","id":6,"method":"echo","params":[null]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-8,"message":"Failed to parse request: parameter #1 'text' must be type string (got null)"},"id":6}`},
		{"handler error", `{"jsonrpc":"1.0","id":7,"method":"fail","params":[]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-40,"message":"already have transaction x"},"id":7}`},
		{"unknown", `{"jsonrpc":"1.0","id":8,"method":"nosuch","params":[]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-32601,"message":"Method not found"},"id":8}`},
		{"ws only over POST", `{"jsonrpc":"1.0","id":9,"method":"notifyblocks","params":[]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-32601,"message":"Method not found"},"id":9}`},
		{"malformed", `{"jsonrpc":"1.0","id":10,"method":`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}`},
		{"params not array", `{"jsonrpc":"1.0","id":11,"method":"echo","params":{"a":1}}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}`},
		{"empty method", `{"jsonrpc":"1.0","id":12,"method":"","params":[]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-32600,"message":"Invalid request"},"id":12}`},
		{"panic recovered", `{"jsonrpc":"1.0","id":13,"method":"boom","params":[]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-32603,"message":"internal error in boom"},"id":13}`},
		{"batch", `[{"jsonrpc":"1.0","id":1,"method":"echo","params":["a"]},{"jsonrpc":"1.0","id":2,"method":"nosuch"}]`,
			`[{"jsonrpc":"1.0","result":{"text":"a","verbose":0},"error":null,"id":1},{"jsonrpc":"1.0","result":null,"error":{"code":-32601,"message":"Method not found"},"id":2}]`},
		{"no id is not answered", `{"jsonrpc":"1.0","method":"echo","params":["a"]}`, ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, hdr, body := ts.post(t, tc.body, "u", "p")
			if code != 200 {
				t.Fatalf("status %d", code)
			}
			want := tc.want
			if want != "" {
				want += "\n"
			}
			if body != want {
				t.Fatalf("got  %s\nwant %s", body, want)
			}
			if hdr.Get("Connection") != "close" || hdr.Get("Content-Type") != "application/json" {
				t.Fatalf("headers %v", hdr)
			}
		})
	}
}

func TestPOSTAuth(t *testing.T) {
	ts := startTestServer(t)
	for _, tc := range []struct{ user, pass string }{{"", ""}, {"u", "wrong"}, {"x", "p"}} {
		code, hdr, body := ts.post(t, `{"jsonrpc":"1.0","id":1,"method":"echo","params":["a"]}`, tc.user, tc.pass)
		if code != 401 || hdr.Get("WWW-Authenticate") != `Basic realm="ecrd RPC"` || !strings.HasPrefix(body, "401 Unauthorized.") {
			t.Fatalf("%+v: got %d %v %q", tc, code, hdr, body)
		}
	}
}

func (ts *testServer) dial(t *testing.T, auth string) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: ts.pool}}
	h := http.Header{}
	if auth != "" {
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(auth)))
	}
	return d.Dial("wss://"+ts.addr+"/ws", h)
}

func readJSON(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, msg, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(msg, &m); err != nil {
		t.Fatalf("bad json %s", msg)
	}
	return m
}

func TestWebsocketAuth(t *testing.T) {
	ts := startTestServer(t)
	if _, resp, err := ts.dial(t, "u:bad"); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("wrong credentials must get 401, got %v", err)
	}
	// Missing header: upgrade succeeds; authenticate must come first.
	c, _, err := ts.dial(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"1.0","id":1,"method":"authenticate","params":["u","p"]}`)); err != nil {
		t.Fatal(err)
	}
	if m := readJSON(t, c); m["error"] != nil || m["id"] != float64(1) {
		t.Fatalf("authenticate reply %v", m)
	}
	// A second authenticate closes the socket.
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"1.0","id":2,"method":"authenticate","params":["u","p"]}`)); err != nil {
		t.Fatal(err)
	}
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadMessage(); err == nil {
		t.Fatal("socket should be closed after a second authenticate")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// Unauthenticated first message that is not authenticate: closed.
	c, _, err = ts.dial(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"1.0","id":1,"method":"echo","params":["a"]}`)); err != nil {
		t.Fatal(err)
	}
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadMessage(); err == nil {
		t.Fatal("socket should be closed")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestWebsocketNotificationsInOrder(t *testing.T) {
	ts := startTestServer(t)
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
	const n = 500
	for i := 0; i < n; i++ {
		if err := ts.srv.Notify("blocks", "blockconnected", fmt.Sprintf("h%d", i), nil); err != nil {
			t.Fatal(err)
		}
		if err := ts.srv.Notify("other", "winningtickets", i); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		m := readJSON(t, c)
		params := m["params"].([]any)
		if m["method"] != "blockconnected" || params[0] != fmt.Sprintf("h%d", i) || m["id"] != nil {
			t.Fatalf("notification %d: %v", i, m)
		}
	}
	// Malformed JSON on a websocket is answered, not fatal.
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{nope`)); err != nil {
		t.Fatal(err)
	}
	if m := readJSON(t, c); m["error"].(map[string]any)["code"] != float64(ErrCodeParse) {
		t.Fatalf("parse error reply %v", m)
	}
	msg, _ := MarshalNotification("newtickets", "h", 1, []string{})
	if !bytes.Equal(msg, []byte(`{"jsonrpc":"1.0","method":"newtickets","params":["h",1,[]],"id":null}`)) {
		t.Fatalf("notification shape %s", msg)
	}
}

func TestCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "rpc.cert"), filepath.Join(dir, "rpc.key")
	if _, err := LoadOrCreateCert(certFile, keyFile, "P-256"); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(certFile)
	if _, err := LoadOrCreateCert(certFile, keyFile, "P-256"); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(certFile)
	if !bytes.Equal(first, second) {
		t.Fatal("existing certificate must be reused")
	}
	cert, err := LoadOrCreateCert(certFile, keyFile, "")
	if err != nil {
		t.Fatal(err)
	}
	x, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if !x.IsCA || x.VerifyHostname("localhost") != nil || x.VerifyHostname("127.0.0.1") != nil {
		t.Fatalf("certificate names/CA wrong: %v %v", x.DNSNames, x.IPAddresses)
	}
	if st, _ := os.Stat(keyFile); st.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v", st.Mode())
	}
	if _, err := LoadOrCreateCert(filepath.Join(dir, "a"), filepath.Join(dir, "b"), "P-999"); err == nil {
		t.Fatal("bad curve accepted")
	}
}

func TestWalletDialect(t *testing.T) {
	dir := t.TempDir()
	s := New(Config{Listen: "127.0.0.1:0", User: "u", Pass: "p", CertFile: filepath.Join(dir, "c"), KeyFile: filepath.Join(dir, "k"),
		Curve: "P-256", Dialect: WalletDialect})
	s.Register(Method{Name: "getnewaddress", Params: []string{"account"}, Handler: func(ctx context.Context, c *Call) (any, error) {
		acct := c.Params.OptString(0, "default")
		if acct == "bad" {
			c.Params.Fail("bad account %q", acct)
		}
		return acct, c.Params.Err()
	}})
	s.SetFallback(func(ctx context.Context, c *Call) (any, error) {
		return json.RawMessage(fmt.Sprintf(`{"passed":%q,"n":%d}`, c.Method, c.Params.Len())), nil
	})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	pem, _ := os.ReadFile(filepath.Join(dir, "c"))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	ts := &testServer{srv: s, addr: s.Addr(), pool: pool}
	tests := []struct{ body, want string }{
		{`{"jsonrpc":"1.0","id":1,"method":"getnewaddress","params":[5]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-32600,"message":"parameter #1 'account' must be type string (got number)"},"id":1}`},
		{`{"jsonrpc":"1.0","id":2,"method":"getnewaddress","params":["bad"]}`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-8,"message":"bad account \"bad\""},"id":2}`},
		{`{"jsonrpc":"1.0","id":3,"method":"getrawtransaction","params":["x",1]}`,
			`{"jsonrpc":"1.0","result":{"passed":"getrawtransaction","n":2},"error":null,"id":3}`},
		{`[{"jsonrpc":"1.0","id":4,"method":"getnewaddress","params":[]}]`,
			`{"jsonrpc":"1.0","result":null,"error":{"code":-32600,"message":"Invalid request"},"id":null}`},
		{`{"jsonrpc":"1.0","id":5,"method":"authenticate","params":["u","p"]}`, ``},
	}
	for _, tc := range tests {
		code, _, body := ts.post(t, tc.body, "u", "p")
		if code != 200 || body != tc.want {
			t.Errorf("%s:\n got  %d %s\n want %s", tc.body, code, body, tc.want)
		}
	}
	if code, hdr, _ := ts.post(t, `{}`, "u", "x"); code != 401 || hdr.Get("WWW-Authenticate") != `Basic realm="eacrwallet RPC"` {
		t.Fatalf("auth: %d %v", code, hdr)
	}
}

// TestCodesMatchRPCJSON pins the untyped code constants to eacred/rpcjson.
func TestCodesMatchRPCJSON(t *testing.T) {
	pairs := []struct {
		ours   int
		theirs rpcjson.ErrorCode
	}{
		{ErrCodeParse, rpcjson.ErrCodeParse}, {ErrCodeInvalidRequest, rpcjson.ErrCodeInvalidRequest},
		{ErrCodeMethodNotFound, rpcjson.ErrCodeMethodNotFound}, {ErrCodeInvalidParams, rpcjson.ErrCodeInvalidParams},
		{ErrCodeInternal, rpcjson.ErrCodeInternal}, {ErrCodeMisc, rpcjson.ErrCodeMisc}, {ErrCodeType, rpcjson.ErrCodeType},
		{ErrCodeWallet, rpcjson.ErrCodeWallet}, {ErrCodeInvalidAddress, rpcjson.ErrCodeInvalidAddrOrKey},
		{ErrCodeInsufficient, rpcjson.ErrCodeInsufficientFunds}, {ErrCodeInvalidParam, rpcjson.ErrCodeInvalidParameter},
		{ErrCodeClientNotConn, rpcjson.ErrCodeClientNotConnected}, {ErrCodeDeserialize, rpcjson.ErrCodeDeserialization},
		{ErrCodeVerify, rpcjson.ErrCodeVerify}, {ErrCodeDuplicateTx, rpcjson.ErrCodeDuplicateTx},
	}
	for _, p := range pairs {
		if p.ours != int(p.theirs) {
			t.Errorf("code %d != rpcjson %d", p.ours, p.theirs)
		}
	}
}
