package rpcclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// conn is one websocket connection: a reader goroutine that routes answers
// to waiting callers and notifications to the dispatcher, a pinger, and a
// table of calls in flight.
type conn struct {
	ws    *websocket.Conn
	ntfns *dispatcher

	writeMu sync.Mutex // gorilla allows one writer at a time

	mu      sync.Mutex
	pending map[uint64]chan *rpcjson.Response
	err     error // why the connection ended; set once
	done    chan struct{}
}

func newConn(ws *websocket.Conn, ntfns *dispatcher, ping time.Duration) *conn {
	cn := &conn{ws: ws, ntfns: ntfns, pending: map[uint64]chan *rpcjson.Response{},
		done: make(chan struct{})}
	ws.SetReadLimit(maxMessageSize)
	if ping > 0 {
		extend := func() { _ = ws.SetReadDeadline(time.Now().Add(2 * ping)) }
		extend()
		ws.SetPongHandler(func(string) error { extend(); return nil })
		go cn.pinger(ping)
	}
	go cn.reader(ping)
	return cn
}

// roundTrip sends one encoded request and waits for the answer with its id.
func (cn *conn) roundTrip(ctx context.Context, id uint64, req []byte) (*rpcjson.Response, error) {
	ch := make(chan *rpcjson.Response, 1)
	cn.mu.Lock()
	if cn.err != nil {
		err := cn.err
		cn.mu.Unlock()
		return nil, err
	}
	cn.pending[id] = ch
	cn.mu.Unlock()
	forget := func() {
		cn.mu.Lock()
		delete(cn.pending, id)
		cn.mu.Unlock()
	}
	if err := cn.write(websocket.TextMessage, req); err != nil {
		forget()
		cn.close(fmt.Errorf("%w: write: %v", ErrConnectionLost, err))
		return nil, cn.cause()
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-ctx.Done():
		forget()
		return nil, ctx.Err()
	case <-cn.done:
		select { // an answer that raced the close still counts
		case resp := <-ch:
			return resp, nil
		default:
		}
		return nil, cn.cause()
	}
}

func (cn *conn) write(kind int, data []byte) error {
	cn.writeMu.Lock()
	defer cn.writeMu.Unlock()
	_ = cn.ws.SetWriteDeadline(time.Now().Add(defaultWriteTimeout))
	return cn.ws.WriteMessage(kind, data)
}

func (cn *conn) reader(ping time.Duration) {
	for {
		_, data, err := cn.ws.ReadMessage()
		if err != nil {
			cn.close(fmt.Errorf("%w: %v", ErrConnectionLost, err))
			return
		}
		if ping > 0 {
			_ = cn.ws.SetReadDeadline(time.Now().Add(2 * ping))
		}
		var msg rpcjson.Message
		if err := json.Unmarshal(data, &msg); err != nil {
			cn.ntfns.log.Warnf("RPC: ignoring undecodable message: %v", err)
			continue
		}
		if msg.IsNotification() {
			cn.ntfns.enqueue(msg.Method, msg.Params)
			continue
		}
		id, ok := msg.Response().IDUint64()
		if !ok {
			cn.ntfns.log.Warnf("RPC: ignoring answer with unknown id %s", msg.ID)
			continue
		}
		cn.mu.Lock()
		ch := cn.pending[id]
		delete(cn.pending, id)
		cn.mu.Unlock()
		if ch != nil {
			ch <- msg.Response()
		}
	}
}

func (cn *conn) pinger(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			cn.writeMu.Lock()
			err := cn.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(defaultWriteTimeout))
			cn.writeMu.Unlock()
			if err != nil {
				cn.close(fmt.Errorf("%w: ping: %v", ErrConnectionLost, err))
				return
			}
		case <-cn.done:
			return
		}
	}
}

// close ends the connection once, failing every call in flight with err.
func (cn *conn) close(err error) {
	cn.mu.Lock()
	if cn.err != nil {
		cn.mu.Unlock()
		return
	}
	cn.err = err
	cn.pending = map[uint64]chan *rpcjson.Response{}
	close(cn.done)
	cn.mu.Unlock()
	if errors.Is(err, ErrClientClosed) {
		cn.writeMu.Lock()
		_ = cn.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		cn.writeMu.Unlock()
	}
	_ = cn.ws.Close()
}

func (cn *conn) cause() error {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.err
}
