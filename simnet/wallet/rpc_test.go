package wallet

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/ctl"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// offlineNode is a node that knows only the genesis block and answers
// every other method like a node without it.
type offlineNode struct{}

func (offlineNode) BestBlock(context.Context) (string, int64, error) { return "", 0, errNotConnected }
func (offlineNode) BlockHash(context.Context, int64) (string, error) { return "", errNotConnected }
func (offlineNode) Block(context.Context, string) ([]byte, error)    { return nil, errNotConnected }
func (offlineNode) SendRawTransaction(context.Context, string) (string, error) {
	return "", errNotConnected
}
func (offlineNode) StakeDifficulty(context.Context) (int64, int64, error) { return 20000, 20000, nil }
func (offlineNode) Exists(context.Context, string, []string) ([]bool, error) {
	return nil, errNotConnected
}
func (offlineNode) Call(_ context.Context, method string, _ []json.RawMessage) (json.RawMessage, error) {
	return nil, rpcserver.NewError(rpcserver.ErrCodeMethodNotFound, "Method not found")
}
func (offlineNode) Connected() bool { return false }

const testSeed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

// startTestWallet serves a wallet over plain HTTP on a free loopback port.
func startTestWallet(t *testing.T, extra func(*Config)) (*Wallet, ctl.Options) {
	t.Helper()
	seed, _ := hex.DecodeString(testSeed)
	cfg := Config{DataDir: t.TempDir(), Seed: seed, Params: chaincfg.SimNetParams(), Passphrase: "secret",
		VoteBits: 1, VoteVersion: 12}
	if extra != nil {
		extra(&cfg)
	}
	w, err := Open(cfg, offlineNode{})
	if err != nil {
		t.Fatal(err)
	}
	srv := rpcserver.New(rpcserver.Config{Listen: "127.0.0.1:0", User: "u", Pass: "p", NoTLS: true,
		Dialect: rpcserver.WalletDialect})
	w.Register(srv)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	})
	return w, ctl.Options{Wallet: true, Server: srv.Addr(), User: "u", Pass: "p", NoTLS: true, Timeout: 10 * time.Second}
}

func call(t *testing.T, o ctl.Options, method string, params ...string) (json.RawMessage, error) {
	t.Helper()
	raw := make([]json.RawMessage, len(params))
	for i, p := range params {
		raw[i] = json.RawMessage(p)
	}
	return ctl.Call(context.Background(), o, method, raw)
}

func TestBadInput(t *testing.T) {
	w, o := startTestWallet(t, nil)
	var first string
	res, err := call(t, o, "getnewaddress")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(res, &first); err != nil {
		t.Fatal(err)
	}
	foreign := "Ssoaqgx4ecmHX54LqrUXgqi6miUFxP9iUvc" // another seed's address
	mainnet := "DsUZxxoHJSty8DCfwfartwTYbuhmVct7tJu"
	hash := strings.Repeat("ab", 32)
	tests := []struct {
		method string
		params []string
		code   int
	}{
		{"getnewaddress", []string{`"nosuch"`}, -11},
		{"getnewaddress", []string{`"default"`, `"bogus"`}, -8},
		{"getnewaddress", []string{`"imported"`}, -4},
		{"getnewaddress", []string{`5`}, -32600}, // params that do not parse: Invalid request
		{"getmasterpubkey", []string{`"nosuch"`}, -11},
		{"accountsyncaddressindex", []string{`"default"`, `2`, `0`}, -8},
		{"accountsyncaddressindex", []string{`"default"`, `0`, `2147483648`}, -8},
		{"accountsyncaddressindex", []string{`"nosuch"`, `0`, `1`}, -11},
		{"accountsyncaddressindex", []string{`"default"`, `0`, `2000000000`}, -8},
		{"createmultisig", []string{`0`, `["` + first + `"]`}, -8},
		{"createmultisig", []string{`1`, `["nonsense"]`}, -5},
		{"createmultisig", []string{`1`, `["` + foreign + `"]`}, -4},
		{"createmultisig", []string{`1`, `["` + strings.Repeat("05", 33) + `"]`}, -5},
		{"importscript", []string{`"zz"`}, -22},
		{"importscript", []string{`""`}, -8},
		{"importscript", []string{`"51ae"`}, -9}, // rescan needs the node
		{"stakepooluserinfo", []string{`"garbage"`}, -5},
		{"addticket", []string{`"00"`}, -22},
		{"generatevote", []string{`"xx"`, `1`, `"` + hash + `"`, `1`, `"0c000000"`}, -22},
		{"generatevote", []string{`"` + hash + `"`, `1`, `"` + hash + `"`, `1`, `"zz"`}, -22},
		{"generatevote", []string{`"` + hash + `"`, `1`, `"` + hash + `"`, `1`, `"0c000000"`}, -4},
		{"generatevote", []string{`"` + hash + `"`, `1`, `"` + hash + `"`, `70000`, `"0c000000"`}, -32600},
		{"gettransaction", []string{`"` + hash + `"`}, -5},
		{"gettickets", nil, -32600},
		{"getbalance", []string{`"nosuch"`}, -11},
		{"sendtoaddress", []string{`"` + first + `"`, `-1`}, -8},
		{"sendtoaddress", []string{`"` + mainnet + `"`, `1`}, -5},
		{"sendtoaddress", []string{`"` + first + `"`, `1`}, -6},
		{"purchaseticket", []string{`"nosuch"`, `1`}, -11},
		{"purchaseticket", []string{`"default"`, `1`, `1`, `""`, `1`, `"` + first + `"`, `0`}, -8},
		{"purchaseticket", []string{`"default"`, `1`, `1`, `"garbage"`}, -5},
		{"purchaseticket", []string{`"default"`, `1`, `1`, `""`, `0`}, -8},
		{"purchaseticket", []string{`"default"`, `1`, `1`, `""`, `1000000000`}, -8},
		{"purchaseticket", []string{`"default"`, `0.0001`}, -4}, // below the ticket price
		{"walletpassphrase", []string{`"wrong"`, `0`}, -14},
		{"nosuchmethod", nil, -32601}, // passed through to the node
	}
	for _, tc := range tests {
		_, err := call(t, o, tc.method, tc.params...)
		var re *ctl.RPCError
		if !errors.As(err, &re) || re.Code != tc.code {
			t.Errorf("%s %v: got %v, want code %d", tc.method, tc.params, err, tc.code)
		}
	}
	_ = w

	// A locked wallet refuses to sign until unlocked.
	if _, err := call(t, o, "walletlock"); err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, o, "generatevote", `"`+hash+`"`, `1`, `"`+hash+`"`, `1`, `"0c000000"`); !ctl.IsCode(err, -13) {
		t.Errorf("generatevote while locked: %v, want -13", err)
	}
	if res, _ := call(t, o, "walletislocked"); string(res) != "true" {
		t.Errorf("walletislocked = %s", res)
	}
	if _, err := call(t, o, "walletpassphrase", `"secret"`, `0`); err != nil {
		t.Fatal(err)
	}

	// Malformed JSON gets the parse error, not a crash.
	resp, err := http.Post("http://u:p@"+o.Server, "application/json", bytes.NewBufferString("{nope"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(`-32700`)) {
		t.Errorf("malformed JSON reply %s", body)
	}
}

func TestValidateAddressShapes(t *testing.T) {
	_, o := startTestWallet(t, nil)
	var addr string
	res, _ := call(t, o, "getnewaddress")
	if err := json.Unmarshal(res, &addr); err != nil {
		t.Fatal(err)
	}
	var va rpcjson.ValidateAddressWalletResult
	res, _ = call(t, o, "validateaddress", `"`+addr+`"`)
	if err := json.Unmarshal(res, &va); err != nil {
		t.Fatal(err)
	}
	if !va.IsValid || !va.IsMine || va.Account != "default" || len(va.PubKey) != 66 || !va.IsCompressed ||
		!strings.HasPrefix(va.PubKeyAddr, "Sk") {
		t.Fatalf("own address: %+v", va)
	}
	// The pubkey address comes back as its P2PKH form.
	var fromPK rpcjson.ValidateAddressWalletResult
	res, _ = call(t, o, "validateaddress", `"`+va.PubKeyAddr+`"`)
	if err := json.Unmarshal(res, &fromPK); err != nil {
		t.Fatal(err)
	}
	if fromPK.Address != addr || !fromPK.IsMine {
		t.Fatalf("pubkey address: %+v", fromPK)
	}
	for _, bad := range []string{`"garbage"`, `"DsUZxxoHJSty8DCfwfartwTYbuhmVct7tJu"`} {
		res, err := call(t, o, "validateaddress", bad)
		if err != nil || string(res) != `{"isvalid":false}` {
			t.Fatalf("validateaddress %s = %s, %v", bad, res, err)
		}
	}
	// An unknown but valid address is valid and nothing more.
	res, _ = call(t, o, "validateaddress", `"Ssoaqgx4ecmHX54LqrUXgqi6miUFxP9iUvc"`)
	if string(res) != `{"isvalid":true,"address":"Ssoaqgx4ecmHX54LqrUXgqi6miUFxP9iUvc"}` {
		t.Fatalf("foreign address: %s", res)
	}
}

func TestGapPolicy(t *testing.T) {
	_, o := startTestWallet(t, func(c *Config) { c.GapLimit = 3 })
	var addrs []string
	for i := 0; i < 3; i++ {
		res, err := call(t, o, "getnewaddress")
		if err != nil {
			t.Fatalf("address %d: %v", i, err)
		}
		var a string
		if err := json.Unmarshal(res, &a); err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, a)
	}
	if _, err := call(t, o, "getnewaddress", `"default"`, `"error"`); !ctl.IsCode(err, -4) {
		t.Fatalf("past the gap limit: %v, want -4", err)
	}
	res, err := call(t, o, "getnewaddress", `"default"`, `"wrap"`)
	if err != nil || string(res) != `"`+addrs[0]+`"` {
		t.Fatalf("wrap: %s %v, want %s", res, err, addrs[0])
	}
	res, err = call(t, o, "getnewaddress", `"default"`, `"ignore"`)
	if err != nil || strings.Contains(strings.Join(addrs, " "), strings.Trim(string(res), `"`)) {
		t.Fatalf("ignore: %s %v, want a fresh address", res, err)
	}
}

func TestSeedMismatch(t *testing.T) {
	dir := t.TempDir()
	seed, _ := hex.DecodeString(testSeed)
	if _, err := Open(Config{DataDir: dir, Seed: seed, Params: chaincfg.SimNetParams()}, offlineNode{}); err != nil {
		t.Fatal(err)
	}
	other := bytes.Repeat([]byte{7}, 32)
	if _, err := Open(Config{DataDir: dir, Seed: other, Params: chaincfg.SimNetParams()}, offlineNode{}); !errors.Is(err, ErrSeedMismatch) {
		t.Fatalf("other seed: %v, want ErrSeedMismatch", err)
	}
}

func TestVoteChoices(t *testing.T) {
	_, o := startTestWallet(t, nil)
	var vc rpcjson.GetVoteChoicesResult
	res, err := call(t, o, "getvotechoices")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(res, &vc); err != nil {
		t.Fatal(err)
	}
	if vc.Version != 12 || len(vc.Choices) != 1 || vc.Choices[0].AgendaID != "maxtreasuryspend" || vc.Choices[0].ChoiceID != "abstain" {
		t.Fatalf("getvotechoices %+v", vc)
	}
	tests := []struct {
		agenda, choice string
		code           int
		bits           uint16
	}{
		{"maxtreasuryspend", "yes", 0, 0x0005},
		{"maxtreasuryspend", "no", 0, 0x0003},
		{"maxtreasuryspend", "maybe", -8, 0x0003},
		{"nosuchagenda", "yes", -8, 0x0003},
		{"maxtreasuryspend", "abstain", 0, 0x0001},
	}
	for _, tc := range tests {
		_, err := call(t, o, "setvotechoice", `"`+tc.agenda+`"`, `"`+tc.choice+`"`)
		if tc.code != 0 && !ctl.IsCode(err, tc.code) || tc.code == 0 && err != nil {
			t.Errorf("setvotechoice %s %s: %v, want code %d", tc.agenda, tc.choice, err, tc.code)
		}
		var info rpcjson.WalletInfoResult
		res, _ := call(t, o, "walletinfo")
		if err := json.Unmarshal(res, &info); err != nil {
			t.Fatal(err)
		}
		if info.VoteBits != tc.bits || info.VoteBitsExtended != "0c000000" || info.VoteVersion != 12 {
			t.Errorf("after %s=%s: walletinfo %+v, want votebits %#x", tc.agenda, tc.choice, info, tc.bits)
		}
	}
}
