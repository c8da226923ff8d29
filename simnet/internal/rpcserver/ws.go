package rpcserver

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// maxQueued bounds one client's outbound queue; a client that falls this
// far behind is disconnected rather than growing memory without limit.
const maxQueued = 1 << 16

const writeWait = 10 * time.Second

// Client is one websocket connection. Handlers use it to register for
// notifications and to keep per-connection state (e.g. a tx filter).
type Client struct {
	ID     uint64
	Remote string // the peer's address, for traces and logs
	srv    *Server
	conn   *websocket.Conn

	mu     sync.Mutex
	queue  []outMsg
	wake   chan struct{}
	done   chan struct{}
	closed bool
	subs   map[string]bool
	values map[string]any
}

// Subscribe registers the client for a notification topic.
func (c *Client) Subscribe(topic string) {
	c.mu.Lock()
	c.subs[topic] = true
	c.mu.Unlock()
}

// Unsubscribe removes a topic registration.
func (c *Client) Unsubscribe(topic string) {
	c.mu.Lock()
	delete(c.subs, topic)
	c.mu.Unlock()
}

// Subscribed reports whether the client registered for topic.
func (c *Client) Subscribed(topic string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.subs[topic]
}

// Set stores a per-connection value.
func (c *Client) Set(key string, v any) {
	c.mu.Lock()
	c.values[key] = v
	c.mu.Unlock()
}

// Get reads a per-connection value.
func (c *Client) Get(key string) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[key]
}

// outMsg is one queued message; written, when set, is called with the
// time the writer starts writing it to the connection.
type outMsg struct {
	data    []byte
	written func(time.Time)
}

// Send queues a raw message (a marshaled notification) for the client.
func (c *Client) Send(msg []byte) { c.send(outMsg{data: msg}) }

// SendTraced is Send that calls written, on the client's writer
// goroutine, with the time the write of msg to the socket starts (just
// before it, so the call has returned before the peer can have read msg).
// It is not called when the message is dropped (the client closed).
func (c *Client) SendTraced(msg []byte, written func(time.Time)) {
	c.send(outMsg{data: msg, written: written})
}

func (c *Client) send(msg outMsg) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	if len(c.queue) >= maxQueued {
		c.mu.Unlock()
		c.srv.log.Warn("websocket client too slow; disconnecting", "client", c.ID)
		c.close()
		return
	}
	c.queue = append(c.queue, msg)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Done is closed when the connection ends.
func (c *Client) Done() <-chan struct{} { return c.done }

func (c *Client) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.queue = nil
	c.mu.Unlock()
	close(c.done)
	_ = c.conn.Close() // the connection is done either way
}

// writer drains the queue in order.
func (c *Client) writer() {
	for {
		select {
		case <-c.done:
			return
		case <-c.wake:
		}
		for {
			c.mu.Lock()
			if c.closed || len(c.queue) == 0 {
				c.mu.Unlock()
				break
			}
			msg := c.queue[0]
			c.queue[0] = outMsg{}
			c.queue = c.queue[1:]
			c.mu.Unlock()
			if msg.written != nil {
				// Before the write: the peer may answer before this
				// goroutine runs again after it.
				msg.written(time.Now())
			}
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait)) // fails only once closed; the write below then fails too
			if err := c.conn.WriteMessage(websocket.TextMessage, msg.data); err != nil {
				c.close()
				return
			}
		}
	}
}

// Notify sends a notification to every client subscribed to topic, in call
// order relative to other Notify calls made from the same goroutine.
func (s *Server) Notify(topic, method string, params ...any) error {
	msg, err := MarshalNotification(method, params...)
	if err != nil {
		return err
	}
	for _, c := range s.subscribers(topic) {
		c.Send(msg)
	}
	return nil
}

// NotifyTraced is Notify that reports, for each subscribed client, when
// the notification's write to its socket started (see Client.SendTraced).
func (s *Server) NotifyTraced(topic, method string, written func(c *Client, at time.Time), params ...any) error {
	msg, err := MarshalNotification(method, params...)
	if err != nil {
		return err
	}
	for _, c := range s.subscribers(topic) {
		c.SendTraced(msg, func(at time.Time) { written(c, at) })
	}
	return nil
}

// NotifyEach builds a per-client notification (e.g. blockconnected, whose
// second parameter depends on the client's filter); build returns the
// params for that client, or nil to send that client nothing.
func (s *Server) NotifyEach(topic, method string, build func(c *Client) []any) error {
	for _, c := range s.subscribers(topic) {
		params := build(c)
		if params == nil {
			continue
		}
		msg, err := MarshalNotification(method, params...)
		if err != nil {
			return err
		}
		c.Send(msg)
	}
	return nil
}

// HasSubscribers reports whether any client listens on topic.
func (s *Server) HasSubscribers(topic string) bool { return len(s.subscribers(topic)) > 0 }

func (s *Server) subscribers(topic string) []*Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Client
	for c := range s.clients {
		if c.Subscribed(topic) {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	authHeader := r.Header.Get("Authorization")
	authed := false
	if authHeader != "" {
		if !s.authorized(authHeader) {
			s.unauthorized(w)
			return
		}
		authed = true
	}
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Debug("websocket upgrade failed", "err", err)
		return
	}
	conn.SetReadLimit(maxBodyBytes)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = conn.Close() // the error returned below is the one to report
		return
	}
	s.nextID++
	c := &Client{ID: s.nextID, Remote: r.RemoteAddr, srv: s, conn: conn, wake: make(chan struct{}, 1),
		done: make(chan struct{}), subs: make(map[string]bool), values: make(map[string]any)}
	s.clients[c] = struct{}{}
	s.mu.Unlock()
	s.log.Debug("websocket client connected", "client", c.ID, "remote", r.RemoteAddr)

	s.wg.Add(1)
	go func() { defer s.wg.Done(); c.writer() }()
	s.reader(c, authed)

	c.close()
	s.mu.Lock()
	delete(s.clients, c)
	s.mu.Unlock()
	s.log.Debug("websocket client disconnected", "client", c.ID)
}

// reader serves requests until the socket closes. Requests run
// concurrently; replies and notifications share the client's queue.
func (s *Server) reader(c *Client, authed bool) {
	ctx, cancel := context.WithCancel(s.baseCtx)
	defer cancel()
	var handlers sync.WaitGroup
	defer handlers.Wait()
	for {
		_, msg, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		if !authed || isAuthenticate(msg) {
			// The first message on an unauthenticated socket must be a
			// correct authenticate; anything else (including a second
			// authenticate) closes the socket without a reply.
			if authed || !s.authenticate(c, msg) {
				return
			}
			authed = true
			continue
		}
		handlers.Add(1)
		go func() {
			defer handlers.Done()
			if reply := s.serveBody(ctx, msg, c); reply != nil {
				c.Send(reply)
			}
		}()
	}
}

func isAuthenticate(msg []byte) bool {
	var probe struct {
		Method string `json:"method"`
	}
	return json.Unmarshal(msg, &probe) == nil && probe.Method == "authenticate"
}

func (s *Server) authenticate(c *Client, msg []byte) bool {
	var req request
	if json.Unmarshal(msg, &req) != nil || req.Method != "authenticate" || len(req.Params) != 2 {
		return false
	}
	var user, pass string
	if json.Unmarshal(req.Params[0], &user) != nil || json.Unmarshal(req.Params[1], &pass) != nil {
		return false
	}
	if !s.authorized(basicAuth(user, pass)) {
		return false
	}
	if req.hasID() {
		c.Send(marshalResponse(req.version(), req.ID, nil, nil))
	}
	return true
}
