package votelatency

import (
	"context"
	"fmt"
	"sort"
	"time"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/internal/proccpu"
	"github.com/eacred/dcrstakepool/machineinfo"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// Options configure a run.
type Options struct {
	BinDir string // simnet, stakepoold and votefloor (see Build)
	Dir    string // data root
	// Rounds of one pool phase and one floor phase, each of Blocks
	// measured blocks (after Warmup blocks that are not counted).
	Rounds, Blocks, Warmup int
	// Interval between blocks; a block whose five votes are not in the
	// mempool by then waits up to MaxWait more.
	Interval, MaxWait time.Duration
	Users             int  // pool users owning the tickets
	SerialFloor       bool // the floor votes the winners one after another
	// StakepooldArgs are added to both stakepoolds' command lines.
	StakepooldArgs []string
	// ProfileDir, when set, runs the node, the voting wallets, the
	// stakepoolds and the votefloors with --profile and saves there the
	// CPU profiles of the first pool phase and of the first floor phase,
	// and their block and mutex profiles before and after it (compare
	// with go tool pprof -base), named after the phase and the process.
	ProfileDir string
	Logf       func(format string, args ...any)
}

// cluster is the running topology.
type cluster struct {
	opt       Options
	node      *proc
	user      *proc
	wallets   [2]*proc
	sps       [2]*proc
	floors    [2]*proc
	nodeRPC   *rpcclient.Client
	userRPC   *rpcclient.Client
	cold      *hdkeychain.ExtendedKey
	multisigs []string
	prefs     []*pb.UserVotingPrefs
	tickets   int
	profiled  map[bool]bool // a floor (true) or pool (false) phase was profiled
}

func (c *cluster) logf(format string, args ...any) {
	if c.opt.Logf != nil {
		c.opt.Logf(format, args...)
	}
}

// Run starts everything under opt.Dir, measures and stops everything.
func Run(ctx context.Context, opt Options) (*Report, error) {
	c := &cluster{opt: opt, profiled: map[bool]bool{}}
	defer c.close()
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	rep := &Report{Options: opt, Tickets: c.tickets, LoadStart: loadAvg(), Machine: machineinfo.Line()}
	for r := 0; r < opt.Rounds; r++ {
		for _, floor := range []bool{false, true} {
			ph, err := c.phase(ctx, floor)
			if err != nil {
				return nil, err
			}
			rep.add(ph)
		}
	}
	rep.LoadEnd = loadAvg()
	return rep, nil
}

func (c *cluster) close() {
	for _, p := range []*proc{c.floors[0], c.floors[1], c.sps[0], c.sps[1]} {
		if p != nil {
			if err := stop(p); err != nil {
				c.logf("close: %v", err)
			}
		}
	}
	if c.nodeRPC != nil {
		c.nodeRPC.Close()
	}
	if c.userRPC != nil {
		c.userRPC.Close()
	}
	for _, p := range []*proc{c.wallets[0], c.wallets[1], c.user, c.node} {
		if p != nil {
			if err := stop(p); err != nil {
				c.logf("close: %v", err)
			}
		}
	}
}

// start brings up the simulator and the stakepoolds, registers the users
// and buys enough pool tickets for the whole run, all live.
func (c *cluster) start(ctx context.Context) error {
	userX, err := accountXpub(userSeed)
	if err != nil {
		return err
	}
	if c.cold, err = accountXpub(coldSeed); err != nil {
		return err
	}
	miningAddr, err := addrAt(userX, 0)
	if err != nil {
		return err
	}
	c.node = c.newProc("node", "simnet", "node")
	c.node.role = "node"
	// A long stake difficulty window keeps the ticket price at the
	// minimum while the whole run's tickets are bought.
	nodeArgs := append([]string{"--miningaddr", miningAddr, "--votetrace", "--stakediffwindow", "100000",
		"--maxfreshstake", "255"}, chainArgs...)
	if err := c.startSim(c.node, c.profileArgs(c.node, nodeArgs)...); err != nil {
		return err
	}
	walletArgs := func(extra ...string) []string {
		a := append([]string{"--rpcconnect", c.node.addr, "--cafile", c.node.cert()}, chainArgs...)
		return append(a, extra...)
	}
	c.user = c.newProc("user wallet", "simnet", "user")
	c.user.role = "wallet"
	if err := c.startSim(c.user, walletArgs("--seed", userSeed)...); err != nil {
		return err
	}
	for i := range c.wallets {
		w := c.newProc(fmt.Sprintf("voting wallet %d", i+1), "simnet", fmt.Sprintf("wallet%d", i+1))
		w.role = "wallet"
		if err := c.startSim(w, c.profileArgs(w, walletArgs("--seed", poolSeed, "--stakepoolcoldextkey="+c.cold.String()+":1000",
			"--poolfees", poolFees))...); err != nil {
			return err
		}
		c.wallets[i] = w
	}
	if c.nodeRPC, err = dialRPC(ctx, c.node); err != nil {
		return err
	}
	if c.userRPC, err = dialRPC(ctx, c.user); err != nil {
		return err
	}
	if err := c.generate(ctx, 150); err != nil { // past simnet's stake validation height (144)
		return err
	}
	for i := range c.sps {
		c.sps[i] = c.newProc(fmt.Sprintf("stakepoold %d", i+1), "stakepoold", fmt.Sprintf("stakepoold%d", i+1))
		c.sps[i].addr = freeAddr()
	}
	if err := c.startStakepoolds(ctx); err != nil {
		return err
	}
	if err := c.setUpUsers(ctx); err != nil {
		return err
	}
	if err := c.buyTickets(ctx); err != nil {
		return err
	}
	// The user's wallet bought every ticket of the run and is not part of
	// what is measured (a pool's servers run a node, voting wallets and
	// stakepoolds): stopped, it does not follow each block on the same
	// two cores while the votes are cast.
	c.userRPC.Close()
	c.userRPC = nil
	if err := stop(c.user); err != nil {
		return err
	}
	c.logf("user wallet stopped for the measurement")
	return nil
}

func (c *cluster) stakepooldArgs(i int) []string {
	sp, w := c.sps[i], c.wallets[i]
	a := []string{"--simnet", "--appdata", sp.Dir, "--configfile", "/dev/null", "--coldwalletextpub", c.cold.String(),
		"--poolfees", poolFees, "--feeaddresses", "1000",
		"--ecrdhost", c.node.addr, "--ecrduser", rpcUser, "--ecrdpassword", rpcPass, "--ecrdcert", c.node.cert(),
		"--wallethost", w.addr, "--walletuser", rpcUser, "--walletpassword", rpcPass, "--walletcert", w.cert(),
		"--rpclisten", sp.addr}
	return c.profileArgs(sp, append(a, c.opt.StakepooldArgs...))
}

// stakepooldReady is the line stakepoold logs once it follows the chain.
const stakepooldReady = "stakepoold is running"

// startStakepoolds starts both daemons one after the other (so their node
// connections are numbered in order) and pushes the users' preferences,
// as the front end does when a stakepoold comes back.
func (c *cluster) startStakepoolds(ctx context.Context) error {
	for i, sp := range c.sps {
		sp.Args = c.stakepooldArgs(i)
		offset := len(sp.Output())
		if err := sp.Start(); err != nil {
			return err
		}
		if err := waitOutput(sp, offset, stakepooldReady, 90*time.Second); err != nil {
			return err
		}
	}
	if len(c.prefs) > 0 {
		return c.eachStakepoold(ctx, func(cl pb.StakepooldClient) error {
			_, err := cl.SetUserVotingPrefs(ctx, &pb.SetUserVotingPrefsRequest{Users: c.prefs})
			return err
		})
	}
	return nil
}

func (c *cluster) eachStakepoold(ctx context.Context, f func(pb.StakepooldClient) error) error {
	for _, sp := range c.sps {
		cl, conn, err := dialStakepoold(sp)
		if err != nil {
			return err
		}
		err = f(cl)
		_ = conn.Close() // a client connection: f's error is what matters
		if err != nil {
			return fmt.Errorf("%s: %w", sp.Name, err)
		}
	}
	return nil
}

// setUpUsers runs the front end's address flow for each user on both
// back ends and pushes their preferences.
func (c *cluster) setUpUsers(ctx context.Context) error {
	poolX, err := accountXpub(poolSeed)
	if err != nil {
		return err
	}
	var version uint32
	scripts := map[int64]*pb.CreateMultisigResponse{}
	err = c.eachStakepoold(ctx, func(cl pb.StakepooldClient) error {
		h, err := cl.Health(ctx, &pb.HealthRequest{})
		if err != nil {
			return err
		}
		version = h.VoteVersion
		for id := int64(1); id <= int64(c.opt.Users); id++ {
			var ua string
			if err := c.userRPC.Call(ctx, rpcjson.MethodGetNewAddress, &ua); err != nil {
				return err
			}
			uva, err := c.userRPC.ValidateAddress(ctx, ua)
			if err != nil {
				return err
			}
			if _, err := cl.AccountSyncAddressIndex(ctx, &pb.AccountSyncAddressIndexRequest{Account: "default",
				Index: uint32(id)}); err != nil {
				return err
			}
			pk, err := addrAt(poolX, uint32(id))
			if err != nil {
				return err
			}
			va, err := cl.ValidateAddress(ctx, &pb.ValidateAddressRequest{Address: pk})
			if err != nil || !va.IsMine {
				return fmt.Errorf("pool key of user %d: %v %v", id, va, err)
			}
			if prev := scripts[id]; prev != nil {
				// The second back end imports the first one's script.
				_, err = cl.ImportScript(ctx, &pb.ImportScriptRequest{Script: prev.RedeemScript})
				if err != nil {
					return err
				}
				continue
			}
			m, err := cl.CreateMultisig(ctx, &pb.CreateMultisigRequest{Addresses: []string{va.PubkeyAddr, uva.PubKeyAddr}})
			if err != nil {
				return err
			}
			if _, err := cl.ImportScript(ctx, &pb.ImportScriptRequest{Script: m.RedeemScript}); err != nil {
				return err
			}
			scripts[id] = m
		}
		return nil
	})
	if err != nil {
		return err
	}
	for id := int64(1); id <= int64(c.opt.Users); id++ {
		c.multisigs = append(c.multisigs, scripts[id].Address)
		c.prefs = append(c.prefs, &pb.UserVotingPrefs{UserId: id, MultisigAddress: scripts[id].Address, VoteBits: 1,
			VoteBitsVersion: version})
	}
	return c.eachStakepoold(ctx, func(cl pb.StakepooldClient) error {
		_, err := cl.SetUserVotingPrefs(ctx, &pb.SetUserVotingPrefsRequest{Users: c.prefs})
		return err
	})
}

// buyTickets buys the run's tickets for the users in turn, 200 a block,
// and mines until all are live and both stakepoolds know them.
func (c *cluster) buyTickets(ctx context.Context) error {
	o := c.opt
	need := o.Rounds*2*(o.Blocks+o.Warmup)*5 + 100
	bought := 0
	for bought < need {
		for i, ms := range c.multisigs {
			n := min(200/len(c.multisigs), need-bought)
			if n <= 0 {
				break
			}
			fee, err := addrAt(c.cold, uint32(i+1))
			if err != nil {
				return err
			}
			var hs []string
			if err := c.userRPC.Call(ctx, rpcjson.MethodPurchaseTicket, &hs, "default", 10, 1, ms, n, fee, 5); err != nil {
				return fmt.Errorf("purchaseticket: %w", err)
			}
			bought += len(hs)
		}
		if err := c.generate(ctx, 1); err != nil {
			return err
		}
	}
	c.tickets = bought
	c.logf("bought %d pool tickets", bought)
	if err := c.generate(ctx, 5); err != nil { // ticket maturity 4
		return err
	}
	// Both wallets at the tip, then a restart: stakepoold loads every
	// ticket from its wallet (a newtickets notification handled before
	// the wallet saw the block leaves tickets to be found at vote time).
	if err := c.waitWalletsSynced(ctx); err != nil {
		return err
	}
	for _, sp := range c.sps {
		if err := stop(sp); err != nil {
			return err
		}
	}
	if err := c.startStakepoolds(ctx); err != nil {
		return err
	}
	var live rpcjson.TicketsResult
	if err := c.nodeRPC.Call(ctx, "livetickets", &live); err != nil {
		return err
	}
	deadline := time.Now().Add(120 * time.Second)
	for {
		var known []uint32
		err := c.eachStakepoold(ctx, func(cl pb.StakepooldClient) error {
			h, err := cl.Health(ctx, &pb.HealthRequest{})
			if err == nil {
				known = append(known, h.LiveTickets)
			}
			return err
		})
		if err != nil {
			return err
		}
		if len(known) == 2 && int(known[0]) == len(live.Tickets) && int(known[1]) == len(live.Tickets) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stakepoolds know %v of the %d live tickets", known, len(live.Tickets))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitWalletsSynced waits until both voting wallets are at the node's tip.
func (c *cluster) waitWalletsSynced(ctx context.Context) error {
	var best rpcjson.GetBestBlockResult
	if err := c.nodeRPC.Call(ctx, "getbestblock", &best); err != nil {
		return err
	}
	for _, w := range c.wallets {
		cl, err := dialRPC(ctx, w)
		if err != nil {
			return err
		}
		err = proctest.Wait(60*time.Second, 50*time.Millisecond, func() error {
			var wb rpcjson.GetBestBlockResult
			if err := cl.Call(ctx, "getbestblock", &wb); err != nil {
				return err
			}
			if wb.Hash != best.Hash {
				return fmt.Errorf("%s at %d, node at %d", w.Name, wb.Height, best.Height)
			}
			return nil
		})
		cl.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *cluster) generate(ctx context.Context, n int) error {
	var hs []string
	if err := c.nodeRPC.Call(ctx, "generate", &hs, n); err != nil {
		return fmt.Errorf("generate %d: %w", n, err)
	}
	return nil
}

// Phase is what the node traced during one phase.
type Phase struct {
	Floor  bool
	Blocks []string // the measured blocks' hashes (their winners voted)
	Votes  []traceVote
	Slow   int // blocks whose votes took longer than the interval
	// CPU is the CPU time the processes used over the measured blocks:
	// the node, the voting wallets and the voters (stakepoolds or
	// votefloors).
	CPU CPUUse
}

// CPUUse is CPU time by process role.
type CPUUse struct {
	Node, VotingWallets, Voters time.Duration
}

// cpuNow reads every running process's CPU time (see proccpu).
func (c *cluster) cpuNow(floor bool) CPUUse {
	of := func(ps ...*proc) time.Duration {
		var d time.Duration
		for _, p := range ps {
			if p != nil && p.Running() {
				d += proccpu.Of(p.Pid())
			}
		}
		return d
	}
	u := CPUUse{Node: of(c.node), VotingWallets: of(c.wallets[0], c.wallets[1])}
	if floor {
		u.Voters = of(c.floors[0], c.floors[1])
	} else {
		u.Voters = of(c.sps[0], c.sps[1])
	}
	return u
}

func (u CPUUse) sub(v CPUUse) CPUUse {
	return CPUUse{u.Node - v.Node, u.VotingWallets - v.VotingWallets, u.Voters - v.Voters}
}

func (u CPUUse) add(v CPUUse) CPUUse {
	return CPUUse{u.Node + v.Node, u.VotingWallets + v.VotingWallets, u.Voters + v.Voters}
}

// phase starts the voters (stakepoolds or floors), mines Warmup blocks,
// clears the trace, mines Blocks blocks and reads the trace.
func (c *cluster) phase(ctx context.Context, floor bool) (*Phase, error) {
	what := "pool"
	if floor {
		what = "floor"
		for _, sp := range c.sps {
			if err := stop(sp); err != nil {
				return nil, err
			}
		}
		if err := c.startFloors(); err != nil {
			return nil, err
		}
	} else {
		for i, f := range c.floors {
			if f != nil {
				if err := stop(f); err != nil {
					return nil, err
				}
				c.floors[i] = nil
			}
		}
		if !c.sps[0].Running() {
			if err := c.startStakepoolds(ctx); err != nil {
				return nil, err
			}
		}
	}
	ph := &Phase{Floor: floor}
	for i := 0; i < c.opt.Warmup; i++ {
		if _, err := c.block(ctx, nil); err != nil {
			return nil, err
		}
	}
	if _, err := c.trace(ctx, true); err != nil {
		return nil, err
	}
	if c.opt.ProfileDir != "" && !c.profiled[floor] {
		c.profiled[floor] = true
		done := c.profile(what, time.Duration(c.opt.Blocks)*c.opt.Interval, floor)
		defer done()
	}
	cpu0 := c.cpuNow(floor)
	for i := 0; i < c.opt.Blocks; i++ {
		if _, err := c.block(ctx, ph); err != nil {
			return nil, err
		}
	}
	ph.CPU = c.cpuNow(floor).sub(cpu0)
	// The last block's late copies.
	time.Sleep(c.opt.Interval)
	tr, err := c.trace(ctx, true)
	if err != nil {
		return nil, err
	}
	ph.Votes = tr.Votes
	c.logf("%s phase: %d blocks, %d votes traced, %d slow blocks", what, len(ph.Blocks), len(ph.Votes), ph.Slow)
	return ph, nil
}

// block mines one block and waits the interval, and then until its five
// votes are in the mempool (up to MaxWait more).
func (c *cluster) block(ctx context.Context, ph *Phase) (string, error) {
	start := time.Now()
	var hs []string
	if err := c.nodeRPC.Call(ctx, "generate", &hs, 1); err != nil {
		return "", fmt.Errorf("generate: %w", err)
	}
	time.Sleep(time.Until(start.Add(c.opt.Interval)))
	deadline := time.Now().Add(c.opt.MaxWait)
	slow := false
	for {
		var votes []string
		if err := c.nodeRPC.Call(ctx, "getrawmempool", &votes, false, "votes"); err != nil {
			return "", err
		}
		if len(votes) >= 5 || time.Now().After(deadline) {
			break
		}
		slow = true
		time.Sleep(10 * time.Millisecond)
	}
	if ph != nil {
		ph.Blocks = append(ph.Blocks, hs[0])
		if slow {
			ph.Slow++
		}
	}
	return hs[0], nil
}

func (c *cluster) startFloors() error {
	for i, w := range c.wallets {
		f := c.newProc(fmt.Sprintf("votefloor %d", i+1), "votefloor", fmt.Sprintf("floor%d", i+1))
		f.Args = []string{"-node", c.node.addr, "-nodecert", c.node.cert(), "-wallet", w.addr, "-walletcert", w.cert(),
			"-user", rpcUser, "-pass", rpcPass}
		if c.opt.ProfileDir != "" {
			f.profile = freeAddr()
			f.Args = append(f.Args, "-profile", f.profile)
		}
		if c.opt.SerialFloor {
			f.Args = append(f.Args, "-serial")
		}
		offset := len(f.Output())
		if err := f.Start(); err != nil {
			return err
		}
		c.floors[i] = f
		if err := waitOutput(f, offset, "votefloor is running", 30*time.Second); err != nil {
			return err
		}
	}
	return nil
}

// traceVote is one vote of the node's trace (simnet/node TraceVote).
type traceVote struct {
	Client    uint64 `json:"client"`
	Ticket    string `json:"ticket"`
	Block     string `json:"block"`
	Outcome   string `json:"outcome"`
	LatencyNs int64  `json:"latencyns"`
}

type traceResult struct {
	Votes []traceVote `json:"votes"`
}

func (c *cluster) trace(ctx context.Context, clear bool) (*traceResult, error) {
	var tr traceResult
	if err := c.nodeRPC.Call(ctx, "getvotetrace", &tr, clear); err != nil {
		return nil, fmt.Errorf("getvotetrace: %w", err)
	}
	return &tr, nil
}

// clients lists the connections that voted, in connection order.
func (ph *Phase) clients() []uint64 {
	seen := map[uint64]bool{}
	var out []uint64
	for _, v := range ph.Votes {
		if !seen[v.Client] {
			seen[v.Client] = true
			out = append(out, v.Client)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
