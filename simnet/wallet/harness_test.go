package wallet_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/simnet/ctl"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// simnetBin is the simulator binary built once by TestMain.
var simnetBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "simnet-wallet-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	simnetBin = filepath.Join(dir, "simnet")
	// SIMNET_RACE=1 builds the daemons with the race detector.
	if err := proctest.Build(simnetBin, os.Getenv("SIMNET_RACE") != "", "github.com/eacred/dcrstakepool/simnet"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is one simulator daemon run as a real process.
type proc struct {
	t    *testing.T
	role string
	dir  string
	addr string
	args []string
	p    proctest.Proc
}

// startProc starts `simnet role --datadir dir --rpclisten 127.0.0.1:0 args...`
// and waits until its RPC server listens.
func startProc(t *testing.T, role, dir string, args ...string) *proc {
	t.Helper()
	return startProcAt(t, role, dir, "", args...)
}

// startProcAt is startProc listening on addr ("" = a free port).
func startProcAt(t *testing.T, role, dir, addr string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, role: role, dir: dir, addr: addr, args: args}
	p.p = proctest.Proc{Name: role, Bin: simnetBin, Dir: dir}
	p.start()
	t.Cleanup(p.kill)
	return p
}

func (p *proc) start() {
	p.t.Helper()
	logPath := filepath.Join(p.dir, p.role+".log")
	offset := proctest.FileSize(logPath)
	listen := p.addr // a restart keeps the address others were given
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	p.p.Args = append([]string{p.role, "--datadir", p.dir, "--rpclisten", listen}, p.args...)
	if err := p.p.Start(); err != nil {
		p.t.Fatal(err)
	}
	addr, err := p.p.WaitListen(logPath, offset, 20*time.Second)
	if err != nil {
		p.t.Fatalf("%v:\n%s", err, p.p.Output())
	}
	p.addr = addr
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string { return proctest.FreeAddr(t) }

// kill stops the process abruptly (SIGKILL), as a crash would.
func (p *proc) kill() { p.p.Kill() }

// stop asks the process to shut down (SIGTERM) and checks it exits cleanly.
func (p *proc) stop() {
	p.t.Helper()
	switch err := p.p.Stop(syscall.SIGTERM, 15*time.Second); {
	case err == proctest.ErrNoExit:
		p.t.Fatalf("%s did not stop on SIGTERM", p.role)
	case err != nil:
		p.t.Errorf("%s exited with %v", p.role, err)
	}
}

// restart starts the process again with the same data directory, flags and
// listen address.
func (p *proc) restart() { p.start() }

// rpcErr is an RPC error with its code.
type rpcErr = ctl.RPCError

// call sends one JSON-RPC request over HTTPS POST and decodes the result.
func (p *proc) call(method string, result any, params ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return proctest.Call(ctx, ctl.Options{Wallet: p.role == "wallet", Server: p.addr, User: "user", Pass: "pass",
		Cert: filepath.Join(p.dir, "rpc.cert")}, method, result, params...)
}

// must is call that fails the test on error.
func (p *proc) must(method string, result any, params ...any) {
	p.t.Helper()
	if err := p.call(method, result, params...); err != nil {
		p.t.Fatalf("%s %s %v: %v", p.role, method, params, err)
	}
}

// wantCode checks that a call fails with an RPC error of the given code.
func (p *proc) wantCode(code int, method string, params ...any) *rpcErr {
	p.t.Helper()
	err := p.call(method, nil, params...)
	re, ok := err.(*rpcErr)
	if !ok || re.Code != code {
		p.t.Fatalf("%s %s %v: got %v, want code %d", p.role, method, params, err, code)
	}
	return re
}
