package node

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput sends malformed and wrong requests to a real node and checks
// the codes and messages of the real daemon, and that the node survives.
func TestBadInput(t *testing.T) {
	p := startNode(t, "", "--miningaddr", newTestKey("miner").addr())
	p.generate(2)
	var tipHash string
	p.must(&tipHash, "getbestblockhash")
	tests := []struct {
		name   string
		method string
		params []any
		code   int
		msg    string
	}{
		{"unknown method", "nosuchmethod", nil, -32601, "Method not found"},
		{"wallet method", "getbalance", nil, -1, "This implementation does not implement wallet commands"},
		{"too few params", "getblockhash", nil, -8, "Failed to parse request: wrong number of params (expected 1, received 0)"},
		{"too many params", "getblockcount", []any{1}, -8, "Failed to parse request: wrong number of params (expected 0, received 1)"},
		{"wrong type", "getblockhash", []any{"one"}, -8, "Failed to parse request: parameter #1 'index' must be type int64 (got string)"},
		{"wrong bool", "getblock", []any{tipHash, "yes"}, -8, "Failed to parse request: parameter #2 'verbose' must be type bool (got string)"},
		{"array expected", "existslivetickets", []any{"abc"}, -8, "Failed to parse request: parameter #1 'txhashes' must be type []string (got string)"},
		{"height out of range", "getblockhash", []any{99}, -1, "Block number out of range"},
		{"unknown block", "getblockheader", []any{strings.Repeat("ab", 32)}, -5, "Block not found"},
		{"bad hash hex", "getblock", []any{"xyz"}, -22, "Argument must be hexadecimal string"},
		{"unknown tx", "getrawtransaction", []any{strings.Repeat("cd", 32)}, -5, "No information available about transaction"},
		{"bad tx hex", "sendrawtransaction", []any{"zz"}, -22, "Argument must be hexadecimal string"},
		{"undecodable tx", "sendrawtransaction", []any{"0100000001"}, -22, "TX decode failed"},
		{"odd-length hex", "sendrawtransaction", []any{"010"}, -22, "Argument must be hexadecimal string"},
		{"generate zero", "generate", []any{0}, -8, "Please request a nonzero number of blocks"},
		{"unknown vote version", "getvoteinfo", []any{999}, -8, "unrecognized vote version 999"},
		{"ws-only over POST", "notifyblocks", nil, -32601, "Method not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p.t = t
			p.wantErr(tc.code, tc.msg, tc.method, tc.params...)
		})
	}
	p.t = t

	// Raw bodies: malformed JSON and a batch.
	pem, err := os.ReadFile(filepath.Join(p.dir, "rpc.cert"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	post := func(body string) string {
		req, _ := http.NewRequest(http.MethodPost, "https://"+p.addr+"/", strings.NewReader(body))
		req.SetBasicAuth("u", "p")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"jsonrpc":"1.0","id":1,"method":`, `{"jsonrpc":"1.0","result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}` + "\n"},
		{`[{"jsonrpc":"1.0","id":1,"method":"getblockcount","params":[]},{"jsonrpc":"1.0","id":2,"method":"nope","params":[]}]`,
			`[{"jsonrpc":"1.0","result":2,"error":null,"id":1},{"jsonrpc":"1.0","result":null,"error":{"code":-32601,"message":"Method not found"},"id":2}]` + "\n"},
		{"\x00\xff garbage", `{"jsonrpc":"1.0","result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}` + "\n"},
	} {
		if got := post(tc.body); got != tc.want {
			t.Errorf("body %q:\n got  %s\n want %s", tc.body, got, tc.want)
		}
	}
	// Wrong credentials: 401 with the realm.
	req, _ := http.NewRequest(http.MethodPost, "https://"+p.addr+"/", bytes.NewReader([]byte(`{}`)))
	req.SetBasicAuth("u", "wrong")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="ecrd RPC"` {
		t.Fatalf("bad auth: %d %v", resp.StatusCode, resp.Header)
	}
	// Still alive and well.
	if _, h := p.tip(); h != 2 {
		t.Fatalf("height %d", h)
	}
}

// TestGenerateWithoutMiningAddr mirrors ecrd's refusal to mine blind.
func TestGenerateWithoutMiningAddr(t *testing.T) {
	p := startNode(t, "")
	p.wantErr(-32603, "No payment addresses specified via --miningaddr", "generate", 1)
}

// TestCtlCommand runs `simnet ctl` against a node, as scripts do.
func TestCtlCommand(t *testing.T) {
	p := startNode(t, "", "--miningaddr", newTestKey("miner").addr())
	run := func(args ...string) (string, string, error) {
		base := []string{"ctl", "--rpcserver", p.addr, "--rpcuser", "u", "--rpcpass", "p", "--rpccert", filepath.Join(p.dir, "rpc.cert")}
		cmd := exec.Command(simnetBin, append(base, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		return out.String(), errOut.String(), err
	}
	if out, _, err := run("generate", "2"); err != nil || strings.Count(out, "\"") != 4 {
		t.Fatalf("generate: %q %v", out, err)
	}
	if out, _, err := run("getblockcount"); err != nil || out != "2\n" {
		t.Fatalf("getblockcount: %q %v", out, err)
	}
	if _, errOut, err := run("getblockhash", "9"); err == nil || errOut != "-1: Block number out of range\n" {
		t.Fatalf("error path: %q %v", errOut, err)
	}
}
