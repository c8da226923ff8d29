package rpcserver

import (
	"context"
	"encoding/json"
	"testing"
)

// FuzzServeBody feeds arbitrary request bodies to the dispatcher: every
// input must produce valid JSON (or no reply) and never panic.
func FuzzServeBody(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"1.0","id":1,"method":"echo","params":["a",1]}`,
		`[{"jsonrpc":"1.0","id":1,"method":"echo","params":["a"]}]`,
		`{"jsonrpc":"1.0","id":1,"method":"echo","params":[null,true]}`,
		`{"id":null}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	s := New(Config{Dialect: NodeDialect})
	s.Register(Method{Name: "echo", Params: []string{"text", "n"}, Required: 1, Handler: func(ctx context.Context, c *Call) (any, error) {
		t := c.Params.String(0)
		n := c.Params.OptInt(1, 0)
		return []any{t, n}, c.Params.Err()
	}})
	f.Fuzz(func(t *testing.T, body []byte) {
		reply := s.serveBody(context.Background(), body, nil)
		if reply != nil && !json.Valid(reply) {
			t.Fatalf("invalid JSON reply %q for %q", reply, body)
		}
	})
}
