package eacred_test

// Vector handlers for the transaction half of the library: multisig and
// P2SH scripts, the wire format, tickets, rewards, subsidy and the stake
// pool fee.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

func init() {
	register("multisig_p2sh.json", "published_1_of_1", testMultisigOneOfOne)
	register("multisig_p2sh.json", "published_1_of_2_keys", testMultisigOneOfTwoKeys)
	register("multisig_p2sh.json", "computed_1_of_2", testMultisigOneOfTwoComputed)
	register("stakepool_fee.json", "vectors", testPoolFeeVectors)
	register("stakepool_fee.json", "computed_examples", testPoolFeeComputed)
	register("subsidy.json", "vectors", testSubsidyVectors)
	register("transactions.json", "wire_txhash", testWireTxHash)
	register("transactions.json", "simnet_ticket_signed", testSimnetTicketSigned)
	register("transactions.json", "createrawsstx_unsigned_ticket", testCreateRawSStx)
	register("transactions.json", "calculate_rewards", testCalculateRewards)
	register("transactions.json", "genesis", testGenesisBlocks)
}

func hexEq(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if g := hex.EncodeToString(got); g != want {
		t.Errorf("%s: got %s want %s", what, g, want)
	}
}

func mustTx(t *testing.T, s string) *wire.MsgTx {
	t.Helper()
	tx, err := wire.NewTxFromHex(s)
	if err != nil {
		t.Fatalf("decode transaction: %v", err)
	}
	return tx
}

func testMultisigOneOfOne(t *testing.T, raw json.RawMessage) {
	var v struct {
		Network      string `json:"network"`
		RedeemScript string `json:"redeem_script"`
		Hash160      string `json:"script_hash160"`
		P2SHAddress  string `json:"p2sh_address"`
		PayScript    string `json:"pay_script"`
		VoteRights   string `json:"vote_rights_script"`
	}
	decodeStrict(t, raw, &v)
	p := paramsByName(t, v.Network)
	redeem := mustHex(t, v.RedeemScript)
	ms, err := txscript.ParseMultiSigScript(redeem)
	if err != nil || ms.Required != 1 || len(ms.PubKeys) != 1 {
		t.Fatalf("parse: %v", err)
	}
	rebuilt, err := txscript.MultiSigScript(ms.Required, ms.PubKeys)
	if err != nil || !bytes.Equal(rebuilt, redeem) {
		t.Fatalf("rebuild %x %v", rebuilt, err)
	}
	hexEq(t, "hash160", txscript.Hash160(redeem), v.Hash160)
	hexEq(t, "pay script", txscript.PayToRedeemScript(redeem), v.PayScript)
	sstx, err := txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(redeem), true)
	if err != nil {
		t.Fatal(err)
	}
	hexEq(t, "voting rights script", sstx, v.VoteRights)
	_, addrs, _ := txscript.ExtractPkScriptAddrs(0, sstx, p)
	if len(addrs) != 1 || addrs[0].String() != v.P2SHAddress {
		t.Errorf("address of the voting script: %v", addrs)
	}
	a, err := address.NewScriptHashAddress(redeem, p)
	if err != nil || a.String() != v.P2SHAddress {
		t.Errorf("P2SH address %v %v", a, err)
	}
}

func pubKeyAddrStrings(t *testing.T, keys [][]byte, net string) []string {
	p := paramsByName(t, net)
	script, err := txscript.MultiSigScript(1, keys)
	if err != nil {
		t.Fatal(err)
	}
	_, addrs, req := txscript.ExtractPkScriptAddrs(0, script, p)
	if req != 1 {
		t.Errorf("%s: %d signatures required", net, req)
	}
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out
}

func testMultisigOneOfTwoKeys(t *testing.T, raw json.RawMessage) {
	var v struct {
		PubKeys     []string `json:"pubkeys"`
		Hashes      []string `json:"pubkey_hash160s"`
		MainAddrs   []string `json:"mainnet_pubkey_addresses"`
		TestNetAddr []string `json:"testnet3_pubkey_addresses"`
	}
	decodeStrict(t, raw, &v)
	var keys [][]byte
	for i, k := range v.PubKeys {
		kb := mustHex(t, k)
		keys = append(keys, kb)
		hexEq(t, "key hash160", txscript.Hash160(kb), v.Hashes[i])
	}
	for net, want := range map[string][]string{"mainnet": v.MainAddrs, "testnet3": v.TestNetAddr} {
		if got := pubKeyAddrStrings(t, keys, net); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s pubkey addresses %v want %v", net, got, want)
		}
	}
}

func testMultisigOneOfTwoComputed(t *testing.T, raw json.RawMessage) {
	var v struct {
		P2SH         map[string]string   `json:"p2sh_address"`
		PayScript    string              `json:"p2sh_pay_script"`
		PubKeyAddrs  map[string][]string `json:"pubkey_addresses_of_keys"`
		RedeemScript string              `json:"redeem_script"`
		Hash160      string              `json:"script_hash160"`
		SSTXScript   string              `json:"ticket_voting_output_script_OP_SSTX"`
	}
	decodeStrict(t, raw, &v)
	for net, addrs := range v.PubKeyAddrs {
		p := paramsByName(t, net)
		// The pool builds the script from the two submitted pubkey
		// addresses, in the given order.
		var keys [][]byte
		for _, s := range addrs {
			a, err := address.Decode(s, p)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			pk, ok := a.(*address.PubKeyAddress)
			if !ok {
				t.Fatalf("%s is not a pubkey address", s)
			}
			keys = append(keys, pk.PubKey())
		}
		script, err := txscript.MultiSigScript(1, keys)
		if err != nil {
			t.Fatal(err)
		}
		hexEq(t, net+" redeem script", script, v.RedeemScript)
		hexEq(t, net+" hash160", txscript.Hash160(script), v.Hash160)
		hexEq(t, net+" pay script", txscript.PayToRedeemScript(script), v.PayScript)
		sstx, _ := txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(script), true)
		hexEq(t, net+" OP_SSTX script", sstx, v.SSTXScript)
		a, err := address.NewScriptHashAddress(script, p)
		if err != nil || a.String() != v.P2SH[net] {
			t.Errorf("%s P2SH address %v %v want %s", net, a, err, v.P2SH[net])
		}
		if got := pubKeyAddrStrings(t, keys, net); strings.Join(got, ",") != strings.Join(addrs, ",") {
			t.Errorf("%s: extracted %v", net, got)
		}
		testVotingScript(t, net, p, addrs, v.RedeemScript, v.P2SH[net])
	}
	if len(v.P2SH) != len(v.PubKeyAddrs) {
		t.Errorf("%d P2SH addresses for %d networks", len(v.P2SH), len(v.PubKeyAddrs))
	}
}

// testVotingScript checks the pool's voting script (stakepool.PubKey,
// VotingScript, CheckVotingScript) on a 1-of-2 vector: [pool, user] keys as
// pubkey addresses, the redeem script and P2SH address they give.
func testVotingScript(t *testing.T, net string, p *chaincfg.Params, addrs []string, scriptHex, p2sh string) {
	t.Helper()
	poolKey, err := stakepool.PubKey(addrs[0], p)
	if err != nil {
		t.Fatalf("%s: %v", net, err)
	}
	userKey, err := stakepool.PubKey(addrs[1], p)
	if err != nil {
		t.Fatalf("%s: %v", net, err)
	}
	script, addr, err := stakepool.VotingScript(poolKey, userKey, p)
	if err != nil || hex.EncodeToString(script) != scriptHex || addr != p2sh {
		t.Errorf("%s VotingScript = %x %s %v, want %s %s", net, script, addr, err, scriptHex, p2sh)
	}
	if err := stakepool.CheckVotingScript(script, addr, poolKey, userKey, p); err != nil {
		t.Errorf("%s: CheckVotingScript refuses the vector: %v", net, err)
	}
	// The keys in the other order, another address, a P2PKH address.
	swapped, _, _ := stakepool.VotingScript(userKey, poolKey, p)
	if err := stakepool.CheckVotingScript(swapped, addr, poolKey, userKey, p); err == nil ||
		!strings.Contains(err.Error(), "not the 1-of-2 multisig") {
		t.Errorf("%s: swapped keys: %v", net, err)
	}
	if err := stakepool.CheckVotingScript(script, addrs[0], poolKey, userKey, p); err == nil ||
		!strings.Contains(err.Error(), "does not match the redeem script") {
		t.Errorf("%s: wrong P2SH address: %v", net, err)
	}
	if _, err := stakepool.PubKey(p2sh, p); err == nil {
		t.Errorf("%s: PubKey accepted the P2SH address %s", net, p2sh)
	}
}

func testPoolFeeVectors(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Price   int64   `json:"ticket_price"`
		Fee     int64   `json:"ticket_fee"`
		Height  int64   `json:"height"`
		Percent float64 `json:"pool_fee_percent"`
		DCP0010 bool    `json:"dcp0010"`
		DCP0012 bool    `json:"dcp0012"`
		Want    int64   `json:"expected_pool_fee"`
	}
	decodeStrict(t, raw, &cases)
	c := subsidy.NewCache(paramsByName(t, "mainnet"))
	for i, tc := range cases {
		variant := subsidy.Original
		switch {
		case tc.DCP0012:
			variant = subsidy.DCP0012
		case tc.DCP0010:
			variant = subsidy.DCP0010
		}
		got := stakepool.TicketFee(c, tc.Price, tc.Fee, tc.Height, stakepool.FeeBasisPoints(tc.Percent), variant)
		if got != tc.Want {
			t.Errorf("case %d: %d want %d", i, got, tc.Want)
		}
	}
}

func testPoolFeeComputed(t *testing.T, raw json.RawMessage) {
	var v struct {
		Note    string `json:"note"`
		Vectors []struct {
			Network     string  `json:"network"`
			Price       int64   `json:"ticket_price"`
			Fee         int64   `json:"ticket_fee"`
			Height      int64   `json:"height"`
			Percent     float64 `json:"pool_fee_percent"`
			Variant     int     `json:"subsidy_variant"`
			VoteSubsidy int64   `json:"vote_subsidy_at_height"`
			Want        int64   `json:"expected_pool_fee"`
		} `json:"vectors"`
	}
	decodeStrict(t, raw, &v)
	for i, tc := range v.Vectors {
		c := subsidy.NewCache(paramsByName(t, tc.Network))
		variant := subsidy.Variant(tc.Variant)
		if s := c.VoteSubsidy(tc.Height, variant); s != tc.VoteSubsidy {
			t.Errorf("case %d: vote subsidy %d want %d", i, s, tc.VoteSubsidy)
		}
		got := stakepool.TicketFee(c, tc.Price, tc.Fee, tc.Height, stakepool.FeeBasisPoints(tc.Percent), variant)
		if got != tc.Want {
			t.Errorf("case %d: fee %d want %d", i, got, tc.Want)
		}
	}
}

func testSubsidyVectors(t *testing.T, raw json.RawMessage) {
	var cases []struct {
		Name     string `json:"name"`
		Height   int64  `json:"height"`
		NumVotes uint16 `json:"num_votes"`
		Variant  string `json:"variant"`
		Full     int64  `json:"want_full_block_subsidy"`
		Work     int64  `json:"want_work_subsidy"`
		PerVote  int64  `json:"want_per_vote_subsidy"`
		Treasury int64  `json:"want_treasury_subsidy_pre_treasury_agenda"`
	}
	decodeStrict(t, raw, &cases)
	variants := map[string]subsidy.Variant{"original": subsidy.Original, "dcp0010": subsidy.DCP0010, "dcp0012": subsidy.DCP0012}
	// The source's mock parameters are mainnet's.
	c := subsidy.NewCache(paramsByName(t, "mainnet"))
	for _, tc := range cases {
		v, ok := variants[tc.Variant]
		if !ok {
			t.Fatalf("%s: unknown variant %q", tc.Name, tc.Variant)
		}
		got := [4]int64{c.BlockSubsidy(tc.Height), c.WorkSubsidy(tc.Height, tc.NumVotes, v),
			c.VoteSubsidy(tc.Height, v), c.TreasurySubsidy(tc.Height, tc.NumVotes, v)}
		if want := [4]int64{tc.Full, tc.Work, tc.PerVote, tc.Treasury}; got != want {
			t.Errorf("%s: got %v want %v", tc.Name, got, want)
		}
	}
}

func testWireTxHash(t *testing.T, raw json.RawMessage) {
	var v struct {
		Source string `json:"source"`
		Fields struct {
			Version uint16 `json:"version"`
			Inputs  []struct {
				PrevHash    string `json:"prev_hash"`
				PrevIndex   uint32 `json:"prev_index"`
				PrevTree    int8   `json:"prev_tree"`
				Sequence    uint32 `json:"sequence"`
				ValueIn     int64  `json:"value_in"`
				BlockHeight uint32 `json:"block_height"`
				BlockIndex  uint32 `json:"block_index"`
				SigScript   string `json:"sig_script"`
			} `json:"inputs"`
			Outputs []struct {
				Value         int64  `json:"value"`
				ScriptVersion uint16 `json:"script_version"`
				PkScript      string `json:"pk_script"`
			} `json:"outputs"`
			LockTime uint32 `json:"locktime"`
			Expiry   uint32 `json:"expiry"`
		} `json:"fields"`
		PrefixHex string `json:"prefix_serialization_hex_computed"`
		TxID      string `json:"expected_txid"`
	}
	decodeStrict(t, raw, &v)
	tx := wire.NewMsgTx(v.Fields.Version)
	for _, in := range v.Fields.Inputs {
		h, err := chainhash.NewHashFromStr(in.PrevHash)
		if err != nil {
			t.Fatal(err)
		}
		tx.AddTxIn(&wire.TxIn{
			PreviousOutPoint: wire.OutPoint{Hash: *h, Index: in.PrevIndex, Tree: in.PrevTree},
			Sequence:         in.Sequence, ValueIn: in.ValueIn, BlockHeight: in.BlockHeight,
			BlockIndex: in.BlockIndex, SignatureScript: mustHex(t, in.SigScript),
		})
	}
	for _, o := range v.Fields.Outputs {
		tx.AddTxOut(&wire.TxOut{Value: o.Value, Version: o.ScriptVersion, PkScript: mustHex(t, o.PkScript)})
	}
	tx.LockTime, tx.Expiry = v.Fields.LockTime, v.Fields.Expiry
	hexEq(t, "prefix serialization", tx.BytesPrefix(), v.PrefixHex)
	if got := tx.TxHash().String(); got != v.TxID {
		t.Errorf("txid %s want %s", got, v.TxID)
	}
	back, err := wire.NewTxFromBytes(tx.Bytes())
	if err != nil || back.TxHash() != tx.TxHash() || back.TxHashFull() != tx.TxHashFull() {
		t.Errorf("full round trip: %v", err)
	}
}

func testSimnetTicketSigned(t *testing.T, raw json.RawMessage) {
	var v struct {
		Source     string `json:"source"`
		RegularTx  string `json:"regular_tx_hex"`
		Ticket     string `json:"ticket_hex"`
		MerkleRoot string `json:"expected_combined_merkle_root"`
		TxID       string `json:"ticket_txid_computed"`
		FullHash   string `json:"ticket_full_hash_computed"`
		Parsed     struct {
			Price      int64  `json:"price"`
			Hash       string `json:"commitment_hash160"`
			Amount     int64  `json:"commitment_amount"`
			Limits     string `json:"fee_limits"`
			InputValue int64  `json:"input_value"`
			Expiry     uint32 `json:"expiry"`
			Height     uint32 `json:"input_block_height"`
			Index      uint32 `json:"input_block_index"`
		} `json:"ticket_parsed"`
		EmptyRoot string `json:"empty_trees_combined_root"`
	}
	decodeStrict(t, raw, &v)
	reg, ticket := mustTx(t, v.RegularTx), mustTx(t, v.Ticket)
	if reg.Hex() != v.RegularTx || ticket.Hex() != v.Ticket {
		t.Error("round trip differs")
	}
	if got := ticket.TxHash().String(); got != v.TxID {
		t.Errorf("ticket txid %s want %s", got, v.TxID)
	}
	if got := ticket.TxHashFull().String(); got != v.FullHash {
		t.Errorf("ticket full hash %s want %s", got, v.FullHash)
	}
	blk := &wire.MsgBlock{Transactions: []*wire.MsgTx{reg}, STransactions: []*wire.MsgTx{ticket}}
	if got := blk.CombinedMerkleRoot().String(); got != v.MerkleRoot {
		t.Errorf("combined merkle root %s want %s", got, v.MerkleRoot)
	}
	empty, _, _ := strings.Cut(v.EmptyRoot, " ")
	if got := (&wire.MsgBlock{}).CombinedMerkleRoot().String(); got != empty {
		t.Errorf("empty trees root %s want %s", got, empty)
	}

	tk, err := stake.ParseTicket(ticket)
	if err != nil {
		t.Fatal(err)
	}
	c := tk.Contributions[0]
	limits := mustHex(t, v.Parsed.Limits)
	in := ticket.TxIn[0]
	if tk.Price != v.Parsed.Price || c.Amount != v.Parsed.Amount || tk.Expiry != v.Parsed.Expiry ||
		c.Limits != txscript.NewFeeLimits(limits[0], limits[1]) || in.ValueIn != v.Parsed.InputValue ||
		in.BlockHeight != v.Parsed.Height || in.BlockIndex != v.Parsed.Index {
		t.Errorf("parsed ticket %+v input %+v", tk, in)
	}
	hexEq(t, "commitment hash", c.Hash[:], v.Parsed.Hash)
	// The network's fee: the published input value minus all outputs
	// (the price; the commitment and the change are worth 0).
	wantFee := v.Parsed.InputValue - v.Parsed.Price
	if fee, err := stake.TxFee(ticket); err != nil || fee != wantFee || tk.Fee != wantFee || !tk.InputsKnown {
		t.Errorf("ticket fee: TxFee %d, %v; Ticket.Fee %d (inputs known %v); want %d", fee, err, tk.Fee, tk.InputsKnown, wantFee)
	}
	// The published signature verifies against the P2PKH of its key.
	pushes, err := txscript.PushedData(in.SignatureScript)
	if err != nil || len(pushes) != 2 {
		t.Fatalf("signature script: %v", err)
	}
	prev, _ := txscript.PayToPubKeyHashScript(txscript.Hash160(pushes[1]))
	if err := txscript.VerifyInput(ticket, 0, prev); err != nil {
		t.Errorf("published signature: %v", err)
	}
}

func testCreateRawSStx(t *testing.T, raw json.RawMessage) {
	var v struct {
		Source string `json:"source"`
		Inputs []struct {
			TxID string `json:"txid"`
			Vout uint32 `json:"vout"`
			Tree int8   `json:"tree"`
			Amt  int64  `json:"amt"`
		} `json:"inputs"`
		Amount map[string]int64 `json:"amount"`
		COuts  []struct {
			Addr       string `json:"addr"`
			CommitAmt  int64  `json:"commitamt"`
			ChangeAddr string `json:"changeaddr"`
			ChangeAmt  int64  `json:"changeamt"`
		} `json:"couts"`
		Hex  string `json:"expected_hex"`
		TxID string `json:"txid_computed"`
		Note string `json:"note"`
	}
	decodeStrict(t, raw, &v)
	p := paramsByName(t, "mainnet") // the addresses are mainnet's
	payScript := func(s string) txscript.PayScript {
		a, err := address.Decode(s, p)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := txscript.PayScriptFromAddress(a)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	if len(v.Amount) != 1 || len(v.Inputs) != len(v.COuts) {
		t.Fatalf("unexpected shape: %d voting addresses, %d inputs, %d couts", len(v.Amount), len(v.Inputs), len(v.COuts))
	}
	spec := stake.TicketSpec{}
	for addr, amt := range v.Amount {
		spec.Voting, spec.Price = payScript(addr), amt
	}
	for i, in := range v.Inputs {
		h, err := chainhash.NewHashFromStr(in.TxID)
		if err != nil {
			t.Fatal(err)
		}
		co := v.COuts[i]
		change := payScript(co.ChangeAddr)
		spec.Inputs = append(spec.Inputs, stake.TicketInput{
			PrevOut: wire.OutPoint{Hash: *h, Index: in.Vout, Tree: in.Tree}, Value: in.Amt,
			Reward: payScript(co.Addr), ChangeValue: co.ChangeAmt, Change: &change,
		})
		if in.Amt-co.ChangeAmt != co.CommitAmt {
			t.Fatalf("input %d: commitment %d is not input %d less change %d", i, co.CommitAmt, in.Amt, co.ChangeAmt)
		}
	}
	built, err := stake.NewTicket(spec)
	if err != nil {
		t.Fatal(err)
	}
	if built.Hex() != v.Hex {
		t.Errorf("built ticket\n got %s\nwant %s", built.Hex(), v.Hex)
	}
	if got := built.TxHash().String(); got != v.TxID {
		t.Errorf("txid %s want %s", got, v.TxID)
	}
	if decoded := mustTx(t, v.Hex); !stake.IsSStx(decoded) {
		t.Error("expected_hex is not a ticket")
	}
}

func testCalculateRewards(t *testing.T, raw json.RawMessage) {
	var v struct {
		Source  string `json:"source"`
		Vectors []struct {
			Contrib []int64 `json:"contrib_amounts"`
			Price   int64   `json:"ticket_purchase_amount"`
			Subsidy int64   `json:"vote_subsidy"`
			Want    []int64 `json:"want"`
		} `json:"vectors"`
	}
	decodeStrict(t, raw, &v)
	for i, tc := range v.Vectors {
		got := stake.CalculateRewards(tc.Contrib, tc.Price, tc.Subsidy)
		if len(got) != len(tc.Want) {
			t.Errorf("case %d: %v want %v", i, got, tc.Want)
			continue
		}
		for k := range got {
			if got[k] != tc.Want[k] {
				t.Errorf("case %d: %v want %v", i, got, tc.Want)
				break
			}
		}
	}
}

func testGenesisBlocks(t *testing.T, raw json.RawMessage) {
	var v struct {
		Source   string            `json:"source"`
		Hashes   map[string]string `json:"hashes"`
		BlockHex map[string]string `json:"block_hex"`
	}
	decodeStrict(t, raw, &v)
	for net, bh := range v.BlockHex {
		blk, err := wire.NewBlockFromHex(bh)
		if err != nil {
			t.Errorf("%s: %v", net, err)
			continue
		}
		got := blk.BlockHash()
		if got.String() != v.Hashes[net] {
			t.Errorf("%s: hash %s want %s", net, got, v.Hashes[net])
		}
		if blk.Hex() != bh {
			t.Errorf("%s: round trip differs", net)
		}
		if p := paramsByName(t, net); p.GenesisHash != got {
			t.Errorf("%s: chaincfg genesis hash %s, block hashes to %s", net, p.GenesisHash, got)
		}
	}
	if len(v.Hashes) != len(v.BlockHex) {
		t.Errorf("%d hashes for %d blocks", len(v.Hashes), len(v.BlockHex))
	}
}
