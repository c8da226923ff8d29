package rpcserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// maxBodyBytes caps a POST body (the wallet's limit; the node has none
// smaller).
const maxBodyBytes = 4 << 20

// Config configures a Server.
type Config struct {
	// Listen is host:port (port 0 picks a free port; see Addr).
	Listen string
	// User and Pass are the basic-auth credentials.
	User, Pass string
	// CertFile and KeyFile are created on first start when missing.
	CertFile, KeyFile string
	// Curve is the key's elliptic curve: "P-521" (node) or "P-256"
	// (wallet default).
	Curve string
	// NoTLS serves plain HTTP (only allowed on loopback addresses).
	NoTLS   bool
	Dialect Dialect
	Log     *slog.Logger
}

// Server is a JSON-RPC server. Register methods before Start.
type Server struct {
	cfg      Config
	log      *slog.Logger
	authHash [32]byte

	methods  map[string]*Method
	fallback Handler

	httpSrv  *http.Server
	listener net.Listener
	upgrader websocket.Upgrader

	mu      sync.Mutex
	clients map[*Client]struct{}
	nextID  uint64
	closed  bool

	baseCtx context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New builds a server. It does not listen yet.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Dialect.Realm == "" {
		cfg.Dialect = NodeDialect
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		log:      cfg.Log,
		authHash: sha256.Sum256([]byte(basicAuth(cfg.User, cfg.Pass))),
		methods:  make(map[string]*Method),
		clients:  make(map[*Client]struct{}),
		baseCtx:  ctx,
		cancel:   cancel,
	}
	s.upgrader = websocket.Upgrader{
		ReadBufferSize:  4096,
		WriteBufferSize: 4096,
		// Daemons accept any origin: clients are programs, not browsers.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	return s
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// Register adds methods to the table; a later registration of the same name
// replaces the earlier one.
func (s *Server) Register(ms ...Method) {
	for i := range ms {
		m := ms[i]
		if m.Required > len(m.Params) {
			panic(fmt.Sprintf("rpcserver: method %s requires %d of %d params", m.Name, m.Required, len(m.Params)))
		}
		s.methods[m.Name] = &m
	}
}

// SetFallback serves methods missing from the table (the wallet passes them
// through to the node). The call's Params are not count-checked.
func (s *Server) SetFallback(h Handler) { s.fallback = h }

// Start listens and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Listen, err)
	}
	if s.cfg.NoTLS {
		if !isLoopback(ln.Addr()) {
			_ = ln.Close() // the error returned below is the one to report
			return fmt.Errorf("TLS may only be disabled on a loopback listener, not %s", ln.Addr())
		}
	} else {
		cert, err := LoadOrCreateCert(s.cfg.CertFile, s.cfg.KeyFile, s.cfg.Curve)
		if err != nil {
			_ = ln.Close() // the error returned below is the one to report
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{
			Certificates: []tls.Certificate{cert},
			MinVersion:   tls.VersionTLS12,
		})
	}
	s.listener = ln
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.handlePOST)
	mux.HandleFunc("/ws", s.handleWS)
	s.httpSrv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.baseCtx },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("RPC server stopped", "err", err)
		}
	}()
	s.log.Info("RPC server listening", "addr", ln.Addr().String(), "tls", !s.cfg.NoTLS)
	return nil
}

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// Addr is the address actually listened on.
func (s *Server) Addr() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// Shutdown stops accepting, closes every websocket, and waits for running
// handlers until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	clients := make([]*Client, 0, len(s.clients))
	for c := range s.clients {
		clients = append(clients, c)
	}
	s.mu.Unlock()
	var err error
	if s.httpSrv != nil {
		err = s.httpSrv.Shutdown(ctx)
	}
	for _, c := range clients {
		c.close()
	}
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return err
}

// authorized checks a basic-auth header in constant time.
func (s *Server) authorized(header string) bool {
	h := sha256.Sum256([]byte(header))
	return subtle.ConstantTimeCompare(h[:], s.authHash[:]) == 1
}

func (s *Server) unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="`+s.cfg.Dialect.Realm+`"`)
	http.Error(w, "401 Unauthorized.", http.StatusUnauthorized)
}

func (s *Server) handlePOST(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "405 Method Not Allowed.", http.StatusMethodNotAllowed)
		return
	}
	if !s.authorized(r.Header.Get("Authorization")) {
		s.unauthorized(w)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		http.Error(w, "413 Request Entity Too Large.", http.StatusRequestEntityTooLarge)
		return
	}
	reply := s.serveBody(r.Context(), body, nil)
	w.Header().Set("Connection", "close")
	w.Header().Set("Content-Type", "application/json")
	if reply == nil {
		return
	}
	if s.cfg.Dialect.TrailingNewline {
		reply = append(reply, '\n')
	}
	_, _ = w.Write(reply) // the client went away: nothing left to tell it
}

// serveBody handles one message (single request or batch) and returns the
// reply, or nil when none is due.
func (s *Server) serveBody(ctx context.Context, body []byte, c *Client) []byte {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if !s.cfg.Dialect.Batches {
			return marshalResponse("1.0", nil, nil, errInvalidRequest)
		}
		var batch []json.RawMessage
		if err := json.Unmarshal(body, &batch); err != nil {
			return marshalResponse("1.0", nil, nil, errParse)
		}
		if len(batch) == 0 {
			return marshalResponse("1.0", nil, nil, errInvalidRequest)
		}
		var out [][]byte
		for _, one := range batch {
			if r := s.serveOne(ctx, one, c); r != nil {
				out = append(out, r)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return append(append([]byte{'['}, bytes.Join(out, []byte{','})...), ']')
	}
	return s.serveOne(ctx, body, c)
}

func (s *Server) serveOne(ctx context.Context, body []byte, c *Client) []byte {
	var req request
	if err := json.Unmarshal(body, &req); err != nil {
		return marshalResponse("1.0", nil, nil, errParse)
	}
	if !req.hasID() {
		return nil // a JSON-RPC notification: never answered
	}
	if c == nil && req.Method == "authenticate" && s.cfg.Dialect.DropPOSTAuthenticate {
		return nil
	}
	result, err := s.dispatch(ctx, &req, c)
	var rerr *Error
	if err != nil {
		rerr = asRPCError(err)
		if rerr.Code == ErrCodeInternal {
			s.log.Error("RPC handler failed", "method", req.Method, "err", err)
		} else {
			s.log.Debug("RPC error reply", "method", req.Method, "code", rerr.Code, "msg", rerr.Message)
		}
	}
	return marshalResponse(req.version(), req.ID, result, rerr)
}

func (s *Server) dispatch(ctx context.Context, req *request, c *Client) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("RPC handler panicked", "method", req.Method, "panic", r)
			result, err = nil, &Error{Code: ErrCodeInternal, Message: fmt.Sprintf("internal error in %s", req.Method)}
		}
	}()
	if req.Method == "" {
		return nil, errInvalidRequest
	}
	params := Params{raw: req.Params, dialect: &s.cfg.Dialect}
	m, ok := s.methods[req.Method]
	if !ok || (m.WebsocketOnly && c == nil) {
		if !ok && s.fallback != nil {
			return s.fallback(ctx, &Call{Method: req.Method, Params: params, Client: c})
		}
		return nil, errMethodNotFound
	}
	if e := checkCount(m, len(req.Params), &s.cfg.Dialect); e != nil {
		return nil, e
	}
	params.names = m.Params
	params.req = m.Required
	return m.Handler(ctx, &Call{Method: req.Method, Params: params, Client: c})
}
