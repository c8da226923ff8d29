// Package ctl is the simulator's command-line client, in the manner of
// dcrctl: `simnet ctl [--wallet] METHOD ARGS...` sends one JSON-RPC request
// over HTTPS POST with basic auth to the node (default 127.0.0.1:19556) or,
// with --wallet, to the wallet (127.0.0.1:19557), trusting the server's
// self-signed rpc.cert. Each argument that parses as JSON (numbers, true,
// false, null, arrays, objects, quoted strings) is sent as that value; any
// other argument is sent as a string. A string result is printed bare,
// anything else as indented JSON, a null result not at all; an RPC error is printed as "CODE: message"
// on stderr with exit status 1.
package ctl

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
)

// Options are the connection settings.
type Options struct {
	Wallet   bool
	Server   string
	User     string
	Pass     string
	Cert     string
	NoTLS    bool
	Timeout  time.Duration
	DataRoot string
}

// RPCError is an error object returned by the server.
type RPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *RPCError) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Message) }

// Main runs the ctl subcommand and returns the process exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.BoolVar(&o.Wallet, "wallet", false, "talk to the wallet instead of the node")
	fs.StringVar(&o.Server, "rpcserver", "", "server host:port (default 127.0.0.1:19556, or :19557 with --wallet)")
	fs.StringVar(&o.User, "rpcuser", "user", "RPC user")
	fs.StringVar(&o.Pass, "rpcpass", "pass", "RPC password")
	fs.StringVar(&o.Cert, "rpccert", "", "server certificate (default ~/.simnet/node/rpc.cert or ~/.simnet/wallet/rpc.cert)")
	fs.BoolVar(&o.NoTLS, "notls", false, "use plain HTTP")
	fs.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "request timeout")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: simnet ctl [--wallet] [--rpcserver host:port] [--rpcuser u] [--rpcpass p] [--rpccert file] METHOD [ARGS...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return 2
	}
	result, err := Call(ctx, o, fs.Arg(0), ParseArgs(fs.Args()[1:]))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if out := Format(result); out != "" {
		fmt.Fprintln(stdout, out)
	}
	return 0
}

// ParseArgs turns command-line words into positional params.
func ParseArgs(words []string) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(words))
	for _, w := range words {
		if json.Valid([]byte(w)) {
			out = append(out, json.RawMessage(w))
			continue
		}
		b, _ := json.Marshal(w)
		out = append(out, b)
	}
	return out
}

// Format renders a result the way dcrctl does: nothing for null, a string
// bare, anything else as indented JSON.
func Format(result json.RawMessage) string {
	if len(result) == 0 || string(result) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(result, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Indent(&buf, result, "", "  ") != nil {
		return string(result)
	}
	return buf.String()
}

func (o *Options) defaults() {
	role, port := "node", "19556"
	if o.Wallet {
		role, port = "wallet", "19557"
	}
	if o.Server == "" {
		o.Server = "127.0.0.1:" + port
	}
	if o.Cert == "" {
		o.Cert = filepath.Join(daemon.DefaultDataDir(role), "rpc.cert")
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Minute
	}
}

// Call sends one request and returns the raw result.
func Call(ctx context.Context, o Options, method string, params []json.RawMessage) (json.RawMessage, error) {
	o.defaults()
	if params == nil {
		params = []json.RawMessage{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "1.0", "id": 1, "method": method, "params": params})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	client := &http.Client{Timeout: o.Timeout}
	scheme := "http"
	if !o.NoTLS {
		scheme = "https"
		pem, err := os.ReadFile(o.Cert)
		if err != nil {
			return nil, fmt.Errorf("read server certificate: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", o.Cert)
		}
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, scheme+"://"+o.Server+"/", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.SetBasicAuth(o.User, o.Pass)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("post to %s: %w", o.Server, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read reply: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("server answered %s: %s", resp.Status, bytes.TrimSpace(data))
	}
	var reply struct {
		Result json.RawMessage `json:"result"`
		Error  *RPCError       `json:"error"`
	}
	if err := json.Unmarshal(data, &reply); err != nil {
		return nil, fmt.Errorf("decode reply %q: %w", data, err)
	}
	if reply.Error != nil {
		return nil, reply.Error
	}
	return reply.Result, nil
}

// IsCode reports whether err is an RPC error with the given code.
func IsCode(err error, code int) bool {
	var re *RPCError
	return errors.As(err, &re) && re.Code == code
}
