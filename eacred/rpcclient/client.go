package rpcclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/decred/slog"
	"github.com/gorilla/websocket"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// Errors returned by calls that did not get an answer.
var (
	// ErrNotConnected: the client has no connection at the moment (it is
	// reconnecting); the request was not sent.
	ErrNotConnected = errors.New("rpcclient: not connected")
	// ErrConnectionLost: the connection dropped after the request was sent
	// and before its answer arrived; the daemon may have executed it.
	ErrConnectionLost = errors.New("rpcclient: connection lost before the answer arrived")
	// ErrClientClosed: Close was called.
	ErrClientClosed = errors.New("rpcclient: client closed")
	// ErrUnauthorized: the daemon refused the credentials (HTTP 401).
	ErrUnauthorized = errors.New("rpcclient: daemon refused the RPC credentials")
)

// Defaults applied by New for zero Config fields.
const (
	DefaultMinBackoff   = 100 * time.Millisecond
	DefaultMaxBackoff   = time.Second
	DefaultDialTimeout  = 10 * time.Second
	DefaultCallTimeout  = time.Minute
	DefaultPingInterval = 30 * time.Second
	defaultWriteTimeout = 10 * time.Second
	maxMessageSize      = 64 << 20
)

// Config describes the daemon to connect to.
type Config struct {
	// Host is "host:port" of the daemon's RPC listener.
	Host string
	// Endpoint is the websocket path; default "ws".
	Endpoint string
	// User and Pass are the RPC credentials (basic auth on the upgrade).
	User, Pass string
	// Certificates is the daemon's rpc.cert in PEM; if empty, CertFile is
	// read. The client trusts only these certificates.
	Certificates []byte
	CertFile     string
	// DisableTLS dials ws:// instead of wss:// (daemons allow it only on
	// localhost).
	DisableTLS bool

	// DisableAutoReconnect makes a dropped connection final: the state
	// becomes StateDisconnected and stays there. (New still retries until
	// the first connection succeeds; use Dial to fail on the first error.)
	DisableAutoReconnect bool
	// MinBackoff and MaxBackoff bound the delay between reconnect attempts
	// (defaults 100 ms and 1 s, so a returning daemon is reached within
	// about a second). A dropped connection is redialled at once, and so is
	// a first attempt that failed fast (refused while the daemon restarts);
	// after that the delay starts at MinBackoff and doubles up to
	// MaxBackoff, each delay spread by ±20%.
	MinBackoff, MaxBackoff time.Duration
	// DialTimeout bounds one connection attempt (TLS + upgrade).
	DialTimeout time.Duration
	// CallTimeout applies to calls whose context has no deadline; negative
	// disables it.
	CallTimeout time.Duration
	// PingInterval is how often a websocket ping is sent; a connection with
	// no traffic for two intervals is considered dead. Negative disables.
	PingInterval time.Duration

	// Handlers receive the node's notifications.
	Handlers NotificationHandlers
	// Log receives connection events; nil logs nothing.
	Log slog.Logger
}

// Client is a websocket JSON-RPC connection to one daemon that reconnects
// by itself. It is safe for concurrent use.
type Client struct {
	cfg    Config
	url    string
	header http.Header
	log    slog.Logger

	nextID atomic.Uint64

	mu      sync.Mutex
	cur     *conn    // nil while not connected
	subs    []string // notify* methods to repeat after reconnecting
	state   State
	watches map[chan State]struct{}
	closed  bool

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	ntfns  *dispatcher
}

// New validates cfg and returns a client that connects in the background
// (watch State or call WaitConnected).
func New(cfg Config) (*Client, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	c.wg.Add(1)
	go c.run(nil)
	return c, nil
}

// Dial connects synchronously: it returns an error if the first attempt
// fails. After that the client reconnects by itself like New.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	c.setState(StateConnecting)
	cn, err := c.connect(ctx)
	if err != nil {
		c.Close()
		return nil, err
	}
	c.wg.Add(1)
	go c.run(cn)
	return c, nil
}

func newClient(cfg Config) (*Client, error) {
	if cfg.Host == "" {
		return nil, errors.New("rpcclient: no host")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = "ws"
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = cfg.MinBackoff
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.PingInterval == 0 {
		cfg.PingInterval = DefaultPingInterval
	}
	log := cfg.Log
	if log == nil {
		log = slog.Disabled
	}
	scheme := "wss"
	if cfg.DisableTLS {
		scheme = "ws"
	} else if len(cfg.Certificates) > 0 {
		if _, err := certPool(cfg.Certificates); err != nil {
			return nil, err
		}
	} else if cfg.CertFile == "" {
		return nil, errors.New("rpcclient: TLS needs Certificates or CertFile (the daemon's rpc.cert)")
	}
	u := url.URL{Scheme: scheme, Host: cfg.Host, Path: "/" + cfg.Endpoint}
	header := http.Header{}
	if cfg.User != "" || cfg.Pass != "" {
		auth := base64.StdEncoding.EncodeToString([]byte(cfg.User + ":" + cfg.Pass))
		header.Set("Authorization", "Basic "+auth)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		cfg: cfg, url: u.String(), header: header, log: log,
		watches: map[chan State]struct{}{}, ctx: ctx, cancel: cancel,
	}
	c.ntfns = newDispatcher(c, cfg.Handlers)
	return c, nil
}

// dialer returns the websocket dialer for one attempt. A CertFile is read
// at every attempt: it may not exist yet when the client starts before the
// daemon (which writes it at first start), and a daemon whose certificate
// was regenerated is trusted again after a reconnect.
func (c *Client) dialer() (*websocket.Dialer, error) {
	d := &websocket.Dialer{HandshakeTimeout: c.cfg.DialTimeout}
	if c.cfg.DisableTLS {
		return d, nil
	}
	pem := c.cfg.Certificates
	if len(pem) == 0 {
		var err error
		if pem, err = os.ReadFile(c.cfg.CertFile); err != nil {
			return nil, fmt.Errorf("rpcclient: read the daemon's certificate: %w", err)
		}
	}
	pool, err := certPool(pem)
	if err != nil {
		return nil, err
	}
	d.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return d, nil
}

func certPool(pem []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("rpcclient: no PEM certificate found in the daemon's rpc.cert")
	}
	return pool, nil
}

// Host returns the daemon address the client connects to.
func (c *Client) Host() string { return c.cfg.Host }

// run owns the connection life cycle: serve the current connection until it
// drops, then redial (redialDelay) until connected or closed.
func (c *Client) run(cn *conn) {
	defer c.wg.Done()
	failures := 0 // failed attempts since the last connection
	var took time.Duration
	for {
		if cn == nil {
			if d := redialDelay(failures, took, c.cfg.MinBackoff, c.cfg.MaxBackoff); d > 0 && !c.sleep(d) {
				return
			}
			c.setState(StateConnecting)
			start := time.Now()
			var err error
			cn, err = c.connect(c.ctx)
			took = time.Since(start)
			if err != nil {
				if c.ctx.Err() != nil {
					return
				}
				failures++
				c.setState(StateDisconnected)
				c.log.Warnf("RPC %s: %v; retrying in at most %v", c.cfg.Host, err,
					redialDelay(failures, took, c.cfg.MinBackoff, c.cfg.MaxBackoff)*6/5)
				continue
			}
		}
		failures = 0
		select {
		case <-cn.done:
			if c.ctx.Err() == nil {
				c.log.Warnf("RPC %s: connection lost: %v", c.cfg.Host, cn.cause())
			}
		case <-c.ctx.Done():
			cn.close(ErrClientClosed)
			return
		}
		c.mu.Lock()
		if c.cur == cn {
			c.cur = nil
		}
		c.mu.Unlock()
		cn = nil
		c.setState(StateDisconnected)
		if c.cfg.DisableAutoReconnect || c.ctx.Err() != nil {
			return
		}
	}
}

// fastFail is how quickly a dial must fail to be retried at once: a
// refused or reset connection (the daemon is restarting), not a timeout.
const fastFail = 100 * time.Millisecond

// redialDelay is the wait before the next connection attempt after failures
// failed attempts in a row, the last of which took took. The first attempt
// after a drop is immediate, and so is the second when the first failed
// fast; then the delay starts at minB and doubles up to maxB, with jitter.
func redialDelay(failures int, took, minB, maxB time.Duration) time.Duration {
	switch {
	case failures == 0:
		return 0
	case failures == 1 && took < fastFail:
		return 0
	}
	d := minB
	for i := 2; i < failures && d < maxB; i++ {
		d = nextBackoff(d, maxB)
	}
	return jitter(min(d, maxB))
}

// nextBackoff doubles the reconnect delay up to max.
func nextBackoff(cur, max time.Duration) time.Duration {
	return min(2*cur, max)
}

// jitter spreads d by ±20% so many clients do not redial in lockstep.
func jitter(d time.Duration) time.Duration {
	return d - d/5 + time.Duration(rand.Int64N(int64(d)*2/5+1))
}

func (c *Client) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.ctx.Done():
		return false
	}
}

// connect dials, repeats the subscriptions and publishes the connection.
func (c *Client) connect(ctx context.Context) (*conn, error) {
	dctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	dialer, err := c.dialer()
	if err != nil {
		return nil, err
	}
	ws, resp, err := dialer.DialContext(dctx, c.url, c.header)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusUnauthorized {
			return nil, fmt.Errorf("%w (%s)", ErrUnauthorized, c.cfg.Host)
		}
		if resp != nil {
			return nil, fmt.Errorf("rpcclient: dial %s: %w (HTTP %d)", c.url, err, resp.StatusCode)
		}
		return nil, fmt.Errorf("rpcclient: dial %s: %w", c.url, err)
	}
	cn := newConn(ws, c.ntfns, c.cfg.PingInterval)
	c.mu.Lock()
	subs := append([]string(nil), c.subs...)
	c.mu.Unlock()
	for _, method := range subs {
		if _, err := c.callOn(dctx, cn, method, nil); err != nil {
			cn.close(err)
			return nil, fmt.Errorf("rpcclient: re-register %s: %w", method, err)
		}
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cn.close(ErrClientClosed)
		return nil, ErrClientClosed
	}
	c.cur = cn
	c.mu.Unlock()
	c.setState(StateConnected)
	c.log.Infof("RPC %s: connected", c.cfg.Host)
	return cn, nil
}

// Call sends method with positional params (leave trailing optional ones
// out) and decodes the result into result (nil discards it). Errors do not
// name the method: the caller, who knows which call it made and why, says
// so once.
func (c *Client) Call(ctx context.Context, method string, result any, params ...any) error {
	raw, err := rpcjson.MarshalParams(params...)
	if err != nil {
		return fmt.Errorf("marshal params: %w", err)
	}
	res, err := c.RawCall(ctx, method, raw)
	if err != nil {
		return err
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(res, result); err != nil {
		return fmt.Errorf("decode result: %w", err)
	}
	return nil
}

// RawCall sends already-encoded params and returns the raw result (for
// passing calls through unchanged). Errors from the daemon are
// *rpcjson.RPCError.
func (c *Client) RawCall(ctx context.Context, method string, params []json.RawMessage) (json.RawMessage, error) {
	c.mu.Lock()
	cn, closed := c.cur, c.closed
	c.mu.Unlock()
	if closed {
		return nil, ErrClientClosed
	}
	if cn == nil {
		return nil, ErrNotConnected
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok && c.cfg.CallTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.CallTimeout)
		defer cancel()
	}
	return c.callOn(ctx, cn, method, params)
}

func (c *Client) callOn(ctx context.Context, cn *conn, method string, params []json.RawMessage) (json.RawMessage, error) {
	id := c.nextID.Add(1)
	req := rpcjson.Request{JSONRPC: rpcjson.Version, Method: method, Params: params,
		ID: json.RawMessage(fmt.Appendf(nil, "%d", id))}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	resp, err := cn.roundTrip(ctx, id, b)
	if err != nil {
		return nil, err
	}
	if resp.Error != nil {
		return nil, resp.Error
	}
	if len(resp.Result) == 0 {
		return json.RawMessage("null"), nil
	}
	return resp.Result, nil
}

// subscribe calls a notify* method and remembers it, so every later
// connection repeats it. The method is remembered before the call: if the
// connection drops meanwhile, the reconnect registers it. Only a refusal by
// the daemon (an RPC error) forgets it again.
func (c *Client) subscribe(ctx context.Context, method string) error {
	c.mu.Lock()
	known := false
	for _, s := range c.subs {
		known = known || s == method
	}
	if !known {
		c.subs = append(c.subs, method)
	}
	c.mu.Unlock()
	err := c.Call(ctx, method, nil)
	var rerr *rpcjson.RPCError
	if !known && errors.As(err, &rerr) {
		c.mu.Lock()
		for i, s := range c.subs {
			if s == method {
				c.subs = append(c.subs[:i], c.subs[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
	}
	return err
}

// Close drops the connection, fails calls in flight with ErrClientClosed
// and stops reconnecting and notification delivery. It waits for the
// client's goroutines (so do not call it from a notification handler).
func (c *Client) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	cn := c.cur
	c.cur = nil
	c.mu.Unlock()
	c.cancel()
	if cn != nil {
		cn.close(ErrClientClosed)
	}
	c.wg.Wait()
	c.ntfns.stop()
	c.setState(StateClosed)
}

// WaitConnected blocks until the client is connected, ctx ends or the
// client is closed.
func (c *Client) WaitConnected(ctx context.Context) error {
	ch, cancel := c.WatchState()
	defer cancel()
	for {
		select {
		case s := <-ch:
			switch s {
			case StateConnected:
				return nil
			case StateClosed:
				return ErrClientClosed
			}
		case <-ctx.Done():
			return fmt.Errorf("rpcclient: waiting for %s: %w", c.cfg.Host, ctx.Err())
		}
	}
}
