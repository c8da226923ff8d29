package rpcclient_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// TestSimnetResultShapes cross-checks the simulator's result objects with
// the rpcjson types: each raw result must decode with no unknown field and
// re-encode to the same bytes (same fields, order and omissions).
func TestSimnetResultShapes(t *testing.T) {
	n, w, addr := startNodeAndWallet(t, rpcclient.NotificationHandlers{})
	ctx := ctxT(t, 2*time.Minute)
	mined, err := n.Generate(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	waitWalletHeight(t, w, 20)
	tip := mined[len(mined)-1].String()
	vb, err := n.GetBlockVerbose(ctx, mined[len(mined)-1], false)
	if err != nil {
		t.Fatal(err)
	}
	txid, err := w.SendToAddress(ctx, addr, 1)
	if err != nil {
		t.Fatal(err)
	}
	va, err := w.ValidateAddress(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := w.CreateMultisig(ctx, 1, []string{va.PubKeyAddr, va.PubKeyAddr})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		c      *rpcclient.Client
		method string
		params []any
		result any
	}{
		{"version", n, "version", nil, &map[string]rpcjson.VersionResult{}},
		{"getbestblock", n, "getbestblock", nil, &rpcjson.GetBestBlockResult{}},
		{"getblockheader", n, "getblockheader", []any{tip, true}, &rpcjson.GetBlockHeaderVerboseResult{}},
		{"getblock", n, "getblock", []any{tip, true, false}, &rpcjson.GetBlockVerboseResult{}},
		{"getblock verbosetx", n, "getblock", []any{tip, true, true}, &rpcjson.GetBlockVerboseResult{}},
		{"getrawtransaction coinbase", n, "getrawtransaction", []any{vb.Tx[0], 1}, &rpcjson.TxRawResult{}},
		{"getrawtransaction mempool", n, "getrawtransaction", []any{txid.String(), 1}, &rpcjson.TxRawResult{}},
		{"getstakedifficulty", n, "getstakedifficulty", nil, &rpcjson.GetStakeDifficultyResult{}},
		{"getvoteinfo", n, "getvoteinfo", []any{8}, &rpcjson.GetVoteInfoResult{}},
		{"gettxout mempool", n, "gettxout", []any{txid.String(), 0}, &rpcjson.GetTxOutResult{}},
		{"livetickets", n, "livetickets", nil, &rpcjson.TicketsResult{}},
		{"session", n, "session", nil, &rpcjson.SessionResult{}},
		{"walletinfo", w, "walletinfo", nil, &rpcjson.WalletInfoResult{}},
		{"wallet version", w, "version", nil, &map[string]rpcjson.VersionResult{}},
		{"validateaddress", w, "validateaddress", []any{addr}, &rpcjson.ValidateAddressWalletResult{}},
		{"createmultisig", w, "createmultisig", []any{1, []string{va.PubKeyAddr, va.PubKeyAddr}}, &rpcjson.CreateMultisigResult{}},
		{"validateaddress p2sh", w, "validateaddress", []any{ms.Address}, &rpcjson.ValidateAddressWalletResult{}},
		{"listscripts", w, "listscripts", nil, &rpcjson.ListScriptsResult{}},
		{"getbalance", w, "getbalance", nil, &rpcjson.GetBalanceResult{}},
		{"gettickets", w, "gettickets", []any{true}, &rpcjson.GetTicketsResult{}},
		{"gettransaction", w, "gettransaction", []any{txid.String()}, &rpcjson.GetTransactionResult{}},
		{"stakepooluserinfo", w, "stakepooluserinfo", []any{ms.Address}, &rpcjson.StakePoolUserInfoResult{}},
		{"getstakeinfo", w, "getstakeinfo", nil, &rpcjson.GetStakeInfoResult{}},
		{"wallet getbestblock", w, "getbestblock", nil, &rpcjson.GetBestBlockResult{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			params, err := rpcjson.MarshalParams(tc.params...)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := tc.c.RawCall(ctx, tc.method, params)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(tc.result); err != nil {
				t.Fatalf("%s: %v\n%s", tc.method, err, raw)
			}
			again, err := json.Marshal(tc.result)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, raw) {
				t.Errorf("%s: re-encoded differs\n got %s\nwant %s", tc.method, again, raw)
			}
		})
	}
}
