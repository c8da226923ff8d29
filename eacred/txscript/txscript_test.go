package txscript_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readVectors(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

type multisigVectors struct {
	OneOfOne struct {
		RedeemScript string `json:"redeem_script"`
		Hash160      string `json:"script_hash160"`
		PayScript    string `json:"pay_script"`
		VoteRights   string `json:"vote_rights_script"`
	} `json:"published_1_of_1"`
	Keys struct {
		PubKeys     []string `json:"pubkeys"`
		PubKeyHashs []string `json:"pubkey_hash160s"`
	} `json:"published_1_of_2_keys"`
	OneOfTwo struct {
		PayScript    string `json:"p2sh_pay_script"`
		RedeemScript string `json:"redeem_script"`
		Hash160      string `json:"script_hash160"`
		SSTXScript   string `json:"ticket_voting_output_script_OP_SSTX"`
	} `json:"computed_1_of_2"`
}

func TestMultisigVectors(t *testing.T) {
	var v multisigVectors
	readVectors(t, "multisig_p2sh.json", &v)

	// 1-of-1 published: parse, hash, pay and voting-rights scripts.
	redeem := mustHex(t, v.OneOfOne.RedeemScript)
	ms, err := txscript.ParseMultiSigScript(redeem)
	if err != nil || ms.Required != 1 || len(ms.PubKeys) != 1 {
		t.Fatalf("parse 1-of-1: %v %+v", err, ms)
	}
	if rebuilt, _ := txscript.MultiSigScript(1, ms.PubKeys); !bytes.Equal(rebuilt, redeem) {
		t.Fatalf("1-of-1 rebuild %x", rebuilt)
	}
	if got := hex.EncodeToString(txscript.Hash160(redeem)); got != v.OneOfOne.Hash160 {
		t.Fatalf("hash160 %s", got)
	}
	if got := hex.EncodeToString(txscript.PayToRedeemScript(redeem)); got != v.OneOfOne.PayScript {
		t.Fatalf("pay script %s", got)
	}
	sstx, err := txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(redeem), true)
	if err != nil || hex.EncodeToString(sstx) != v.OneOfOne.VoteRights {
		t.Fatalf("vote rights script %x %v", sstx, err)
	}

	// 1-of-2 keys in the given order.
	var keys [][]byte
	for i, k := range v.Keys.PubKeys {
		kb := mustHex(t, k)
		keys = append(keys, kb)
		if got := hex.EncodeToString(txscript.Hash160(kb)); got != v.Keys.PubKeyHashs[i] {
			t.Fatalf("key %d hash160 %s", i, got)
		}
	}
	script, err := txscript.MultiSigScript(1, keys)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(script) != v.OneOfTwo.RedeemScript || len(script) != 71 {
		t.Fatalf("1-of-2 redeem %x", script)
	}
	if hex.EncodeToString(txscript.Hash160(script)) != v.OneOfTwo.Hash160 {
		t.Fatal("1-of-2 hash160")
	}
	if hex.EncodeToString(txscript.PayToRedeemScript(script)) != v.OneOfTwo.PayScript {
		t.Fatal("1-of-2 pay script")
	}
	sstx, _ = txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(script), true)
	if hex.EncodeToString(sstx) != v.OneOfTwo.SSTXScript {
		t.Fatalf("1-of-2 OP_SSTX %x", sstx)
	}
	// Reversed order is a different script (no sorting).
	rev, _ := txscript.MultiSigScript(1, [][]byte{keys[1], keys[0]})
	if bytes.Equal(rev, script) {
		t.Fatal("key order ignored")
	}
	parsed, err := txscript.ParseMultiSigScript(script)
	if err != nil || !bytes.Equal(parsed.PubKeys[0], keys[0]) || !bytes.Equal(parsed.PubKeys[1], keys[1]) {
		t.Fatalf("parse 1-of-2: %v", err)
	}
	if c := txscript.GetScriptClass(0, script); c != txscript.MultiSigTy {
		t.Fatalf("class %v", c)
	}
}

func TestMultiSigErrors(t *testing.T) {
	key := mustHex(t, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
	notOnCurve := append([]byte{2}, bytes.Repeat([]byte{0xff}, 32)...)
	tests := []struct {
		name string
		m    int
		keys [][]byte
		want error
	}{
		{"no keys", 1, nil, txscript.ErrInvalidMultiSig},
		{"m zero", 0, [][]byte{key}, txscript.ErrInvalidMultiSig},
		{"m > n", 2, [][]byte{key}, txscript.ErrInvalidMultiSig},
		{"uncompressed", 1, [][]byte{append([]byte{4}, make([]byte, 64)...)}, txscript.ErrInvalidPubKey},
		{"off curve", 1, [][]byte{notOnCurve}, txscript.ErrInvalidPubKey},
	}
	for _, tc := range tests {
		if _, err := txscript.MultiSigScript(tc.m, tc.keys); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v want %v", tc.name, err, tc.want)
		}
	}
	bad := []string{"", "51ae", "5121" + hex.EncodeToString(key) + "53ae", "52" + "21" + hex.EncodeToString(key) + "51ae", "5121" + hex.EncodeToString(key)}
	for _, s := range bad {
		if _, err := txscript.ParseMultiSigScript(mustHex(t, s)); err == nil {
			t.Errorf("%s parsed", s)
		}
	}
}

func TestScriptClasses(t *testing.T) {
	h := bytes.Repeat([]byte{0x11}, 20)
	p2pkh, _ := txscript.PayToPubKeyHashScript(h)
	p2sh, _ := txscript.PayToScriptHashScript(h)
	pk, _ := txscript.PayToPubKeyScript(mustHex(t, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"))
	tag := func(op byte, sh bool) []byte {
		s, err := txscript.StakeTaggedScript(op, h, sh)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	commit, _ := txscript.CommitmentScript(txscript.Commitment{Amount: 5})
	tests := []struct {
		script  []byte
		version uint16
		want    txscript.ScriptClass
	}{
		{p2pkh, 0, txscript.PubKeyHashTy},
		{p2sh, 0, txscript.ScriptHashTy},
		{pk, 0, txscript.PubKeyTy},
		{tag(txscript.OP_SSTX, true), 0, txscript.StakeSubmissionTy},
		{tag(txscript.OP_SSTX, false), 0, txscript.StakeSubmissionTy},
		{tag(txscript.OP_SSGEN, false), 0, txscript.StakeGenTy},
		{tag(txscript.OP_SSRTX, true), 0, txscript.StakeRevocationTy},
		{tag(txscript.OP_SSTXCHANGE, false), 0, txscript.StakeSubChangeTy},
		{commit, 0, txscript.NullDataTy},
		{[]byte{txscript.OP_RETURN}, 0, txscript.NullDataTy},
		{p2pkh, 1, txscript.NonStandardTy},
		{append(p2pkh, 0), 0, txscript.NonStandardTy},
		{[]byte{txscript.OP_SSTX}, 0, txscript.NonStandardTy},
		{nil, 0, txscript.NonStandardTy},
	}
	for i, tc := range tests {
		if got := txscript.GetScriptClass(tc.version, tc.script); got != tc.want {
			t.Errorf("%d %x: %v want %v", i, tc.script, got, tc.want)
		}
	}
	if _, err := txscript.StakeTaggedScript(txscript.OP_DUP, h, false); !errors.Is(err, txscript.ErrInvalidStakeTag) {
		t.Errorf("bad tag: %v", err)
	}
	if _, err := txscript.PayToPubKeyHashScript(h[:19]); !errors.Is(err, txscript.ErrInvalidHashLen) {
		t.Errorf("short hash: %v", err)
	}
}

func TestParseScriptPushes(t *testing.T) {
	tests := []struct {
		hex  string
		ok   bool
		vals int
	}{
		{"", true, 0},
		{"00", true, 1},
		{"0101", true, 1},
		{"02ff", false, 0},
		{"4c", false, 0},
		{"4c01aa", true, 1},
		{"4d0100aa", true, 1},
		{"4d01", false, 0},
		{"4e01000000aa", true, 1},
		{"4effffffff", false, 0},
	}
	for _, tc := range tests {
		d, err := txscript.PushedData(mustHex(t, tc.hex))
		if (err == nil) != tc.ok || (tc.ok && len(d) != tc.vals) {
			t.Errorf("%s: %v %d", tc.hex, err, len(d))
		}
		if !tc.ok && !errors.Is(err, txscript.ErrMalformedPush) {
			t.Errorf("%s: error kind %v", tc.hex, err)
		}
	}
	if _, err := txscript.PushedData([]byte{txscript.OP_DUP}); !errors.Is(err, txscript.ErrNotPushOnly) {
		t.Errorf("non-push: %v", err)
	}
	// Canonical pushes round trip through the builder.
	for _, n := range []int{0, 1, 75, 76, 255, 256, 2048} {
		data := bytes.Repeat([]byte{0xaa}, n)
		s, err := txscript.NewBuilder().AddData(data).Script()
		if err != nil {
			t.Fatal(err)
		}
		d, err := txscript.PushedData(s)
		if err != nil || len(d) != 1 || !bytes.Equal(d[0], data) {
			t.Errorf("push %d: %v", n, err)
		}
	}
	if _, err := txscript.NewBuilder().AddData(make([]byte, 2049)).Script(); !errors.Is(err, txscript.ErrElementTooLarge) {
		t.Errorf("big push: %v", err)
	}
}

func TestCommitmentAndVoteScripts(t *testing.T) {
	// Commitment of the published simnet ticket (output 1).
	var v struct {
		Ticket struct {
			Hex    string `json:"ticket_hex"`
			Parsed struct {
				Hash   string `json:"commitment_hash160"`
				Amount int64  `json:"commitment_amount"`
				Limits string `json:"fee_limits"`
			} `json:"ticket_parsed"`
		} `json:"simnet_ticket_signed"`
	}
	readVectors(t, "transactions.json", &v)
	tx, err := wire.NewTxFromHex(v.Ticket.Hex)
	if err != nil {
		t.Fatal(err)
	}
	c, err := txscript.ParseCommitmentScript(tx.TxOut[1].PkScript)
	if err != nil {
		t.Fatal(err)
	}
	limits := mustHex(t, v.Ticket.Parsed.Limits)
	if hex.EncodeToString(c.Hash[:]) != v.Ticket.Parsed.Hash || c.Amount != v.Ticket.Parsed.Amount ||
		c.ScriptHash || c.Limits != txscript.NewFeeLimits(limits[0], limits[1]) {
		t.Fatalf("commitment %+v", c)
	}
	if c.Limits != txscript.FeeLimitsWalletV1 {
		t.Fatalf("limits %#x", c.Limits)
	}
	again, err := txscript.CommitmentScript(c)
	if err != nil || !bytes.Equal(again, tx.TxOut[1].PkScript) {
		t.Fatalf("commitment round trip %x", again)
	}
	// P2SH flag is the top bit of the amount.
	c.ScriptHash = true
	s, _ := txscript.CommitmentScript(c)
	if s[29]&0x80 == 0 {
		t.Fatal("P2SH flag not in byte 29")
	}
	if back, _ := txscript.ParseCommitmentScript(s); !back.ScriptHash || back.Amount != c.Amount {
		t.Fatalf("P2SH commitment %+v", back)
	}
	for _, bad := range []string{"6a1e00", "6a1f" + hex.EncodeToString(make([]byte, 30)), "6a1d" + hex.EncodeToString(make([]byte, 29)), "00" + hex.EncodeToString(make([]byte, 31))} {
		if _, err := txscript.ParseCommitmentScript(mustHex(t, bad)); !errors.Is(err, txscript.ErrInvalidCommitment) {
			t.Errorf("%s: %v", bad, err)
		}
	}

	// Vote outputs.
	h := chainhash.HashH([]byte("block"))
	ref := txscript.VoteBlockRefScript(&h, 4242)
	gh, gheight, err := txscript.ParseVoteBlockRefScript(ref)
	if err != nil || gh != h || gheight != 4242 || len(ref) != 38 {
		t.Fatalf("block ref %v %v %d", err, gh, gheight)
	}
	if got := hex.EncodeToString(txscript.VoteBitsScript(1, 7)); got != "6a060100070000"+"00" {
		t.Fatalf("vote bits script %s", got)
	}
	ext, err := txscript.VoteBitsScriptExt(1, []byte{7, 0, 0, 0})
	if err != nil || !bytes.Equal(ext, txscript.VoteBitsScript(1, 7)) {
		t.Fatalf("extended vote bits %x %v", ext, err)
	}
	if _, err := txscript.VoteBitsScriptExt(1, make([]byte, 74)); !errors.Is(err, txscript.ErrInvalidVoteScript) {
		t.Fatalf("long extension: %v", err)
	}
	tests := []struct {
		hex     string
		bits    uint16
		version uint32
		ok      bool
	}{
		{"6a06010007000000", 1, 7, true},
		{"6a020500", 5, 0, true},
		{"6a0405000700", 5, 0, true},
		{"6a0101", 0, 0, false},
		{"6a4c020100", 0, 0, false},
		{"6a0301000000", 0, 0, false},
	}
	for _, tc := range tests {
		bits, ver, err := txscript.ParseVoteBitsScript(mustHex(t, tc.hex))
		if (err == nil) != tc.ok || bits != tc.bits || ver != tc.version {
			t.Errorf("%s: %d %d %v", tc.hex, bits, ver, err)
		}
	}
}

func TestFeeLimits(t *testing.T) {
	if b := txscript.EncodeFeeLimit(1 << 24); b != 0x58 {
		t.Errorf("2^24 -> %#x", b)
	}
	if b := txscript.EncodeFeeLimit(1 << 14); b != 0x4e {
		t.Errorf("2^14 -> %#x", b)
	}
	if b := txscript.EncodeFeeLimit(1<<14 + 1); b != 0x4f {
		t.Errorf("2^14+1 -> %#x", b)
	}
	if b := txscript.EncodeFeeLimit(0); b != 0 {
		t.Errorf("0 -> %#x", b)
	}
	l := txscript.FeeLimitsWalletV2
	if l.Vote() != 0 || l.Revocation() != 0x4e {
		t.Errorf("v2 limits %#x %#x", l.Vote(), l.Revocation())
	}
	tests := []struct {
		limit  byte
		amount int64
		want   int64
	}{
		{0x00, 1e8, 0}, {0x18, 1e8, 0}, {0x58, 1e9, 1 << 24}, {0x58, 100, 100}, {0x7f, 1e9, 1e9},
	}
	for _, tc := range tests {
		if got := txscript.MaxFee(tc.limit, tc.amount); got != tc.want {
			t.Errorf("MaxFee(%#x, %d) = %d want %d", tc.limit, tc.amount, got, tc.want)
		}
	}
}

// TestVerifyPublishedSignature checks the signature hash against a real
// signed simnet ticket: its one input spends a P2PKH output of the key in
// its signature script.
func TestVerifyPublishedSignature(t *testing.T) {
	var v struct {
		Ticket struct {
			Hex string `json:"ticket_hex"`
		} `json:"simnet_ticket_signed"`
	}
	readVectors(t, "transactions.json", &v)
	tx, err := wire.NewTxFromHex(v.Ticket.Hex)
	if err != nil {
		t.Fatal(err)
	}
	pushes, err := txscript.PushedData(tx.TxIn[0].SignatureScript)
	if err != nil || len(pushes) != 2 {
		t.Fatalf("sig script: %v", err)
	}
	prev, _ := txscript.PayToPubKeyHashScript(txscript.Hash160(pushes[1]))
	if err := txscript.VerifyInput(tx, 0, prev); err != nil {
		t.Fatalf("published signature does not verify: %v", err)
	}
	tampered := tx.Copy()
	tampered.Expiry++
	if err := txscript.VerifyInput(tampered, 0, prev); !errors.Is(err, txscript.ErrBadSignature) {
		t.Fatalf("tampered tx: %v", err)
	}
	other, _ := txscript.PayToPubKeyHashScript(make([]byte, 20))
	if err := txscript.VerifyInput(tx, 0, other); !errors.Is(err, txscript.ErrKeyMismatch) {
		t.Fatalf("wrong prev script: %v", err)
	}
}

func privKey(b byte) *secp256k1.PrivateKey {
	k := make([]byte, 32)
	k[31] = b
	return secp256k1.PrivKeyFromBytes(k)
}

func spendTx(prev chainhash.Hash, tree int8) *wire.MsgTx {
	tx := wire.NewMsgTx(1)
	tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&prev, 0, tree), 100000, nil))
	tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&prev, 1, tree), 5000, nil))
	tx.AddTxOut(wire.NewTxOut(99000, []byte{txscript.OP_RETURN}))
	return tx
}

// derSig encodes r and s as a DER signature without normalising S.
func derSig(r, s []byte) []byte {
	intBytes := func(b []byte) []byte {
		b = bytes.TrimLeft(b, "\x00")
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return append([]byte{0x02, byte(len(b))}, b...)
	}
	body := append(intBytes(r), intBytes(s)...)
	return append([]byte{0x30, byte(len(body))}, body...)
}

func TestSignVerifyP2PKH(t *testing.T) {
	priv := privKey(7)
	pkh := txscript.Hash160(priv.PubKey().SerializeCompressed())
	plain, _ := txscript.PayToPubKeyHashScript(pkh)
	tagged, _ := txscript.StakeTaggedScript(txscript.OP_SSTXCHANGE, pkh, false)
	for _, prev := range [][]byte{plain, tagged} {
		tx := spendTx(chainhash.HashH(prev), wire.TxTreeRegular)
		for idx := range tx.TxIn {
			sigScript, err := txscript.SignP2PKH(tx, idx, prev, priv)
			if err != nil {
				t.Fatal(err)
			}
			tx.TxIn[idx].SignatureScript = sigScript
		}
		for idx := range tx.TxIn {
			if err := txscript.VerifyInput(tx, idx, prev); err != nil {
				t.Fatalf("input %d: %v", idx, err)
			}
		}
		// Signatures are bound to their input index.
		tx.TxIn[0].SignatureScript, tx.TxIn[1].SignatureScript = tx.TxIn[1].SignatureScript, tx.TxIn[0].SignatureScript
		if err := txscript.VerifyInput(tx, 0, prev); !errors.Is(err, txscript.ErrBadSignature) {
			t.Fatalf("swapped: %v", err)
		}
	}
	// The high-S twin of a valid signature is refused.
	tx := spendTx(chainhash.HashH(plain), wire.TxTreeRegular)
	good, err := txscript.SignP2PKH(tx, 0, plain, priv)
	if err != nil {
		t.Fatal(err)
	}
	pushes, _ := txscript.PushedData(good)
	der := pushes[0][:len(pushes[0])-1]
	sig, err := ecdsa.ParseDERSignature(der)
	if err != nil {
		t.Fatal(err)
	}
	r, s := sig.R(), sig.S()
	rb, sb := r.Bytes(), s.Negate().Bytes()
	highS := append(derSig(rb[:], sb[:]), byte(txscript.SigHashAll))
	tx.TxIn[0].SignatureScript, _ = txscript.NewBuilder().AddData(highS).AddData(pushes[1]).Script()
	if err := txscript.VerifyInput(tx, 0, plain); !errors.Is(err, txscript.ErrInvalidSignature) {
		t.Fatalf("high S: %v", err)
	}
	tx.TxIn[0].SignatureScript = good
	if err := txscript.VerifyInput(tx, 0, plain); err != nil {
		t.Fatalf("low S: %v", err)
	}
	if _, err := txscript.SignP2PKH(spendTx(chainhash.Hash{}, 0), 0, plain, privKey(8)); !errors.Is(err, txscript.ErrKeyMismatch) {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := txscript.SignP2PKH(spendTx(chainhash.Hash{}, 0), 5, plain, priv); !errors.Is(err, txscript.ErrInvalidIndex) {
		t.Fatalf("bad index: %v", err)
	}
}

func TestSignVerifyMultisigP2SH(t *testing.T) {
	pool, user, stranger := privKey(11), privKey(12), privKey(13)
	redeem, err := txscript.MultiSigScript(1, [][]byte{pool.PubKey().SerializeCompressed(), user.PubKey().SerializeCompressed()})
	if err != nil {
		t.Fatal(err)
	}
	ticketOut, _ := txscript.StakeTaggedScript(txscript.OP_SSTX, txscript.Hash160(redeem), true)
	for _, signer := range []*secp256k1.PrivateKey{pool, user} {
		tx := spendTx(chainhash.HashH(redeem), wire.TxTreeStake)
		sigScript, err := txscript.SignMultisigP2SH(tx, 1, redeem, signer)
		if err != nil {
			t.Fatal(err)
		}
		pushes, _ := txscript.PushedData(sigScript)
		if len(pushes) != 2 || !bytes.Equal(pushes[1], redeem) {
			t.Fatalf("sig script shape: %d pushes", len(pushes))
		}
		tx.TxIn[1].SignatureScript = sigScript
		if err := txscript.VerifyInput(tx, 1, ticketOut); err != nil {
			t.Fatalf("verify: %v", err)
		}
		// A change to any output invalidates the vote signature.
		tx.TxOut[0].Value--
		if err := txscript.VerifyInput(tx, 1, ticketOut); !errors.Is(err, txscript.ErrBadSignature) {
			t.Fatalf("tampered: %v", err)
		}
	}
	tx := spendTx(chainhash.Hash{}, wire.TxTreeStake)
	if _, err := txscript.SignMultisigP2SH(tx, 1, redeem, stranger); !errors.Is(err, txscript.ErrKeyMismatch) {
		t.Fatalf("stranger: %v", err)
	}
	// A stranger's signature pushed in the right shape fails verification.
	strangerRedeem, _ := txscript.MultiSigScript(1, [][]byte{stranger.PubKey().SerializeCompressed(), user.PubKey().SerializeCompressed()})
	s, _ := txscript.SignMultisigP2SH(tx, 1, strangerRedeem, stranger)
	pushes, _ := txscript.PushedData(s)
	forged, _ := txscript.NewBuilder().AddData(pushes[0]).AddData(redeem).Script()
	tx.TxIn[1].SignatureScript = forged
	if err := txscript.VerifyInput(tx, 1, ticketOut); !errors.Is(err, txscript.ErrBadSignature) {
		t.Fatalf("forged: %v", err)
	}
	// Wrong redeem script for the output.
	tx.TxIn[1].SignatureScript = s
	if err := txscript.VerifyInput(tx, 1, ticketOut); !errors.Is(err, txscript.ErrKeyMismatch) {
		t.Fatalf("other redeem: %v", err)
	}
	// Bitcoin-style dummy OP_0 is the wrong shape for Decred.
	dummy := append([]byte{txscript.OP_0}, s...)
	tx.TxIn[1].SignatureScript = dummy
	if err := txscript.VerifyInput(tx, 1, txscript.PayToRedeemScript(strangerRedeem)); !errors.Is(err, txscript.ErrSigScriptShape) {
		t.Fatalf("dummy element: %v", err)
	}
	// 2-of-2 needs both keys, in script order.
	two, _ := txscript.MultiSigScript(2, [][]byte{pool.PubKey().SerializeCompressed(), user.PubKey().SerializeCompressed()})
	if _, err := txscript.SignMultisigP2SH(tx, 0, two, user); !errors.Is(err, txscript.ErrKeyMismatch) {
		t.Fatalf("2-of-2 one key: %v", err)
	}
	s2, err := txscript.SignMultisigP2SH(tx, 0, two, user, pool)
	if err != nil {
		t.Fatal(err)
	}
	tx.TxIn[0].SignatureScript = s2
	if err := txscript.VerifyInput(tx, 0, txscript.PayToRedeemScript(two)); err != nil {
		t.Fatalf("2-of-2: %v", err)
	}
}
