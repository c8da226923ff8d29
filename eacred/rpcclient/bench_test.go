package rpcclient

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// BenchmarkGetBestBlock measures one getbestblock round trip over TLS
// websocket to the in-test daemon (encode, write, server decode + answer,
// read, match by id, decode).
func BenchmarkGetBestBlock(b *testing.B) {
	d := newBenchDaemon(b)
	c := d.client(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, _, err := c.GetBestBlock(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetBestBlockParallel runs many callers on one connection.
func BenchmarkGetBestBlockParallel(b *testing.B) {
	d := newBenchDaemon(b)
	c := d.client(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := c.GetBestBlock(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

type benchDaemon struct{ *fakeDaemon }

func newBenchDaemon(b *testing.B) benchDaemon {
	d := newFakeDaemon(b)
	d.handle(rpcjson.MethodGetBestBlock, func([]json.RawMessage) (any, error) {
		return rpcjson.GetBestBlockResult{Hash: hashA, Height: 400000}, nil
	})
	return benchDaemon{d}
}

func (d benchDaemon) client(b *testing.B) *Client {
	c, err := Dial(context.Background(), d.config())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c
}
