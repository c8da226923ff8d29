package rpcjson

import "encoding/json"

// TxRawResult is the verbose transaction object of getrawtransaction
// (verbose non-zero) and of getblock with verbosetx. The block fields are
// omitted for mempool transactions.
type TxRawResult struct {
	Hex           string `json:"hex"`
	Txid          string `json:"txid"`
	Version       int32  `json:"version"`
	LockTime      uint32 `json:"locktime"`
	Expiry        uint32 `json:"expiry"`
	Vin           []Vin  `json:"vin"`
	Vout          []Vout `json:"vout"`
	BlockHash     string `json:"blockhash,omitempty"`
	BlockHeight   int64  `json:"blockheight,omitempty"`
	BlockIndex    uint32 `json:"blockindex,omitempty"`
	Confirmations int64  `json:"confirmations,omitempty"`
	Time          int64  `json:"time,omitempty"`
	Blocktime     int64  `json:"blocktime,omitempty"`
}

// Vin is one input of TxRawResult. It has three JSON shapes: a coinbase
// input (Coinbase set), a vote's stakebase input (Stakebase set), and a
// normal input spending Txid:Vout in Tree.
type Vin struct {
	Coinbase    string     `json:"coinbase,omitempty"`
	Stakebase   string     `json:"stakebase,omitempty"`
	Txid        string     `json:"txid,omitempty"`
	Vout        uint32     `json:"vout"`
	Tree        int8       `json:"tree"`
	Sequence    uint32     `json:"sequence"`
	AmountIn    float64    `json:"amountin"`
	BlockHeight uint32     `json:"blockheight"`
	BlockIndex  uint32     `json:"blockindex"`
	ScriptSig   *ScriptSig `json:"scriptSig,omitempty"`
}

// IsCoinbase reports whether the input is a coinbase input.
func (v *Vin) IsCoinbase() bool { return v.Coinbase != "" }

// IsStakebase reports whether the input is a vote's stakebase input.
func (v *Vin) IsStakebase() bool { return v.Stakebase != "" }

// MarshalJSON writes the shape matching the kind of input, in the node's
// field order.
func (v Vin) MarshalJSON() ([]byte, error) {
	switch {
	case v.IsCoinbase():
		return json.Marshal(struct {
			AmountIn    float64 `json:"amountin"`
			BlockHeight uint32  `json:"blockheight"`
			BlockIndex  uint32  `json:"blockindex"`
			Coinbase    string  `json:"coinbase"`
			Sequence    uint32  `json:"sequence"`
		}{v.AmountIn, v.BlockHeight, v.BlockIndex, v.Coinbase, v.Sequence})
	case v.IsStakebase():
		return json.Marshal(struct {
			AmountIn    float64 `json:"amountin"`
			BlockHeight uint32  `json:"blockheight"`
			BlockIndex  uint32  `json:"blockindex"`
			Stakebase   string  `json:"stakebase"`
			Sequence    uint32  `json:"sequence"`
		}{v.AmountIn, v.BlockHeight, v.BlockIndex, v.Stakebase, v.Sequence})
	}
	sig := v.ScriptSig
	if sig == nil {
		sig = &ScriptSig{}
	}
	return json.Marshal(struct {
		Txid        string     `json:"txid"`
		Vout        uint32     `json:"vout"`
		Tree        int8       `json:"tree"`
		Sequence    uint32     `json:"sequence"`
		AmountIn    float64    `json:"amountin"`
		BlockHeight uint32     `json:"blockheight"`
		BlockIndex  uint32     `json:"blockindex"`
		ScriptSig   *ScriptSig `json:"scriptSig"`
	}{v.Txid, v.Vout, v.Tree, v.Sequence, v.AmountIn, v.BlockHeight, v.BlockIndex, sig})
}

// ScriptSig is an input's signature script, disassembled and in hex.
type ScriptSig struct {
	Asm string `json:"asm"`
	Hex string `json:"hex"`
}

// Vout is one output of TxRawResult; Value is in coins.
type Vout struct {
	Value        float64            `json:"value"`
	N            uint32             `json:"n"`
	Version      uint16             `json:"version"`
	ScriptPubKey ScriptPubKeyResult `json:"scriptPubKey"`
}

// ScriptPubKeyResult describes an output script. Type is one of the
// Script* constants. Ticket commitments (sstxcommitment) also carry the
// committed amount in coins and the committed address.
type ScriptPubKeyResult struct {
	Asm       string   `json:"asm"`
	Hex       string   `json:"hex"`
	ReqSigs   int32    `json:"reqSigs,omitempty"`
	Type      string   `json:"type"`
	Addresses []string `json:"addresses,omitempty"`
	CommitAmt *float64 `json:"commitamt,omitempty"`
}
