package simtest

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/simnet/ctl"
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
	for bin, pkg := range map[string]string{simnetBin: "github.com/eacred/dcrstakepool/simnet",
		stakepooldBin: "github.com/eacred/dcrstakepool/backend/stakepoold"} {
		args := []string{"build", "-o", bin}
		if raceBuild && bin == stakepooldBin {
			args = append(args, "-race")
		}
		if out, err := exec.Command("go", append(args, pkg)...).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", pkg, err, out)
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
	bin  string
	args []string
	cmd  *exec.Cmd
	addr string // RPC address (simulator roles)
}

var listenRE = regexp.MustCompile(`msg="RPC server listening".* addr=(\S+)`)

// startSim starts `simnet role --datadir dir --rpclisten 127.0.0.1:0 ...`
// and waits for its RPC listener.
func startSim(t *testing.T, role, dir string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: role, dir: dir, bin: simnetBin, args: args}
	p.start()
	t.Cleanup(p.kill)
	return p
}

func (p *proc) start() {
	p.t.Helper()
	os.MkdirAll(p.dir, 0o700)
	out, err := os.OpenFile(filepath.Join(p.dir, "stdout.txt"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	defer out.Close()
	var args []string
	var logPath string
	var offset int64
	if p.bin == simnetBin {
		listen := p.addr
		if listen == "" {
			listen = "127.0.0.1:0"
		}
		logPath = filepath.Join(p.dir, p.name+".log")
		if fi, err := os.Stat(logPath); err == nil {
			offset = fi.Size()
		}
		args = append([]string{p.name, "--datadir", p.dir, "--rpclisten", listen}, p.args...)
	} else {
		args = p.args
	}
	p.cmd = exec.Command(p.bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = out, out
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	if p.bin != simnetBin {
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if a := findListen(logPath, offset); a != "" {
			p.addr = a
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(p.dir, "stdout.txt"))
	p.t.Fatalf("%s did not start:\n%s", p.name, b)
}

func findListen(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	f.Seek(offset, 0)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			return m[1]
		}
	}
	return ""
}

func (p *proc) kill() {
	if p.cmd == nil || p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			p.t.Errorf("%s exited with %v", p.name, err)
		}
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		p.t.Fatalf("%s did not stop on SIGTERM", p.name)
	}
}

// call makes one JSON-RPC call to a simulator process.
func (p *proc) call(method string, result any, params ...any) error {
	raw := make([]json.RawMessage, len(params))
	for i, v := range params {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		raw[i] = b
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := ctl.Call(ctx, ctl.Options{Wallet: p.name == "wallet", Server: p.addr, User: "user", Pass: "pass",
		Cert: filepath.Join(p.dir, "rpc.cert")}, method, raw)
	if err != nil {
		return err
	}
	if result != nil {
		return json.Unmarshal(res, result)
	}
	return nil
}

func (p *proc) must(method string, result any, params ...any) {
	p.t.Helper()
	if err := p.call(method, result, params...); err != nil {
		p.t.Fatalf("%s %s %v: %v", p.name, method, params, err)
	}
}

// freePort returns a loopback address with a port that was free.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startStakepoold starts the daemon process.
func startStakepoold(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: "stakepoold", dir: dir, bin: stakepooldBin, args: args}
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
	t.Cleanup(func() { conn.Close() })
	return pb.NewStakepooldClient(conn)
}
