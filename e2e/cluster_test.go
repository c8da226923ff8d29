package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/simnet/ctl"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// Public, simulated-network-only identities, the same as harness.sh's.
const (
	votingSeed = "b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7"
	otherSeed  = "0dd50dd50dd50dd50dd50dd50dd50dd50dd50dd50dd50dd50dd50dd50dd50dd5"
	userSeed   = "05e405e405e405e405e405e405e405e405e405e405e405e405e405e405e405e4"
	coldXpub   = "spubVW8um8rr8mTbncLX5BWVgef6ZN8DVHMphUU49cVsFDkc8BL5z6Dh7dEU4ctAcB7vNvbqi6YMTfECvwqWTdzx6K6qxBWyEKDun2wZCbAEHt6"
	poolFees   = "7.5"
	rpcUser    = "user"
	rpcPass    = "pass"

	adminEmail = "admin@e2e.example"
	adminPass  = "e2e-admin-password"

	// stakeValidationHeight is simnet's; the cluster mines a little past it.
	stakeValidationHeight = 144
)

// binDir holds the binaries built once by TestMain.
var binDir string

// proc is one daemon process. It can be stopped, killed and started again
// with the same arguments, data directory and port.
type proc struct {
	name string
	bin  string
	args []string
	dir  string // data directory (also holds proc.log)
	addr string // RPC or HTTP listen address
	proc proctest.Proc
}

func (p *proc) start(t *testing.T) {
	t.Helper()
	p.proc = proctest.Proc{Name: p.name, Bin: filepath.Join(binDir, p.bin), Args: p.args, Dir: p.dir, OutFile: "proc.log",
		Env: []string{"HOME=" + p.dir}} // never read the operator's ~/.dcrstakepool etc.
	if err := p.proc.Start(); err != nil {
		t.Fatal(err)
	}
}

// running reports whether the process was started and has not exited.
func (p *proc) running() bool { return p.proc.Running() }

// stop asks the process to shut down cleanly (SIGINT) and kills it if it has
// not gone after ten seconds.
func (p *proc) stop() {
	_ = p.proc.Stop(syscall.SIGINT, 10*time.Second) // no check reads how a stopped process ended
}

// kill ends the process at once, as a crash or power loss would.
func (p *proc) kill() { p.proc.Kill() }

// logTail returns the end of the process's log, for failure messages.
func (p *proc) logTail() string { return p.proc.Tail(3000) }

// clusterOptions choose the variations the scenarios need.
type clusterOptions struct {
	secondWalletSeed string   // default votingSeed; another seed makes the backends disagree
	extraConfig      []string // more dcrstakepool.conf lines
	// chainArgs are parameter overrides (--ticketexpiry 16, ...) given to
	// the node and every wallet alike.
	chainArgs []string
}

// cluster is the harness topology as real processes.
type cluster struct {
	t          *testing.T
	dir        string
	node       *proc
	userWallet *proc
	wallets    [2]*proc // voting wallets
	stakepools [2]*proc // stakepoold beside each voting wallet
	web        *proc
	mail       *webtest.Sink
	baseURL    string
	watcher    *chainWatcher
	expiry     int64 // TicketExpiry when overridden (chainArgs), else 0
}

func freeAddr(t *testing.T) string { return proctest.FreeAddr(t) }

// newCluster starts every process, mines past stake validation height and
// waits until the web front end reports itself healthy.
func newCluster(t *testing.T, o clusterOptions) *cluster {
	t.Helper()
	if o.secondWalletSeed == "" {
		o.secondWalletSeed = votingSeed
	}
	dir, err := os.MkdirTemp("", "e2e-")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir, mail: webtest.StartSink(t)}
	t.Cleanup(c.shutdown)

	nodeDir := filepath.Join(dir, "node")
	nodeCert := filepath.Join(nodeDir, "rpc.cert")
	nodeAddr := freeAddr(t)
	walletArgs := func(d, addr, seed string, extra ...string) []string {
		return append([]string{"wallet", "--datadir", d, "--rpclisten", addr, "--rpcuser", rpcUser, "--rpcpass", rpcPass,
			"--rpcconnect", nodeAddr, "--cafile", nodeCert, "--seed", seed}, append(extra, o.chainArgs...)...)
	}

	// The user wallet first: its first address receives the coinbases.
	uwDir, uwAddr := filepath.Join(dir, "userwallet"), freeAddr(t)
	c.userWallet = &proc{name: "user wallet", bin: "simnet", dir: uwDir, addr: uwAddr, args: walletArgs(uwDir, uwAddr, userSeed)}
	c.userWallet.start(t)
	c.waitRPC(c.userWallet, true)
	var miningAddr string
	c.call(c.userWallet, &miningAddr, "getnewaddress")

	c.node = &proc{name: "node", bin: "simnet", dir: nodeDir, addr: nodeAddr, args: []string{"node", "--datadir", nodeDir,
		"--rpclisten", nodeAddr, "--rpcuser", rpcUser, "--rpcpass", rpcPass, "--miningaddr", miningAddr}}
	c.node.args = append(c.node.args, o.chainArgs...)
	c.node.start(t)
	c.waitRPC(c.node, false)

	seeds := [2]string{votingSeed, o.secondWalletSeed}
	for i := range c.wallets {
		d, addr := filepath.Join(dir, fmt.Sprintf("wallet%d", i+1)), freeAddr(t)
		c.wallets[i] = &proc{name: fmt.Sprintf("voting wallet %d", i+1), bin: "simnet", dir: d, addr: addr,
			args: walletArgs(d, addr, seeds[i], "--stakepoolcoldextkey", coldXpub+":10000", "--poolfees", poolFees)}
		c.wallets[i].start(t)
	}
	for _, w := range c.wallets {
		c.waitRPC(w, true)
	}

	var height int64
	c.call(c.node, &height, "getblockcount")
	if n := stakeValidationHeight + 2 - height; n > 0 {
		c.call(c.node, nil, "generate", n)
	}
	c.watcher = watchChain(t, c.node.addr, nodeCert)

	var votingXpub string
	c.call(c.wallets[0], &votingXpub, "getmasterpubkey", "default")

	var hosts, certs []string
	for i := range c.stakepools {
		d, addr := filepath.Join(dir, fmt.Sprintf("stakepoold%d", i+1)), freeAddr(t)
		c.stakepools[i] = &proc{name: fmt.Sprintf("stakepoold %d", i+1), bin: "stakepoold", dir: d, addr: addr, args: []string{
			"--simnet", "--appdata", d, "--configfile", os.DevNull, "--coldwalletextpub", coldXpub, "--poolfees", poolFees,
			"--ecrdhost", nodeAddr, "--ecrduser", rpcUser, "--ecrdpassword", rpcPass, "--ecrdcert", nodeCert,
			"--wallethost", c.wallets[i].addr, "--walletuser", rpcUser, "--walletpassword", rpcPass,
			"--walletcert", filepath.Join(c.wallets[i].dir, "rpc.cert"), "--rpclisten", addr, "--debuglevel", "debug"}}
		c.stakepools[i].start(t)
		hosts = append(hosts, addr)
		certs = append(certs, filepath.Join(d, "rpc.cert"))
	}
	for _, sp := range c.stakepools {
		c.waitFile(sp, filepath.Join(sp.dir, "rpc.cert"))
	}

	webDir, webAddr := filepath.Join(dir, "web"), freeAddr(t)
	c.baseURL = "http://" + webAddr
	conf := filepath.Join(dir, "dcrstakepool.conf")
	lines := []string{
		"simnet=1", "listen=" + webAddr, "baseurl=" + c.baseURL,
		"apisecret=e2e-api-secret-0123456789abcdef0123456789abcdef",
		"cookiesecret=e2e-cookie-secret-0123456789abcdef0123456789ab",
		"coldwalletextpub=" + coldXpub, "votingwalletextpub=" + votingXpub,
		"stakepooldhosts=" + strings.Join(hosts, ","), "stakepooldcerts=" + strings.Join(certs, ","),
		"poolfees=" + poolFees, "adminips=127.0.0.1", "adminuserids=1",
		"smtphost=" + c.mail.Addr, "smtpfrom=pool@e2e.example", "nocaptcha=1",
		"dbpath=" + filepath.Join(webDir, "dcrstakepool.db"), "logdir=" + filepath.Join(webDir, "logs"),
		"templatepath=" + filepath.Join(repoRoot(t), "views"), "publicpath=" + filepath.Join(repoRoot(t), "public"),
		"designation=E2E",
	}
	lines = append(lines, o.extraConfig...)
	if err := os.MkdirAll(webDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(binDir, "dcrstakepool"), "--configfile", conf,
		"--createuser", adminEmail, "--createuserpassword", adminPass).CombinedOutput()
	if err != nil {
		t.Fatalf("create admin account: %v\n%s", err, out)
	}
	c.web = &proc{name: "dcrstakepool", bin: "dcrstakepool", dir: webDir, addr: webAddr, args: []string{"--configfile", conf}}
	c.web.start(t)
	c.waitStatus(http.StatusOK, 90*time.Second)
	return c
}

func (c *cluster) shutdown() {
	if c.watcher != nil {
		c.watcher.close()
	}
	for _, p := range []*proc{c.web, c.stakepools[0], c.stakepools[1], c.wallets[0], c.wallets[1], c.userWallet, c.node} {
		if p != nil {
			p.stop()
		}
	}
	if c.t.Failed() {
		c.t.Logf("cluster data kept in %s", c.dir)
		return
	}
	os.RemoveAll(c.dir)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// rpcOptions addresses p's JSON-RPC server.
func rpcOptions(p *proc, wallet bool) ctl.Options {
	return ctl.Options{Wallet: wallet, Server: p.addr, User: rpcUser, Pass: rpcPass,
		Cert: filepath.Join(p.dir, "rpc.cert"), Timeout: 30 * time.Second}
}

// call invokes method on a node or wallet process and decodes the result
// into res (when not nil); it fails the test on error.
func (c *cluster) call(p *proc, res any, method string, params ...any) {
	c.t.Helper()
	if err := c.tryCall(p, res, method, params...); err != nil {
		c.t.Fatalf("%s %s %v: %v\n--- %s log:\n%s", p.name, method, params, err, p.name, p.logTail())
	}
}

func (c *cluster) tryCall(p *proc, res any, method string, params ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return proctest.Call(ctx, rpcOptions(p, p.bin == "simnet" && p != c.node), method, res, params...)
}

// waitRPC waits until p answers a harmless call.
func (c *cluster) waitRPC(p *proc, wallet bool) {
	c.t.Helper()
	method := "getblockcount"
	if wallet {
		method = "walletinfo"
	}
	waitFor(c.t, 60*time.Second, p.name+" RPC", func() error {
		if !p.running() {
			return fmt.Errorf("%s exited:\n%s", p.name, p.logTail())
		}
		return c.tryCall(p, nil, method)
	})
}

func (c *cluster) waitFile(p *proc, path string) {
	c.t.Helper()
	waitFor(c.t, 60*time.Second, path, func() error {
		if !p.running() {
			return fmt.Errorf("%s exited:\n%s", p.name, p.logTail())
		}
		_, err := os.Stat(path)
		return err
	})
}

// status fetches /status and returns its code and one-line body.
func (c *cluster) status() (int, string) {
	resp, err := http.Get(c.baseURL + "/status")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 512)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return resp.StatusCode, strings.TrimSpace(b.String())
}

// waitStatus waits until /status answers code.
func (c *cluster) waitStatus(code int, timeout time.Duration) string {
	c.t.Helper()
	var body string
	waitFor(c.t, timeout, "/status "+strconv.Itoa(code), func() error {
		if !c.web.running() {
			return fmt.Errorf("dcrstakepool exited:\n%s", c.web.logTail())
		}
		var got int
		got, body = c.status()
		if got != code {
			return fmt.Errorf("/status = %d %q", got, body)
		}
		return nil
	})
	return body
}

// waitFor retries f until it returns nil, failing the test with f's last
// error after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, f func() error) {
	t.Helper()
	if err := proctest.Wait(timeout, 200*time.Millisecond, f); err != nil {
		t.Fatalf("timed out waiting for %s: %v", what, err)
	}
}
