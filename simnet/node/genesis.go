package node

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// simnetGenesisHex is the serialized simnet genesis block: a 180-byte
// header (version 1, no parent, the merkle root of its one transaction,
// Bits 0x207fffff, timestamp 2014-05-05 21:44:37 UTC, every stake field
// zero) and a coinbase paying 0 coins to a pay-to-pubkey script, with the
// "The Times 03/Jan/2009 ..." headline in its signature script. It is
// public chain data, the block every simnet node starts from, so it hashes
// to chaincfg's SimNetParams().GenesisHash.
const simnetGenesisHex = "" +
	"0100000000000000000000000000000000000000000000000000000000000000" +
	"00000000925629c5582bbfc3609d71a2f4a887443c80d54a1fe31e95e95d42f3" +
	"e288945c00000000000000000000000000000000000000000000000000000000" +
	"0000000000000000000000000000000000000000ffff7f200000000000000000" +
	"0000000000000000450686530000000000000000000000000000000000000000" +
	"0000000000000000000000000000000000000000010100000001000000000000" +
	"0000000000000000000000000000000000000000000000000000ffffffff00ff" +
	"ffffff0100000000000000000000434104678afdb0fe5548271967f1a67130b7" +
	"105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112" +
	"de5c384df7ba0b8d578a4c702b6bf11d5fac0000000000000000010000000000" +
	"00000000000000000000004d04ffff001d0104455468652054696d6573203033" +
	"2f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66" +
	"207365636f6e64206261696c6f757420666f722062616e6b7300"

// genesisBlock decodes the simnet genesis block and checks that it hashes
// to p.GenesisHash (parameter overrides keep simnet's genesis). The genesis
// coinbase creates no spendable output (chainState.connect skips it).
func genesisBlock(p *chaincfg.Params) (*wire.MsgBlock, error) {
	b, err := wire.NewBlockFromHex(simnetGenesisHex)
	if err != nil {
		return nil, fmt.Errorf("decode simnet genesis block: %w", err)
	}
	if h := b.BlockHash(); h != p.GenesisHash {
		return nil, fmt.Errorf("simnet genesis block hashes to %s, %s parameters name %s", h, p.Name, p.GenesisHash)
	}
	return b, nil
}
