package rpcjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		code    ErrorCode // 0 = success
		method  string
		nparams int
		notif   bool
	}{
		{"ok", `{"jsonrpc":"1.0","id":1,"method":"getbestblock","params":[]}`, 0, "getbestblock", 0, false},
		{"missing params", `{"jsonrpc":"1.0","id":"a","method":"getblockcount"}`, 0, "getblockcount", 0, false},
		{"null params", `{"jsonrpc":"1.0","id":1,"method":"getblockcount","params":null}`, 0, "getblockcount", 0, false},
		{"two params", `{"id":1,"method":"getblockheader","params":["h",true]}`, 0, "getblockheader", 2, false},
		{"notification", `{"jsonrpc":"1.0","method":"x","params":[],"id":null}`, 0, "x", 0, true},
		{"no id", `{"jsonrpc":"1.0","method":"x","params":[]}`, 0, "x", 0, true},
		{"bad json", `{"jsonrpc":"1.0",`, ErrCodeParse, "", 0, false},
		{"garbage", `hello`, ErrCodeParse, "", 0, false},
		{"array", `[1,2]`, ErrCodeInvalidRequest, "", 0, false},
		{"params object", `{"id":1,"method":"x","params":{"a":1}}`, ErrCodeInvalidRequest, "", 0, false},
		{"method number", `{"id":1,"method":5,"params":[]}`, ErrCodeInvalidRequest, "", 0, false},
		{"empty method", `{"id":1,"method":"","params":[]}`, ErrCodeInvalidRequest, "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, rerr := DecodeRequest([]byte(tc.in))
			if tc.code != 0 {
				if rerr == nil || rerr.Code != tc.code {
					t.Fatalf("got %v, want code %d", rerr, tc.code)
				}
				return
			}
			if rerr != nil {
				t.Fatal(rerr)
			}
			if r.Method != tc.method || len(r.Params) != tc.nparams || r.IsNotification() != tc.notif {
				t.Fatalf("got %+v", r)
			}
		})
	}
}

func TestRequestMarshal(t *testing.T) {
	tests := []struct {
		req  Request
		want string
	}{
		{Request{JSONRPC: "1.0", Method: "getbestblock", ID: json.RawMessage("3")},
			`{"jsonrpc":"1.0","method":"getbestblock","params":[],"id":3}`},
		{Request{JSONRPC: "1.0", Method: "winningtickets"},
			`{"jsonrpc":"1.0","method":"winningtickets","params":[],"id":null}`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(tc.req)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("got %s want %s", b, tc.want)
		}
	}
	r, err := NewRequest(7, MethodGetBlockHeader, "abc", true)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	if want := `{"jsonrpc":"1.0","method":"getblockheader","params":["abc",true],"id":7}`; string(b) != want {
		t.Errorf("got %s", b)
	}
	if _, err := NewRequest(1, "x", func() {}); err == nil {
		t.Error("unmarshalable param accepted")
	}
}

func TestResponse(t *testing.T) {
	tests := []struct {
		name   string
		result any
		err    error
		want   string
	}{
		{"null", nil, nil, `{"jsonrpc":"1.0","result":null,"error":null,"id":4}`},
		{"value", GetBestBlockResult{Hash: "ab", Height: 3}, nil, `{"jsonrpc":"1.0","result":{"hash":"ab","height":3},"error":null,"id":4}`},
		{"raw", json.RawMessage(`"05"`), nil, `{"jsonrpc":"1.0","result":"05","error":null,"id":4}`},
		{"rpc error", "ignored", ErrMethodNotFound(), `{"jsonrpc":"1.0","result":null,"error":{"code":-32601,"message":"Method not found"},"id":4}`},
		{"wrapped rpc error", nil, fmt.Errorf("ctx: %w", ErrDuplicateTx("aa")), `{"jsonrpc":"1.0","result":null,"error":{"code":-40,"message":"rejected transaction aa: already have transaction aa"},"id":4}`},
		{"plain error", nil, errors.New("boom"), `{"jsonrpc":"1.0","result":null,"error":{"code":-32603,"message":"boom"},"id":4}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewResponse(json.RawMessage("4"), tc.result, tc.err)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(r)
			if string(b) != tc.want {
				t.Errorf("got %s want %s", b, tc.want)
			}
		})
	}
	if _, err := NewResponse(json.RawMessage("1"), make(chan int), nil); err == nil {
		t.Error("unmarshalable result accepted")
	}
}

func TestResponseUnmarshalResult(t *testing.T) {
	var m Message
	if err := json.Unmarshal([]byte(`{"jsonrpc":"1.0","result":null,"error":{"code":-5,"message":"Block not found"},"id":"9"}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.IsNotification() {
		t.Fatal("response seen as notification")
	}
	resp := m.Response()
	if id, ok := resp.IDUint64(); !ok || id != 9 {
		t.Fatalf("id %d %v", id, ok)
	}
	var out GetBestBlockResult
	err := resp.UnmarshalResult(&out)
	var re *RPCError
	if !errors.As(err, &re) || re.Code != ErrCodeBlockNotFound || re.Error() != "-5: Block not found" {
		t.Fatalf("got %v", err)
	}
	bad := &Response{Result: json.RawMessage(`"x"`)}
	if err := bad.UnmarshalResult(&out); err == nil || errors.As(err, &re) {
		t.Fatalf("type mismatch: %v", err)
	}
}

func TestErrorHelpers(t *testing.T) {
	if !IsDuplicateTx(fmt.Errorf("send: %w", ErrDuplicateTx("h"))) || IsDuplicateTx(ErrRejectedTx("h", "bad")) {
		t.Error("IsDuplicateTx")
	}
	if IsDuplicateTx(nil) || AsRPCError(nil) != nil {
		t.Error("nil handling")
	}
	e := ErrParamParse("wrong number of params (expected %d, received %d)", 1, 0)
	if e.Code != -8 || !strings.HasPrefix(e.Message, "Failed to parse request: wrong") {
		t.Errorf("%v", e)
	}
	codes := map[ErrorCode]int{ErrCodeParse: -32700, ErrCodeInvalidRequest: -32600, ErrCodeMethodNotFound: -32601,
		ErrCodeInvalidParams: -32602, ErrCodeInternal: -32603, ErrCodeMisc: -1, ErrCodeWallet: -4,
		ErrCodeInvalidAddrOrKey: -5, ErrCodeInsufficientFunds: -6, ErrCodeInvalidParameter: -8,
		ErrCodeClientNotConnected: -9, ErrCodeWalletInvalidAccountName: -11, ErrCodeWalletUnlockNeeded: -13,
		ErrCodeWalletPassphraseIncorrect: -14, ErrCodeDeserialization: -22, ErrCodeDuplicateTx: -40}
	for c, v := range codes {
		if int(c) != v {
			t.Errorf("code %d want %d", c, v)
		}
	}
}

func TestUnmarshalParams(t *testing.T) {
	specs := func(hash *string, verbose *int) []Param {
		return []Param{{"txid", hash}, {"verbose", verbose}}
	}
	tests := []struct {
		in      string
		wantErr string
		verbose int
	}{
		{`["aa"]`, "", 0},
		{`["aa",1]`, "", 1},
		{`["aa",null]`, "", 0},
		{`[]`, "Failed to parse request: wrong number of params (expected between 1 and 2, received 0)", 0},
		{`["aa",1,2]`, "Failed to parse request: wrong number of params (expected between 1 and 2, received 3)", 0},
		{`["aa",true]`, "Failed to parse request: parameter #2 'verbose' must be type int (got bool)", 0},
		{`[5]`, "Failed to parse request: parameter #1 'txid' must be type string (got number)", 0},
	}
	for _, tc := range tests {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(tc.in), &raw); err != nil {
			t.Fatal(err)
		}
		var hash string
		var verbose int
		err := UnmarshalParams(raw, 1, specs(&hash, &verbose)...)
		if tc.wantErr != "" {
			if err == nil || err.Message != tc.wantErr || err.Code != ErrCodeInvalidParameter {
				t.Errorf("%s: got %v want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || hash != "aa" || verbose != tc.verbose {
			t.Errorf("%s: %v %q %d", tc.in, err, hash, verbose)
		}
	}
	var a, b string
	err := UnmarshalParams(nil, 2, Param{"a", &a}, Param{"b", &b})
	if err == nil || err.Message != "Failed to parse request: wrong number of params (expected 2, received 0)" {
		t.Errorf("exact count: %v", err)
	}
}

func TestBitset(t *testing.T) {
	tests := []struct {
		bits []bool
		hex  string
	}{
		{[]bool{true, false, true}, "05"},
		{[]bool{false, false, false, false, false, false, false, false, false, true}, "0002"},
		{nil, ""},
		{[]bool{true, true, true, true, true, true, true, true}, "ff"},
	}
	for _, tc := range tests {
		if got := EncodeBitset(tc.bits); got != tc.hex {
			t.Errorf("encode %v = %q want %q", tc.bits, got, tc.hex)
		}
		back, err := DecodeBitset(tc.hex, len(tc.bits))
		if err != nil {
			t.Fatal(err)
		}
		for i := range tc.bits {
			if back[i] != tc.bits[i] {
				t.Errorf("decode %q bit %d", tc.hex, i)
			}
		}
	}
	for _, bad := range []struct {
		s string
		n int
	}{{"zz", 3}, {"05", 9}, {"0500", 3}, {"05", -1}} {
		if _, err := DecodeBitset(bad.s, bad.n); err == nil {
			t.Errorf("DecodeBitset(%q,%d) accepted", bad.s, bad.n)
		}
	}
}

func TestPurchaseTicketParams(t *testing.T) {
	zero := 0
	tests := []struct {
		o    PurchaseTicketOptions
		want string
	}{
		{PurchaseTicketOptions{}, `["default",10]`},
		{PurchaseTicketOptions{MinConf: &zero}, `["default",10,0]`},
		{PurchaseTicketOptions{TicketAddress: "Sc1", PoolAddress: "Ss2", PoolFees: 7.5},
			`["default",10,1,"Sc1",1,"Ss2",7.5]`},
		{PurchaseTicketOptions{TicketFee: 0.001}, `["default",10,1,"",1,"",0,0,"",0.001]`},
	}
	for _, tc := range tests {
		b, _ := json.Marshal(PurchaseTicketParams("default", 10, tc.o))
		if string(b) != tc.want {
			t.Errorf("got %s want %s", b, tc.want)
		}
	}
}

func TestVinShapes(t *testing.T) {
	tests := []struct {
		vin  Vin
		want string
	}{
		{Vin{Coinbase: "00", AmountIn: 1, Sequence: 4294967295},
			`{"amountin":1,"blockheight":0,"blockindex":0,"coinbase":"00","sequence":4294967295}`},
		{Vin{Stakebase: "0000", AmountIn: 0.5, BlockHeight: 3, BlockIndex: 1},
			`{"amountin":0.5,"blockheight":3,"blockindex":1,"stakebase":"0000","sequence":0}`},
		{Vin{Txid: "ab", Vout: 2, Tree: 1, AmountIn: 2, ScriptSig: &ScriptSig{Asm: "x", Hex: "01"}},
			`{"txid":"ab","vout":2,"tree":1,"sequence":0,"amountin":2,"blockheight":0,"blockindex":0,"scriptSig":{"asm":"x","hex":"01"}}`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(tc.vin)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("got %s\nwant %s", b, tc.want)
		}
		var back Vin
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		b2, _ := json.Marshal(back)
		if string(b2) != tc.want {
			t.Errorf("round trip %s", b2)
		}
	}
}

func TestSemverCompatible(t *testing.T) {
	req := VersionResult{Major: 6, Minor: 1, Patch: 1}
	tests := []struct {
		maj, min, patch uint32
		ok              bool
	}{
		{6, 1, 1, true}, {6, 1, 2, true}, {6, 2, 0, true}, {6, 1, 0, false},
		{6, 0, 9, false}, {5, 9, 9, false}, {7, 0, 0, false},
	}
	for _, tc := range tests {
		v := VersionResult{Major: tc.maj, Minor: tc.min, Patch: tc.patch}
		if got := v.SemverCompatible(req); got != tc.ok {
			t.Errorf("%d.%d.%d compatible with 6.1.1 = %v", tc.maj, tc.min, tc.patch, got)
		}
	}
}
