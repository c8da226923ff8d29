package rpcjson

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	hashA = "83309876da3e34d6eaeb06df1a38f8cba9786d8a2e30e849f6412b78a71c0b78"
	hashB = "2d24b4913a6702dd84567234ca5cd94de15422edb1f1f32d3b39acdca4eb588a"
)

func params(t *testing.T, s string) []json.RawMessage {
	t.Helper()
	var p []json.RawMessage
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWinningTicketsOrder(t *testing.T) {
	// Keys out of order and beyond 9 sort numerically, not as strings.
	in := `["` + hashA + `",10,{"10":"` + hashB + `","2":"` + hashA + `"}]`
	n, err := ParseWinningTickets(params(t, in))
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Tickets) != 2 || n.Tickets[0] != hashA || n.Tickets[1] != hashB {
		t.Fatalf("%v", n.Tickets)
	}
}

func TestNotificationBadInput(t *testing.T) {
	header := `"` + strings.Repeat("00", 180) + `"`
	tests := []struct {
		name  string
		parse func([]json.RawMessage) error
		in    string
	}{
		{"winning count", wrap(ParseWinningTickets), `["` + hashA + `",1]`},
		{"winning bad hash", wrap(ParseWinningTickets), `["zz",1,{}]`},
		{"winning key", wrap(ParseWinningTickets), `["` + hashA + `",1,{"x":"` + hashA + `"}]`},
		{"winning dup key", wrap(ParseWinningTickets), `["` + hashA + `",1,{"1":"` + hashA + `","01":"` + hashB + `"}]`},
		{"winning ticket hash", wrap(ParseWinningTickets), `["` + hashA + `",1,{"0":"abc"}]`},
		{"winning height", wrap(ParseWinningTickets), `["` + hashA + `","1",{}]`},
		{"winning height range", wrap(ParseWinningTickets), `["` + hashA + `",9999999999,{}]`},
		{"spent status", wrap(ParseSpentAndMissedTickets), `["` + hashA + `",1,5,{"` + hashB + `":"lost"}]`},
		{"spent diff", wrap(ParseSpentAndMissedTickets), `["` + hashA + `",1,1.5,{}]`},
		{"new tickets", wrap(ParseNewTickets), `["` + hashA + `",1,5,["nothex"]]`},
		{"new tickets count", wrap(ParseNewTickets), `["` + hashA + `",1,5]`},
		{"connected short header", wrap(ParseBlockConnected), `["00",null]`},
		{"connected bad tx", wrap(ParseBlockConnected), `[` + header + `,["zz"]]`},
		{"connected count", wrap(ParseBlockConnected), `[` + header + `]`},
		{"disconnected", wrap(ParseBlockDisconnected), `[5]`},
		{"stakediff", wrap(ParseStakeDifficulty), `["` + hashA + `",1,"x"]`},
	}
	for _, tc := range tests {
		if err := tc.parse(params(t, tc.in)); err == nil {
			t.Errorf("%s: accepted %s", tc.name, tc.in)
		}
	}
}

func wrap[T any](f func([]json.RawMessage) (T, error)) func([]json.RawMessage) error {
	return func(p []json.RawMessage) error { _, err := f(p); return err }
}

func TestNotificationRoundTrips(t *testing.T) {
	hdr := make([]byte, 180)
	hdr[128] = 7
	bc := &BlockConnectedNtfn{Header: hdr, SubscribedTxs: [][]byte{{1, 2}, {3}}}
	p, err := bc.Params()
	if err != nil {
		t.Fatal(err)
	}
	bc2, err := ParseBlockConnected(p)
	if err != nil || len(bc2.SubscribedTxs) != 2 || bc2.SubscribedTxs[1][0] != 3 || bc2.Header[128] != 7 {
		t.Fatalf("%v %+v", err, bc2)
	}
	// No subscribed txs → JSON null, as the node sends.
	p, _ = (&BlockConnectedNtfn{Header: hdr}).Params()
	if string(p[1]) != "null" {
		t.Errorf("empty txs sent as %s", p[1])
	}
	sd := &StakeDifficultyNtfn{BlockHash: hashA, BlockHeight: 8, StakeDiff: 20000}
	p, _ = sd.Params()
	sd2, err := ParseStakeDifficulty(p)
	if err != nil || *sd2 != *sd {
		t.Fatalf("%v %+v", err, sd2)
	}
	nt := &NewTicketsNtfn{BlockHash: hashA, BlockHeight: 40, StakeDiff: 20000}
	p, _ = nt.Params()
	if string(p[3]) != "[]" {
		t.Errorf("empty tickets sent as %s", p[3])
	}
	sm := &SpentAndMissedTicketsNtfn{BlockHash: hashA, BlockHeight: 40}
	p, _ = sm.Params()
	if string(p[3]) != "{}" {
		t.Errorf("empty map sent as %s", p[3])
	}
	w := &WinningTicketsNtfn{BlockHash: hashA, BlockHeight: 150, Tickets: []string{hashB, hashA}}
	p, _ = w.Params()
	if string(p[2]) != `{"0":"`+hashB+`","1":"`+hashA+`"}` {
		t.Errorf("winners sent as %s", p[2])
	}
	dis := &BlockDisconnectedNtfn{Header: hdr}
	p, _ = dis.Params()
	if d2, err := ParseBlockDisconnected(p); err != nil || len(d2.Header) != 180 {
		t.Fatal(err)
	}
}
