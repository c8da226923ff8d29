package faultmatrix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/eacred/dcrstakepool/simnet/ctl"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// Public, simulated-network-only identities (the harness's).
const (
	votingSeed = "b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7b0a7"
	userSeed   = "05e405e405e405e405e405e405e405e405e405e405e405e405e405e405e405e4"
	coldXpub   = "spubVW8um8rr8mTbncLX5BWVgef6ZN8DVHMphUU49cVsFDkc8BL5z6Dh7dEU4ctAcB7vNvbqi6YMTfECvwqWTdzx6K6qxBWyEKDun2wZCbAEHt6"
	poolFees   = "7.5"
	rpcUser    = "user"
	rpcPass    = "pass"
)

// Options configure a Cluster.
type Options struct {
	BinDir       string        // simnet, stakepoold and dcrstakepool binaries (see Build)
	Dir          string        // data root; every server gets its own folder under it
	RepoRoot     string        // for the front end's views/ and public/
	MineInterval time.Duration // the node's block timer
	// TicketUsers get tickets and fixed, distinct vote bits; WriterUsers
	// only receive vote-choice changes (the rows-lost count).
	TicketUsers, WriterUsers int
	// InitialTickets are bought before the measurement starts; TicketsPerBlock
	// more after every block keep the live pool steady.
	InitialTickets, TicketsPerBlock int
	// WebConf are extra dcrstakepool.conf lines (the web-load run sets the
	// client-address header an operator sets behind nginx).
	WebConf []string
	Logf    func(format string, args ...any)
}

// Proc is one daemon of the topology.
type Proc struct {
	proctest.Proc
	Addr    string // RPC or HTTP listen address
	frozen  bool
	stopSig syscall.Signal // asks for a clean shutdown; SIGINT when 0
}

// Signal sends sig to the running process.
func (p *Proc) Signal(sig syscall.Signal) error {
	if !p.Running() {
		return fmt.Errorf("%s is not running", p.Name)
	}
	return syscall.Kill(p.Pid(), sig)
}

// Freeze stops the process (SIGSTOP); Thaw resumes it. The processes are
// children of this program, not of a tmux pane, so nothing resumes them
// behind the test's back.
func (p *Proc) Freeze() error { p.frozen = true; return p.Signal(syscall.SIGSTOP) }

// Thaw resumes a frozen process.
func (p *Proc) Thaw() error { p.frozen = false; return p.Signal(syscall.SIGCONT) }

// Cluster is the harness topology as real processes.
type Cluster struct {
	opt         Options
	Node        *Proc
	UserWallet  *Proc
	Wallets     [2]*Proc
	Stakepoolds [2]*Proc
	Web         *Proc
	DB          *MariaDB
	NodeCert    string
	BaseURL     string
	Users       []*User // ticket users first, then writer users
	Watcher     *Watcher
	Buyer       *Buyer
	dbName      string
	closeOnce   sync.Once
}

// Build compiles the three daemons into dir.
func Build(dir string) error {
	return proctest.Build(dir+string(os.PathSeparator), false, "github.com/eacred/dcrstakepool/simnet",
		"github.com/eacred/dcrstakepool/backend/stakepoold", "github.com/eacred/dcrstakepool")
}

func freeAddr() (string, error) { return proctest.PickAddr() }

func (c *Cluster) logf(format string, args ...any) {
	if c.opt.Logf != nil {
		c.opt.Logf(format, args...)
	}
}

func (c *Cluster) newProc(name, bin, sub string, args func(dir, addr string) []string) (*Proc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(c.opt.Dir, sub)
	return &Proc{Addr: addr, Proc: proctest.Proc{Name: name, Bin: filepath.Join(c.opt.BinDir, bin), Dir: dir,
		OutFile: "proc.log", Args: args(dir, addr), Env: []string{"HOME=" + dir}}}, nil
}

// rpcOptions addresses a simulator process's JSON-RPC server.
func rpcOptions(p *Proc, wallet bool) ctl.Options {
	return ctl.Options{Wallet: wallet, Server: p.Addr, User: rpcUser, Pass: rpcPass,
		Cert: filepath.Join(p.Dir, "rpc.cert"), Timeout: 20 * time.Second}
}

// Call makes one JSON-RPC call to the node (wallet false) or a wallet.
func Call(p *Proc, wallet bool, res any, method string, params ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return proctest.Call(ctx, rpcOptions(p, wallet), method, res, params...)
}

func (c *Cluster) nodeCall(res any, method string, params ...any) error {
	return Call(c.Node, false, res, method, params...)
}

func waitRPC(p *Proc, wallet bool, timeout time.Duration) error {
	method := "getblockcount"
	if wallet {
		method = "walletinfo"
	}
	return wait(timeout, 100*time.Millisecond, func() error {
		if !p.Running() {
			return exited(p)
		}
		return Call(p, wallet, nil, method)
	})
}

// Start builds nothing: it starts every process from opt.BinDir, mines to
// stake validation height, creates the users and buys the first tickets.
// On error the processes started so far are stopped.
func Start(opt Options) (c *Cluster, err error) {
	c = &Cluster{opt: opt}
	defer func() {
		if err != nil {
			c.Close()
			c = nil
		}
	}()
	c.NodeCert = filepath.Join(opt.Dir, "node", "rpc.cert")
	nodeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	walletArgs := func(dir, addr, seed string, extra ...string) []string {
		return append([]string{"wallet", "--datadir", dir, "--rpclisten", addr, "--rpcuser", rpcUser, "--rpcpass", rpcPass,
			"--rpcconnect", nodeAddr, "--cafile", c.NodeCert, "--seed", seed}, extra...)
	}
	if c.UserWallet, err = c.newProc("user wallet", "simnet", "userwallet", func(d, a string) []string {
		return walletArgs(d, a, userSeed)
	}); err != nil {
		return nil, err
	}
	if err = c.UserWallet.Start(); err != nil {
		return nil, err
	}
	if err = waitRPC(c.UserWallet, true, 60*time.Second); err != nil {
		return nil, err
	}
	var miningAddr string
	if err = Call(c.UserWallet, true, &miningAddr, "getnewaddress"); err != nil {
		return nil, err
	}
	c.Node = &Proc{Addr: nodeAddr, Proc: proctest.Proc{Name: "node", Bin: filepath.Join(opt.BinDir, "simnet"),
		Dir: filepath.Join(opt.Dir, "node"), OutFile: "proc.log", Env: []string{"HOME=" + filepath.Join(opt.Dir, "node")},
		Args: []string{"node", "--datadir", filepath.Join(opt.Dir, "node"), "--rpclisten", nodeAddr, "--rpcuser", rpcUser,
			"--rpcpass", rpcPass, "--miningaddr", miningAddr, "--mineinterval", opt.MineInterval.String()}}}
	if err = c.Node.Start(); err != nil {
		return nil, err
	}
	if err = waitRPC(c.Node, false, 60*time.Second); err != nil {
		return nil, err
	}
	for i := range c.Wallets {
		if c.Wallets[i], err = c.newProc(fmt.Sprintf("voting wallet %d", i+1), "simnet", fmt.Sprintf("wallet%d", i+1),
			func(d, a string) []string {
				return walletArgs(d, a, votingSeed, "--stakepoolcoldextkey", coldXpub+":10000", "--poolfees", poolFees)
			}); err != nil {
			return nil, err
		}
		if err = c.Wallets[i].Start(); err != nil {
			return nil, err
		}
	}
	for _, w := range c.Wallets {
		if err = waitRPC(w, true, 60*time.Second); err != nil {
			return nil, err
		}
	}
	// Funds for the user wallet, and past stake validation height: the
	// first tickets are bought once votes are due, so their pool fee is
	// computed and checked by the rules in force from then on.
	var height int64
	if err = c.nodeCall(&height, "getblockcount"); err != nil {
		return nil, err
	}
	if n := 150 - height; n > 0 {
		if err = c.nodeCall(nil, "generate", n); err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
	}
	if c.Watcher, err = Watch(c.Node.Addr, c.NodeCert, c.logf); err != nil {
		return nil, err
	}
	if c.DB, err = StartMariaDB(filepath.Join(opt.Dir, "mariadb")); err != nil {
		return nil, err
	}
	if c.dbName, err = c.DB.CreateDatabase("pool"); err != nil {
		return nil, err
	}
	if err = c.startStakepoolds(nodeAddr); err != nil {
		return nil, err
	}
	if err = c.startWeb(); err != nil {
		return nil, err
	}
	if err = c.setUpUsers(); err != nil {
		return nil, err
	}
	c.Buyer = StartBuyer(c, opt.InitialTickets, opt.TicketsPerBlock)
	return c, c.waitTicketSupply(3, 180*time.Second)
}

// waitTicketSupply waits until n consecutive blocks called only pool
// tickets (all 5 winners bought by the buyer).
func (c *Cluster) waitTicketSupply(n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	tip, _ := c.Watcher.Tip()
	for h, run := tip, 0; run < n; h++ {
		if err := c.Watcher.WaitHeight(h+1, time.Until(deadline)); err != nil {
			return fmt.Errorf("the pool's tickets did not go live: %w", err)
		}
		b := c.Watcher.Get(h)
		pool := 0
		for _, w := range b.Winners {
			if c.Buyer.Owner(w) != nil {
				pool++
			}
		}
		if b.WinnersKnown && pool == 5 {
			run++
		} else {
			run = 0
		}
	}
	return nil
}

func (c *Cluster) startStakepoolds(nodeAddr string) error {
	for i := range c.Stakepoolds {
		w := c.Wallets[i]
		var err error
		c.Stakepoolds[i], err = c.newProc(fmt.Sprintf("stakepoold %d", i+1), "stakepoold", fmt.Sprintf("stakepoold%d", i+1),
			func(d, a string) []string {
				return []string{"--simnet", "--appdata", d, "--configfile", os.DevNull, "--coldwalletextpub", coldXpub,
					"--poolfees", poolFees, "--ecrdhost", nodeAddr, "--ecrduser", rpcUser, "--ecrdpassword", rpcPass,
					"--ecrdcert", c.NodeCert, "--wallethost", w.Addr, "--walletuser", rpcUser, "--walletpassword", rpcPass,
					"--walletcert", filepath.Join(w.Dir, "rpc.cert"), "--rpclisten", a, "--debuglevel", "debug"}
			})
		if err != nil {
			return err
		}
		if err := c.Stakepoolds[i].Start(); err != nil {
			return err
		}
	}
	for _, sp := range c.Stakepoolds {
		if err := WaitStakepooldRunning(sp, 0, 90*time.Second); err != nil {
			return err
		}
	}
	return nil
}

// stakepooldReady is the line stakepoold logs once it is connected to its
// wallet and node and follows the chain.
const stakepooldReady = "stakepoold is running"

// WaitStakepooldRunning waits until the stakepoold's output after offset
// says it runs, and returns nil, or an error when it exits or times out.
func WaitStakepooldRunning(sp *Proc, offset int64, timeout time.Duration) error {
	return wait(timeout, 25*time.Millisecond, func() error {
		if !sp.Running() {
			return exited(sp)
		}
		if strings.Contains(outputFrom(sp, offset), stakepooldReady) {
			return nil
		}
		return fmt.Errorf("%s not running yet", sp.Name)
	})
}

func outputFrom(p *Proc, offset int64) string {
	s := p.Output()
	if int64(len(s)) < offset {
		return ""
	}
	return s[offset:]
}

// StatePath is stakepoold i's state.json.
func (c *Cluster) StatePath(i int) string {
	return filepath.Join(c.Stakepoolds[i].Dir, "data", "simnet", "state.json")
}

func (c *Cluster) startWeb() error {
	var votingXpub string
	if err := Call(c.Wallets[0], true, &votingXpub, "getmasterpubkey", "default"); err != nil {
		return err
	}
	webDir := filepath.Join(c.opt.Dir, "web")
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	c.BaseURL = "http://" + addr
	var hosts, certs []string
	for _, sp := range c.Stakepoolds {
		hosts = append(hosts, sp.Addr)
		certs = append(certs, filepath.Join(sp.Dir, "rpc.cert"))
	}
	lines := []string{
		"simnet=1", "listen=" + addr, "baseurl=" + c.BaseURL,
		"apisecret=faults-api-secret-0123456789abcdef0123456789abcdef",
		"cookiesecret=faults-cookie-secret-0123456789abcdef0123456789",
		"coldwalletextpub=" + coldXpub, "votingwalletextpub=" + votingXpub,
		"stakepooldhosts=" + strings.Join(hosts, ","), "stakepooldcerts=" + strings.Join(certs, ","),
		"poolfees=" + poolFees, "adminips=127.0.0.1", "adminuserids=1", "nocaptcha=1",
		"dbtype=mysql", "dbhost=" + c.DB.Socket(), "dbname=" + c.dbName, "dbuser=root",
		"logdir=" + filepath.Join(webDir, "logs"),
		"templatepath=" + filepath.Join(c.opt.RepoRoot, "views"), "publicpath=" + filepath.Join(c.opt.RepoRoot, "public"),
	}
	lines = append(lines, c.opt.WebConf...)
	if err := os.MkdirAll(webDir, 0o700); err != nil {
		return err
	}
	conf := filepath.Join(webDir, "dcrstakepool.conf")
	if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	bin := filepath.Join(c.opt.BinDir, "dcrstakepool")
	for i := 0; i < c.opt.TicketUsers+c.opt.WriterUsers; i++ {
		u := &User{Email: fmt.Sprintf("user%d@faults.example", i+1), Password: "fault-matrix-password"}
		cmd := exec.Command(bin, "--configfile", conf, "--createuser", u.Email, "--createuserpassword", u.Password)
		cmd.Env = append(os.Environ(), "HOME="+webDir)
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				out = append(out, ee.Stderr...)
			}
			return fmt.Errorf("create user %s: %v\n%s", u.Email, err, out)
		}
		if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &u.ID); err != nil {
			return fmt.Errorf("create user %s: id line %q: %v", u.Email, out, err)
		}
		c.Users = append(c.Users, u)
	}
	c.Web = &Proc{Addr: addr, Proc: proctest.Proc{Name: "dcrstakepool", Bin: bin, Dir: webDir, OutFile: "proc.log",
		Args: []string{"--configfile", conf}, Env: []string{"HOME=" + webDir}}}
	if err := c.Web.Start(); err != nil {
		return err
	}
	return c.WaitStatusOK(90 * time.Second)
}

// WaitStatusOK waits until /status answers 200.
func (c *Cluster) WaitStatusOK(timeout time.Duration) error {
	return wait(timeout, 100*time.Millisecond, func() error {
		if !c.Web.Running() {
			return exited(c.Web)
		}
		code, body := c.Status(2 * time.Second)
		if code != 200 {
			return fmt.Errorf("/status = %d %q", code, body)
		}
		return nil
	})
}

// Procs lists every process (for RSS and shutdown), the database last.
func (c *Cluster) Procs() []*Proc {
	ps := []*Proc{c.Web, c.Stakepoolds[0], c.Stakepoolds[1], c.Wallets[0], c.Wallets[1], c.UserWallet, c.Node}
	if c.DB != nil {
		ps = append(ps, c.DB.Proc)
	}
	return ps
}

// CloseOnSignal closes c when the program gets SIGINT or SIGTERM and then
// exits with status 1, so an interrupted run leaves no daemon behind. The
// returned function stops watching.
func (c *Cluster) CloseOnSignal() (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			fmt.Fprintf(os.Stderr, "faultmatrix: %v: stopping every process\n", s)
			c.Close()
			os.Exit(1)
		case <-done:
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}

// Close stops everything (a frozen process is resumed first).
func (c *Cluster) Close() {
	c.closeOnce.Do(c.close)
}

func (c *Cluster) close() {
	if c.Buyer != nil {
		c.Buyer.Stop()
	}
	if c.Watcher != nil {
		c.Watcher.Close()
	}
	for _, p := range c.Procs() {
		if p == nil {
			continue
		}
		if p.frozen {
			if err := p.Thaw(); err != nil {
				c.logf("close: resume %s: %v", p.Name, err)
			}
		}
		sig := p.stopSig
		if sig == 0 {
			sig = syscall.SIGINT
		}
		if err := p.Stop(sig, 10*time.Second); err != nil {
			c.logf("close: stop %s: %v", p.Name, err)
		}
	}
	if c.DB != nil {
		if err := c.DB.root.Close(); err != nil {
			c.logf("close: database connection: %v", err)
		}
		os.RemoveAll(filepath.Dir(c.DB.sock)) // the short socket folder outside Dir
	}
}

// exitedError is returned by a readiness check whose process has exited:
// waiting longer cannot help.
type exitedError struct{ err error }

func (e exitedError) Error() string { return e.err.Error() }

// exited reports that p has exited, with the end of its output.
func exited(p *Proc) error {
	return exitedError{fmt.Errorf("%s exited (%v):\n%s", p.Name, p.ExitErr(), p.Tail(2000))}
}

// wait is proctest.Wait that gives up at once when ready reports an
// exited process.
func wait(timeout, poll time.Duration, ready func() error) error {
	var stop error
	err := proctest.Wait(timeout, poll, func() error {
		err := ready()
		if errors.As(err, new(exitedError)) {
			stop = err
			return nil
		}
		return err
	})
	if stop != nil {
		return stop
	}
	return err
}

// DBName is the front end's database on DB.
func (c *Cluster) DBName() string { return c.dbName }
