package rpcjson

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// example is one message of the worked examples of the RPC reference (§6),
// copied into testdata/examples.json. Direction "client" is a request,
// "server" a reply or notification.
type example struct {
	Example   string `json:"example"`
	Direction string `json:"direction"`
	Raw       string `json:"raw"`
}

func loadExamples(t *testing.T) []example {
	t.Helper()
	b, err := os.ReadFile("testdata/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex []example
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

// jsonEqual compares two JSON texts as values (ignoring key order).
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("bad json %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("bad json %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// TestExampleRequests rebuilds every client request of the examples with
// NewRequest and checks the result equals the example.
func TestExampleRequests(t *testing.T) {
	for _, ex := range loadExamples(t) {
		if ex.Direction != "client" {
			continue
		}
		req, rerr := DecodeRequest([]byte(ex.Raw))
		if rerr != nil {
			t.Fatalf("%s: decode: %v", ex.Example, rerr)
		}
		id, ok := req.IDUint64()
		if !ok || req.IsNotification() {
			t.Fatalf("%s: id %s", ex.Example, req.ID)
		}
		params := make([]any, len(req.Params))
		for i, p := range req.Params {
			params[i] = p
		}
		rebuilt, err := NewRequest(id, req.Method, params...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(rebuilt)
		if err != nil {
			t.Fatal(err)
		}
		if !jsonEqual(t, b, []byte(ex.Raw)) {
			t.Errorf("%s: rebuilt %s\nwant %s", ex.Example, b, ex.Raw)
		}
	}
}

// resultTypes maps the id of each example reply to the typed result it
// decodes into.
var resultTypes = map[uint64]func() any{
	2:  func() any { return new(map[string]VersionResult) },
	5:  func() any { return new(GetBlockHeaderVerboseResult) },
	6:  func() any { return new(string) },
	7:  func() any { return new(string) },
	8:  func() any { return new(ValidateAddressWalletResult) },
	9:  func() any { return new(CreateMultisigResult) },
	11: func() any { return new(ValidateAddressWalletResult) },
	12: func() any { return new(StakePoolUserInfoResult) },
	13: func() any { return new(GenerateVoteResult) },
	14: func() any { return new(WalletInfoResult) },
	15: func() any { return new(GetStakeInfoResult) },
	16: func() any { return new(GetTicketsResult) },
}

// TestExampleReplies decodes every reply into its typed result, re-encodes
// it with NewResponse and requires the exact bytes of the example: field
// names, order, omitted fields and number formatting all match.
func TestExampleReplies(t *testing.T) {
	seen := 0
	for _, ex := range loadExamples(t) {
		if ex.Direction != "server" {
			continue
		}
		var msg Message
		if err := json.Unmarshal([]byte(ex.Raw), &msg); err != nil {
			t.Fatalf("%s: %v", ex.Example, err)
		}
		if msg.IsNotification() {
			continue
		}
		seen++
		resp := msg.Response()
		id, _ := resp.IDUint64()
		var result any
		if resp.Error == nil {
			if mk, ok := resultTypes[id]; ok {
				result = mk()
				if err := resp.UnmarshalResult(result); err != nil {
					t.Fatalf("%s id %d: %v", ex.Example, id, err)
				}
			} else if !bytes.Equal(resp.Result, jsonNull) {
				t.Fatalf("%s id %d: no result type for %s", ex.Example, id, resp.Result)
			}
		} else if err := resp.UnmarshalResult(nil); !IsCode(err, resp.Error.Code) {
			t.Fatalf("%s: error not returned: %v", ex.Example, err)
		}
		var rerr error
		if resp.Error != nil {
			rerr = resp.Error
		}
		out, err := NewResponse(resp.ID, result, rerr)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		// The examples' <placeholders> come back HTML-escaped, as from any
		// Go daemon; undo that before comparing bytes.
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte(`\u003c`), []byte("<")), []byte(`\u003e`), []byte(">"))
		if string(b) != ex.Raw {
			t.Errorf("%s id %d:\n got %s\nwant %s", ex.Example, id, b, ex.Raw)
		}
	}
	if seen < 15 {
		t.Fatalf("only %d replies checked", seen)
	}
}

// TestExampleNotifications parses each notification with its Parse* and
// re-encodes it with Params + NewNotification.
func TestExampleNotifications(t *testing.T) {
	type ntfn interface {
		Params() ([]json.RawMessage, error)
	}
	parsers := map[string]func([]json.RawMessage) (ntfn, error){
		NtfnWinningTickets: func(p []json.RawMessage) (ntfn, error) { return ParseWinningTickets(p) },
		NtfnBlockConnected: func(p []json.RawMessage) (ntfn, error) { return ParseBlockConnected(p) },
		NtfnSpentAndMissedTickets: func(p []json.RawMessage) (ntfn, error) {
			return ParseSpentAndMissedTickets(p)
		},
		NtfnNewTickets: func(p []json.RawMessage) (ntfn, error) { return ParseNewTickets(p) },
	}
	seen := map[string]bool{}
	for _, ex := range loadExamples(t) {
		var msg Message
		if err := json.Unmarshal([]byte(ex.Raw), &msg); err != nil {
			t.Fatal(err)
		}
		if !msg.IsNotification() {
			continue
		}
		parse, ok := parsers[msg.Method]
		if !ok {
			t.Fatalf("no parser for %s", msg.Method)
		}
		n, err := parse(msg.Params)
		if err != nil {
			t.Fatalf("%s: %v", msg.Method, err)
		}
		params, err := n.Params()
		if err != nil {
			t.Fatal(err)
		}
		args := make([]any, len(params))
		for i := range params {
			args[i] = params[i]
		}
		req, err := NewNotification(msg.Method, args...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		// Maps are written with sorted keys, so compare as values; the
		// envelope order is checked on the prefix.
		if !jsonEqual(t, b, []byte(ex.Raw)) {
			t.Errorf("%s:\n got %s\nwant %s", msg.Method, b, ex.Raw)
		}
		prefix := `{"jsonrpc":"1.0","method":"` + msg.Method + `","params":[`
		if !bytes.HasPrefix(b, []byte(prefix)) || !bytes.HasSuffix(b, []byte(`],"id":null}`)) {
			t.Errorf("%s: envelope order: %s", msg.Method, b)
		}
		seen[msg.Method] = true
	}
	if len(seen) != len(parsers) {
		t.Fatalf("notifications seen: %v", seen)
	}
}

// TestExampleNotificationValues checks the decoded values of the examples.
func TestExampleNotificationValues(t *testing.T) {
	byMethod := map[string]*Message{}
	for _, ex := range loadExamples(t) {
		var msg Message
		if err := json.Unmarshal([]byte(ex.Raw), &msg); err != nil {
			t.Fatal(err)
		}
		if msg.IsNotification() {
			byMethod[msg.Method] = &msg
		}
	}
	const block = "0000000000000000887152c7800bcbf02a286b8c56ecc19cb5453b163904c85c"
	w, err := ParseWinningTickets(byMethod[NtfnWinningTickets].Params)
	if err != nil {
		t.Fatal(err)
	}
	if w.BlockHash != block || w.BlockHeight != 400000 || len(w.Tickets) != 5 ||
		w.Tickets[0] != "83309876da3e34d6eaeb06df1a38f8cba9786d8a2e30e849f6412b78a71c0b78" ||
		w.Tickets[4] != "699f75a675dc4ec8a7c3002782673cc12a7361d9e6ca88cd25977d0335483387" {
		t.Errorf("winningtickets: %+v", w)
	}
	bc, err := ParseBlockConnected(byMethod[NtfnBlockConnected].Params)
	if err != nil {
		t.Fatal(err)
	}
	// Height at offset 128, little-endian: 400000.
	h := uint32(bc.Header[128]) | uint32(bc.Header[129])<<8 | uint32(bc.Header[130])<<16 | uint32(bc.Header[131])<<24
	if h != 400000 || bc.SubscribedTxs != nil {
		t.Errorf("blockconnected height %d txs %v", h, bc.SubscribedTxs)
	}
	sm, err := ParseSpentAndMissedTickets(byMethod[NtfnSpentAndMissedTickets].Params)
	if err != nil {
		t.Fatal(err)
	}
	if sm.StakeDiff != 10000000000 || len(sm.Spent()) != 1 || len(sm.Missed()) != 1 ||
		sm.Missed()[0] != "2d24b4913a6702dd84567234ca5cd94de15422edb1f1f32d3b39acdca4eb588a" {
		t.Errorf("spentandmissed: %+v", sm)
	}
	nt, err := ParseNewTickets(byMethod[NtfnNewTickets].Params)
	if err != nil {
		t.Fatal(err)
	}
	if nt.StakeDiff != 10000000000 || nt.BlockHeight != 400000 || len(nt.Tickets) != 1 {
		t.Errorf("newtickets: %+v", nt)
	}
}
