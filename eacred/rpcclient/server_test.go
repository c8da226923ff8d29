package rpcclient

import (
	"crypto/subtle"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// fakeDaemon is an in-test websocket JSON-RPC server speaking the daemons'
// wire format: TLS, basic auth checked at the upgrade (401 on mismatch),
// one JSON object per text frame, requests served concurrently, answers
// {"jsonrpc","result","error","id"} and notifications with "id":null.
type fakeDaemon struct {
	t    testing.TB
	srv  *httptest.Server
	user string
	pass string

	mu       sync.Mutex
	handlers map[string]func(params []json.RawMessage) (any, error)
	conns    map[*fakeConn]bool
	refuse   bool              // answer upgrades with 503
	calls    map[string]int    // method → count
	requests []json.RawMessage // every raw request received
	upgrades int
	attempts []time.Time   // every HTTP request (dial attempt), refused or not
	frozen   chan struct{} // closed at cleanup; "freeze" blocks on it
}

type fakeConn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex
	mu   sync.Mutex
	subs map[string]bool
}

func (fc *fakeConn) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	fc.wmu.Lock()
	defer fc.wmu.Unlock()
	return fc.ws.WriteMessage(websocket.TextMessage, b)
}

func newFakeDaemon(t testing.TB) *fakeDaemon {
	t.Helper()
	d := &fakeDaemon{t: t, user: "u", pass: "p",
		handlers: map[string]func([]json.RawMessage) (any, error){},
		conns:    map[*fakeConn]bool{}, calls: map[string]int{}, frozen: make(chan struct{})}
	d.srv = httptest.NewUnstartedServer(http.HandlerFunc(d.serveHTTP))
	d.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut short by tests
	d.srv.StartTLS()
	t.Cleanup(d.close)
	return d
}

func (d *fakeDaemon) close() {
	close(d.frozen)
	d.kill()
	d.srv.Close()
}

// certPEM is the server's self-signed certificate, like a daemon's rpc.cert.
func (d *fakeDaemon) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d.srv.Certificate().Raw})
}

func (d *fakeDaemon) config() Config {
	return Config{
		Host:         strings.TrimPrefix(d.srv.URL, "https://"),
		User:         d.user,
		Pass:         d.pass,
		Certificates: d.certPEM(),
		MinBackoff:   5_000_000, // 5ms
		MaxBackoff:   50_000_000,
	}
}

func (d *fakeDaemon) handle(method string, h func(params []json.RawMessage) (any, error)) {
	d.mu.Lock()
	d.handlers[method] = h
	d.mu.Unlock()
}

func (d *fakeDaemon) count(method string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls[method]
}

func (d *fakeDaemon) setRefuse(v bool) {
	d.mu.Lock()
	d.refuse = v
	d.mu.Unlock()
}

// waitConns waits until n websockets are open on the server side (the
// client may finish its handshake before the server records the socket).
func (d *fakeDaemon) waitConns(n int) {
	d.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d.mu.Lock()
		got := len(d.conns)
		d.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%d server connections, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// kill drops every websocket, as a crashing daemon would.
func (d *fakeDaemon) kill() {
	d.mu.Lock()
	conns := d.conns
	d.conns = map[*fakeConn]bool{}
	d.mu.Unlock()
	for fc := range conns {
		_ = fc.ws.Close() // dropping the connection is the point; its handler closes it again
	}
}

// notify sends a notification to every connection subscribed via sub.
func (d *fakeDaemon) notify(sub, method string, params []json.RawMessage) int {
	req := rpcjson.Request{JSONRPC: "1.0", Method: method, Params: params}
	d.mu.Lock()
	var targets []*fakeConn
	for fc := range d.conns {
		fc.mu.Lock()
		if fc.subs[sub] {
			targets = append(targets, fc)
		}
		fc.mu.Unlock()
	}
	d.mu.Unlock()
	for _, fc := range targets {
		if err := fc.send(req); err != nil {
			d.t.Logf("notify: %v", err)
		}
	}
	return len(targets)
}

// sendRaw writes a raw frame to every connection.
func (d *fakeDaemon) sendRaw(frame string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for fc := range d.conns {
		fc.wmu.Lock()
		_ = fc.ws.WriteMessage(websocket.TextMessage, []byte(frame))
		fc.wmu.Unlock()
	}
}

func (d *fakeDaemon) serveHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	refuse := d.refuse
	d.attempts = append(d.attempts, time.Now())
	d.mu.Unlock()
	if refuse {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if r.URL.Path != "/ws" {
		http.NotFound(w, r)
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user+":"+pass), []byte(d.user+":"+d.pass)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="ecrd RPC"`)
		http.Error(w, "401 Unauthorized.", http.StatusUnauthorized)
		return
	}
	up := websocket.Upgrader{}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	fc := &fakeConn{ws: ws, subs: map[string]bool{}}
	d.mu.Lock()
	d.conns[fc] = true
	d.upgrades++
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		delete(d.conns, fc)
		d.mu.Unlock()
		_ = ws.Close() // kill may have closed it already
	}()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if strings.Contains(string(data), `"method":"freeze"`) {
			// A hung daemon: stop reading (so pings go unanswered) until
			// the test ends.
			<-d.frozen
			return
		}
		go d.serveRequest(fc, data)
	}
}

func (d *fakeDaemon) serveRequest(fc *fakeConn, data []byte) {
	req, rerr := rpcjson.DecodeRequest(data)
	if rerr != nil {
		_ = fc.send(rpcjson.Response{JSONRPC: "1.0", Error: rerr})
		return
	}
	d.mu.Lock()
	d.calls[req.Method]++
	d.requests = append(d.requests, append(json.RawMessage(nil), data...))
	h := d.handlers[req.Method]
	d.mu.Unlock()
	if req.IsNotification() {
		return // the daemons never answer a request without id
	}
	var result any
	var err error
	switch {
	case strings.HasPrefix(req.Method, "notify"):
		fc.mu.Lock()
		fc.subs[req.Method] = true
		fc.mu.Unlock()
	case h != nil:
		result, err = h(req.Params)
	default:
		err = rpcjson.ErrMethodNotFound()
	}
	resp, merr := rpcjson.NewResponse(req.ID, result, err)
	if merr != nil {
		d.t.Errorf("marshal: %v", merr)
		return
	}
	_ = fc.send(resp)
}
