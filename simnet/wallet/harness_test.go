package wallet_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/simnet/ctl"
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
	build := []string{"build", "-o", simnetBin}
	if os.Getenv("SIMNET_RACE") != "" { // SIMNET_RACE=1 builds the daemons with the race detector
		build = append(build, "-race")
	}
	out, err := exec.Command("go", append(build, "github.com/eacred/dcrstakepool/simnet")...).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build simnet: %v\n%s", err, out)
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
	args []string
	cmd  *exec.Cmd
	addr string
}

var listenRE = regexp.MustCompile(`msg="RPC server listening".* addr=(\S+)`)

// startProc starts `simnet role --datadir dir --rpclisten 127.0.0.1:0 args...`
// and waits until its RPC server listens.
func startProc(t *testing.T, role, dir string, args ...string) *proc {
	t.Helper()
	return startProcAt(t, role, dir, "", args...)
}

// startProcAt is startProc listening on addr ("" = a free port).
func startProcAt(t *testing.T, role, dir, addr string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, role: role, dir: dir, args: args, addr: addr}
	p.start()
	t.Cleanup(p.kill)
	return p
}

func (p *proc) start() {
	p.t.Helper()
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		p.t.Fatal(err)
	}
	logPath := filepath.Join(p.dir, p.role+".log")
	var offset int64
	if fi, err := os.Stat(logPath); err == nil {
		offset = fi.Size()
	}
	out, err := os.OpenFile(filepath.Join(p.dir, "stdout.txt"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	defer out.Close()
	listen := p.addr // a restart keeps the address others were given
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	args := append([]string{p.role, "--datadir", p.dir, "--rpclisten", listen}, p.args...)
	p.cmd = exec.Command(simnetBin, args...)
	p.cmd.Stdout, p.cmd.Stderr = out, out
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if addr := findListen(logPath, offset); addr != "" {
			p.addr = addr
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(p.dir, "stdout.txt"))
	p.t.Fatalf("%s did not start listening:\n%s", p.role, b)
}

func findListen(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, 0); err != nil {
		return ""
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			return m[1]
		}
	}
	return ""
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// kill stops the process abruptly (SIGKILL), as a crash would.
func (p *proc) kill() {
	if p.cmd == nil || p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

// stop asks the process to shut down (SIGTERM) and checks it exits cleanly.
func (p *proc) stop() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			p.t.Errorf("%s exited with %v", p.role, err)
		}
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		p.t.Fatalf("%s did not stop on SIGTERM", p.role)
	}
}

// restart starts the process again with the same data directory, flags and
// listen address.
func (p *proc) restart() { p.start() }

// rpcErr is an RPC error with its code.
type rpcErr = ctl.RPCError

// call sends one JSON-RPC request over HTTPS POST and decodes the result.
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
	res, err := ctl.Call(ctx, ctl.Options{Wallet: p.role == "wallet", Server: p.addr, User: "user", Pass: "pass",
		Cert: filepath.Join(p.dir, "rpc.cert")}, method, raw)
	if err != nil {
		return err
	}
	if result != nil {
		return json.Unmarshal(res, result)
	}
	return nil
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

// logContains reports whether the process log mentions s.
func (p *proc) logContains(s string) bool {
	b, _ := os.ReadFile(filepath.Join(p.dir, p.role+".log"))
	return strings.Contains(string(b), s)
}
