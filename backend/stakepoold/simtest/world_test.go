package simtest

import (
	"os"
	"path/filepath"
	"testing"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// newWorld starts the simulator (node, a user wallet, two voting wallets
// sharing a seed), two stakepoolds (spExtra added to their command lines),
// registers two users the way the front end does, pushes their
// preferences, and buys good and low-fee tickets until they are live.
func newWorld(t *testing.T, spExtra ...string) *world {
	t.Helper()
	root := t.TempDir()
	if d := os.Getenv("SIMTEST_KEEP"); d != "" {
		root = d // keep the processes' logs for a post-mortem
	}
	w := &world{t: t, root: root, owner: map[string]int64{}, low: map[string]bool{}, added: map[string]bool{},
		bits: map[int64]uint16{}, done: map[string]bool{}}
	miningAddr := addrAt(t, accountXpub(t, userSeed), 0)
	w.node = startSim(t, "node", filepath.Join(root, "node"),
		append([]string{"--miningaddr", miningAddr, "--stakeenabledheight", "8"}, chainArgs...)...)
	walletArgs := func(extra ...string) []string {
		a := []string{"--rpcconnect", w.node.addr, "--cafile", filepath.Join(w.node.dir, "rpc.cert")}
		return append(append(a, chainArgs...), extra...)
	}
	w.user = startSim(t, "wallet", filepath.Join(root, "user"), walletArgs("--seed", userSeed)...)
	cold := accountXpub(t, coldSeed)
	w.cold = cold
	w.voting = startSim(t, "wallet", filepath.Join(root, "voting"),
		walletArgs("--seed", poolSeed, "--stakepoolcoldextkey="+cold.String()+":100", "--poolfees", "5")...)
	w.voting2 = startSim(t, "wallet", filepath.Join(root, "voting2"),
		walletArgs("--seed", poolSeed, "--stakepoolcoldextkey="+cold.String()+":100", "--poolfees", "5")...)
	w.generate(150) // past simnet's stake validation height (144)
	w.watchWinners()

	spArgs := func(dir, listen, metrics string, wallet *proc) []string {
		a := []string{"--simnet", "--appdata", dir, "--coldwalletextpub", cold.String(), "--poolfees", "5",
			"--feeaddresses", "100", "-d", "debug",
			"--ecrdhost", w.node.addr, "--ecrduser", "user", "--ecrdpassword", "pass", "--ecrdcert", filepath.Join(w.node.dir, "rpc.cert"),
			"--wallethost", wallet.addr, "--walletuser", "user", "--walletpassword", "pass", "--walletcert", filepath.Join(wallet.dir, "rpc.cert"),
			"--rpclisten", listen, "--metricslisten", metrics}
		return append(a, spExtra...)
	}
	w.metrics = [2]string{freePort(t), freePort(t)}
	w.spDir = filepath.Join(root, "stakepoold")
	w.spAddr = freePort(t)
	w.spArgs = spArgs(w.spDir, w.spAddr, w.metrics[0], w.voting)
	w.startStakepoold()
	c := w.c
	sp2Dir, sp2Addr := filepath.Join(root, "stakepoold2"), freePort(t)
	w.sp2Dir, w.sp2Addr, w.sp2Args = sp2Dir, sp2Addr, spArgs(sp2Dir, sp2Addr, w.metrics[1], w.voting2)
	w.sp2 = startStakepoold(t, sp2Dir, w.sp2Args...)
	w.c2 = dialStakepoold(t, filepath.Join(sp2Dir, "rpc.cert"), sp2Addr)

	// The front end's address flow for two users.
	ags, err := c.GetAgendas(ctx(t), &pb.GetAgendasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	yes, no := uint16(0), uint16(0)
	if len(ags.Agendas) > 0 {
		for _, ch := range ags.Agendas[0].Choices {
			switch {
			case ch.IsNo:
				no = uint16(ch.Bits)
			case !ch.IsAbstain:
				yes = uint16(ch.Bits)
			}
		}
	}
	w.bits[1], w.bits[2] = 1|yes, 1|no
	if w.bits[1] == w.bits[2] {
		t.Fatalf("agendas %v give no way to tell users apart", ags)
	}
	poolXpub := accountXpub(t, poolSeed)
	ms := map[int64]*pb.CreateMultisigResponse{}
	var prefs []*pb.UserVotingPrefs
	health, _ := c.Health(ctx(t), &pb.HealthRequest{})
	for _, id := range []int64{1, 2} {
		var ua string
		var uva rpcjson.ValidateAddressWalletResult
		w.user.must("getnewaddress", &ua)
		w.user.must("validateaddress", &uva, ua)
		// Every back end derives the same pool key and builds the same
		// script, as the front end checks.
		for _, cl := range []pb.StakepooldClient{c, w.c2} {
			if _, err := cl.AccountSyncAddressIndex(ctx(t), &pb.AccountSyncAddressIndexRequest{Account: "default", Index: uint32(id)}); err != nil {
				t.Fatal(err)
			}
			va, err := cl.ValidateAddress(ctx(t), &pb.ValidateAddressRequest{Address: addrAt(t, poolXpub, uint32(id))})
			if err != nil || !va.IsMine {
				t.Fatalf("pool key of user %d: %v %v", id, va, err)
			}
			m, err := cl.CreateMultisig(ctx(t), &pb.CreateMultisigRequest{Addresses: []string{va.PubkeyAddr, uva.PubKeyAddr}})
			if err != nil {
				t.Fatal(err)
			}
			if prev := ms[id]; prev != nil && (prev.Address != m.Address || string(prev.RedeemScript) != string(m.RedeemScript)) {
				t.Fatalf("back ends disagree on user %d's multisig: %v vs %v", id, prev, m)
			}
			if _, err := cl.ImportScript(ctx(t), &pb.ImportScriptRequest{Script: m.RedeemScript}); err != nil {
				t.Fatal(err)
			}
			ms[id] = m
		}
		prefs = append(prefs, &pb.UserVotingPrefs{UserId: id, MultisigAddress: ms[id].Address, VoteBits: uint32(w.bits[id]),
			VoteBitsVersion: health.VoteVersion})
	}
	for _, cl := range []pb.StakepooldClient{c, w.c2} {
		if _, err := cl.SetUserVotingPrefs(ctx(t), &pb.SetUserVotingPrefsRequest{Users: prefs}); err != nil {
			t.Fatal(err)
		}
	}
	w.ms, w.prefs = ms, prefs

	// Tickets: good ones for both users, and low-fee ones for user 1.
	buy := func(id int64, n int, fees float64, low bool) {
		var hs []string
		w.user.must("purchaseticket", &hs, "default", 10, 1, ms[id].Address, n, addrAt(t, cold, uint32(id)), fees)
		for _, h := range hs {
			w.owner[h] = id
			if low {
				w.low[h] = true
			}
		}
	}
	// Three rounds (at most 20 new tickets fit in a block) so that the
	// small pool lasts for the whole scenario.
	for round := 0; round < 3; round++ {
		buy(1, 8, 5, false)
		buy(2, 6, 5, false)
		buy(1, 6, 0.5, true)
		w.step()
	}

	// Until all tickets are live, good tickets are voted with their
	// owner's bits, low-fee ones are not.
	for i := 0; i < 4; i++ {
		w.step()
	}
	return w
}
