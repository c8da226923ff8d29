package simtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/simnet/ctl"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

var simnetBin, stakepooldBin string

// raceBuild is set by race_test.go under -race.
var raceBuild bool

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() { // the tests skip themselves; no binaries needed
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "stakepoold-simtest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	simnetBin = filepath.Join(dir, "simnet")
	stakepooldBin = filepath.Join(dir, "stakepoold")
	for _, b := range []struct {
		bin, pkg string
		race     bool
	}{
		{simnetBin, "github.com/eacred/dcrstakepool/simnet", false},
		{stakepooldBin, "github.com/eacred/dcrstakepool/backend/stakepoold", raceBuild},
	} {
		if err := proctest.Build(b.bin, b.race, b.pkg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	if os.Getenv("SIMTEST_KEEP") == "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// proc is a process under test.
type proc struct {
	t    *testing.T
	name string
	dir  string
	args []string
	sim  bool   // a simulator role: `simnet name ...` with an RPC server
	addr string // RPC address (simulator roles)
	p    proctest.Proc
}

// startSim starts `simnet role --datadir dir --rpclisten 127.0.0.1:0 ...`
// and waits for its RPC listener.
func startSim(t *testing.T, role, dir string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: role, dir: dir, args: args, sim: true, p: proctest.Proc{Name: role, Bin: simnetBin, Dir: dir}}
	p.start()
	t.Cleanup(p.kill)
	return p
}

// start starts the process; a simulator role listens where it listened
// before (a free port the first time) and start waits for its listener.
func (p *proc) start() {
	p.t.Helper()
	if !p.sim {
		p.p.Args = p.args
		if err := p.p.Start(); err != nil {
			p.t.Fatal(err)
		}
		return
	}
	listen := p.addr
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	p.p.Args = append([]string{p.name, "--datadir", p.dir, "--rpclisten", listen}, p.args...)
	logPath := filepath.Join(p.dir, p.name+".log")
	offset := proctest.FileSize(logPath)
	if err := p.p.Start(); err != nil {
		p.t.Fatal(err)
	}
	addr, err := p.p.WaitListen(logPath, offset, 30*time.Second)
	if err != nil {
		p.t.Fatalf("%v:\n%s", err, p.p.Output())
	}
	p.addr = addr
}

func (p *proc) kill() { p.p.Kill() }

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop() {
	p.t.Helper()
	switch err := p.p.Stop(syscall.SIGTERM, 20*time.Second); {
	case err == proctest.ErrNoExit:
		p.t.Fatalf("%s did not stop on SIGTERM", p.name)
	case err != nil:
		p.t.Errorf("%s exited with %v", p.name, err)
	}
}

// call makes one JSON-RPC call to a simulator process.
func (p *proc) call(method string, result any, params ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return proctest.Call(ctx, ctl.Options{Wallet: p.name == "wallet", Server: p.addr, User: "user", Pass: "pass",
		Cert: filepath.Join(p.dir, "rpc.cert")}, method, result, params...)
}

func (p *proc) must(method string, result any, params ...any) {
	p.t.Helper()
	if err := p.call(method, result, params...); err != nil {
		p.t.Fatalf("%s %s %v: %v", p.name, method, params, err)
	}
}

// freePort returns a loopback address with a port that was free.
func freePort(t *testing.T) string { return proctest.FreeAddr(t) }

// startStakepoold starts the daemon process.
func startStakepoold(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: "stakepoold", dir: dir, args: args, p: proctest.Proc{Name: "stakepoold", Bin: stakepooldBin, Dir: dir}}
	p.start()
	t.Cleanup(p.kill)
	return p
}

// dialStakepoold connects a gRPC client trusting the daemon's rpc.cert,
// waiting for the certificate to be generated.
func dialStakepoold(t *testing.T, certFile, addr string) pb.StakepooldClient {
	t.Helper()
	var pem []byte
	deadline := time.Now().Add(30 * time.Second)
	for {
		var err error
		if pem, err = os.ReadFile(certFile); err == nil && len(pem) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s: %v", certFile, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: roots, ServerName: "localhost"})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := conn.Close(); err != nil {
			t.Error(err)
		}
	})
	return pb.NewStakepooldClient(conn)
}
