package rpcjson

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeRequest: arbitrary bytes never panic, and a decoded request
// re-encodes to JSON that decodes to the same method and param count.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"1.0","id":1,"method":"getbestblock","params":[]}`,
		`{"id":null,"method":"x"}`, `[]`, `{`, `{"params":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, rerr := DecodeRequest(data)
		if rerr != nil {
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		r2, rerr := DecodeRequest(b)
		if rerr != nil || r2.Method != r.Method || len(r2.Params) != len(r.Params) {
			t.Fatalf("round trip %s → %s: %v", data, b, rerr)
		}
	})
}

// FuzzNotificationParams: notification parsers never panic on any params.
func FuzzNotificationParams(f *testing.F) {
	f.Add([]byte(`["` + hashA + `",1,{"0":"` + hashB + `"}]`))
	f.Add([]byte(`["` + hashA + `",1,5,{"` + hashB + `":"spent"}]`))
	f.Add([]byte(`["00",null]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p []json.RawMessage
		if json.Unmarshal(data, &p) != nil {
			return
		}
		_, _ = ParseWinningTickets(p)
		_, _ = ParseSpentAndMissedTickets(p)
		_, _ = ParseNewTickets(p)
		_, _ = ParseBlockConnected(p)
		_, _ = ParseBlockDisconnected(p)
		_, _ = ParseStakeDifficulty(p)
	})
}

// FuzzMessage: any frame a client receives decodes or fails cleanly, and
// the accessors used to route it never panic.
func FuzzMessage(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"1.0","result":null,"error":{"code":-5,"message":"x"},"id":3}`))
	f.Add([]byte(`{"jsonrpc":"1.0","method":"winningtickets","params":[],"id":null}`))
	f.Add([]byte(`{"id":"18446744073709551616"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Message
		if json.Unmarshal(data, &m) != nil {
			return
		}
		_ = m.IsNotification()
		r := m.Response()
		_, _ = r.IDUint64()
		var v any
		_ = r.UnmarshalResult(&v)
	})
}
