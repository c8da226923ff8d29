// Package chaincfg holds the parameters of the four Eacred networks: mainnet,
// testnet3, simnet and regnet.
//
// Eacred's rules are Decred's, so the numbers here are Decred's. A network is
// identified in three places, and code that mixes them up sends coins to the
// wrong chain:
//
//   - on the wire, by a 4-byte magic number (Net);
//   - in addresses and WIF keys, by a 2-byte prefix written before the
//     payload (the "address IDs"); a mainnet P2PKH address starts with "Ds",
//     a testnet3 one with "Ts", a simnet one with "Ss", a regnet one with "Rs";
//   - in extended (HD) keys, by a 4-byte version (dprv/dpub, tprv/tpub,
//     sprv/spub, rprv/rpub).
//
// The stake (proof-of-stake) parameters say how tickets work: a ticket bought
// at height h matures after TicketMaturity blocks, may be called to vote for
// TicketExpiry blocks after that, and TicketsPerBlock tickets are called per
// block once StakeValidationHeight is reached. The subsidy parameters say how
// much new money each block creates and how it is split between the miner
// (work), the voters (stake) and the treasury (tax).
//
// Vote versions: every consensus change is put to the stakeholders as an
// agenda of a vote version. A vote carries a 16-bit vote bits field; each
// agenda owns the bits of its Mask and each of its choices is one value of
// those bits. Agendas returns the agendas of a version.
//
// The Params values returned by this package are shared, read-only package
// values: never modify one. Use Copy for a private, mutable copy.
package chaincfg

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// CoinUnit is the name of the coin shown to people: 1 EACR = 1e8 atoms.
const CoinUnit = "EACR"

// AtomsPerCoin is the number of atoms in one coin.
const AtomsPerCoin = 1e8

// Choice is one possible answer to an agenda. Bits is the value the
// agenda's masked vote bits take when a voter picks this choice.
type Choice struct {
	ID          string
	Description string
	Bits        uint16
	IsAbstain   bool
	IsNo        bool
}

// Agenda is a proposed consensus change voted on by stakeholders in one
// vote version. Mask selects the vote bits the agenda owns. StartTime and
// ExpireTime are Unix times bounding the vote; ForcedChoiceID, when set, is
// the choice the network forces (only on test networks).
type Agenda struct {
	ID             string
	Description    string
	Mask           uint16
	Choices        []Choice
	StartTime      uint64
	ExpireTime     uint64
	ForcedChoiceID string
}

// Choice returns the choice of a whose ID is id.
func (a *Agenda) Choice(id string) (Choice, bool) {
	for _, c := range a.Choices {
		if c.ID == id {
			return c, true
		}
	}
	return Choice{}, false
}

// voteVersion groups the agendas of one vote version.
type voteVersion struct {
	Version uint32
	Agendas []Agenda
}

// Params describes one network. See the package documentation for the
// concepts. Values returned by this package are shared: do not modify.
type Params struct {
	// Name is the network's name as used in configuration and by
	// getblockchaininfo: "mainnet", "testnet3", "simnet" or "regnet".
	Name string
	// Net is the wire protocol magic number.
	Net uint32
	// GenesisHash is the hash of the network's first block.
	GenesisHash chainhash.Hash
	// AddressPrefix is the first character of every address of the network.
	AddressPrefix string
	// CLIFlag is the command-line flag ecrd, eacrwallet and eacrctl take to
	// select the network ("" for mainnet, the default).
	CLIFlag string

	// Address IDs: the 2-byte prefix of each Base58Check encoding.
	PubKeyAddrID     [2]byte // pay-to-pubkey ("Dk")
	PubKeyHashAddrID [2]byte // P2PKH, secp256k1 ECDSA ("Ds")
	PKHEdwardsAddrID [2]byte // P2PKH, ed25519 ("De")
	PKHSchnorrAddrID [2]byte // P2PKH, secp256k1 Schnorr ("DS")
	ScriptHashAddrID [2]byte // P2SH ("Dc")
	PrivateKeyID     [2]byte // WIF private key ("Pm")

	// HD key versions (first 4 bytes of a serialized extended key).
	HDPrivateKeyID [4]byte
	HDPublicKeyID  [4]byte

	// BIP44 coin types: SLIP0044 is used by new wallets, Legacy by wallets
	// restored from seeds created before the switch.
	SLIP0044CoinType uint32
	LegacyCoinType   uint32

	// Default ports. Zero means the program has no profile for the network.
	DefaultPort           uint16 // node peer-to-peer
	NodeRPCPort           uint16 // ecrd JSON-RPC
	WalletRPCPort         uint16 // eacrwallet JSON-RPC
	WalletGRPCPort        uint16 // eacrwallet gRPC
	StakepooldRPCPort     uint16 // stakepoold gRPC
	DefaultFrontEndListen string // dcrstakepool HTTP listen address

	TargetTimePerBlock time.Duration

	// Stake parameters.
	TicketPoolSize        uint16
	TicketsPerBlock       uint16
	TicketMaturity        uint16
	TicketExpiry          uint32
	CoinbaseMaturity      uint16
	SStxChangeMaturity    uint16
	StakeValidationHeight int64
	StakeEnabledHeight    int64
	MinimumStakeDiff      int64
	MaxFreshStakePerBlock uint8
	StakeDiffWindowSize   int64
	StakeDiffWindows      int64
	StakeVersionInterval  int64
	StakeBaseSigScript    []byte

	// Subsidy parameters. Proportions are out of their sum (10 for the
	// original split). The V2 values are the DCP0010 split; DCP0012 splits
	// stake/work 89/1 (fixed, see the subsidy package).
	BaseSubsidy              int64
	MulSubsidy               int64
	DivSubsidy               int64
	SubsidyReductionInterval int64
	WorkRewardProportion     uint16
	StakeRewardProportion    uint16
	BlockTaxProportion       uint16
	WorkRewardProportionV2   uint16
	StakeRewardProportionV2  uint16
	BlockOneSubsidy          int64

	// Heights from which DCP0005, DCP0010 and DCP0012 apply. Zero means
	// unknown (ask the node); AlwaysActive reports networks where they
	// apply from the start.
	DCP0005Height int64
	DCP0010Height int64
	DCP0012Height int64
	// DCPAlwaysActive is true on networks where DCP0010/DCP0012 apply from
	// the genesis block (simnet).
	DCPAlwaysActive bool

	// Rule change voting: an agenda's vote runs over intervals of
	// RuleChangeActivationInterval blocks, needs Quorum votes cast and
	// Multiplier/Divisor of them for one choice to pass.
	RuleChangeActivationInterval   uint32
	RuleChangeActivationQuorum     uint32
	RuleChangeActivationMultiplier uint32
	RuleChangeActivationDivisor    uint32
	TreasuryVoteInterval           uint64
	OrganizationPkScript           []byte

	// WalletVoteVersion is the vote version eacrwallet writes into votes.
	WalletVoteVersion uint32

	deployments []voteVersion
}

// Agendas returns the agendas of vote version v and whether the network
// knows that version. The slice is shared: do not modify it.
func (p *Params) Agendas(v uint32) ([]Agenda, bool) {
	for _, vv := range p.deployments {
		if vv.Version == v {
			return vv.Agendas, true
		}
	}
	return nil, false
}

// VoteVersions returns the vote versions that have agendas, ascending.
func (p *Params) VoteVersions() []uint32 {
	out := make([]uint32, len(p.deployments))
	for i, vv := range p.deployments {
		out[i] = vv.Version
	}
	return out
}

// LatestVoteVersion returns the highest vote version with agendas.
func (p *Params) LatestVoteVersion() uint32 {
	var max uint32
	for _, vv := range p.deployments {
		if vv.Version > max {
			max = vv.Version
		}
	}
	return max
}

// Copy returns a deep copy of p that the caller may modify.
func (p *Params) Copy() *Params {
	c := *p
	c.StakeBaseSigScript = append([]byte(nil), p.StakeBaseSigScript...)
	c.OrganizationPkScript = append([]byte(nil), p.OrganizationPkScript...)
	c.deployments = make([]voteVersion, len(p.deployments))
	for i, vv := range p.deployments {
		ags := make([]Agenda, len(vv.Agendas))
		for j, a := range vv.Agendas {
			a.Choices = append([]Choice(nil), a.Choices...)
			ags[j] = a
		}
		c.deployments[i] = voteVersion{Version: vv.Version, Agendas: ags}
	}
	return &c
}

// MainNetParams returns the main network's parameters (shared, read-only).
func MainNetParams() *Params { return &mainNetParams }

// TestNet3Params returns the public test network's parameters (shared,
// read-only).
func TestNet3Params() *Params { return &testNet3Params }

// SimNetParams returns the simulation network's parameters (shared,
// read-only).
func SimNetParams() *Params { return &simNetParams }

// RegNetParams returns the regression test network's parameters (shared,
// read-only).
func RegNetParams() *Params { return &regNetParams }

// All returns the parameters of every network.
func All() []*Params {
	return []*Params{&mainNetParams, &testNet3Params, &simNetParams, &regNetParams}
}

// ErrUnknownNetwork is returned by ByName for names it does not know.
var ErrUnknownNetwork = errors.New("unknown network")

// ByName returns the parameters of the named network. It accepts "mainnet",
// "testnet3" (or "testnet"), "simnet" and "regnet", in any case.
func ByName(name string) (*Params, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "mainnet":
		return &mainNetParams, nil
	case "testnet3", "testnet":
		return &testNet3Params, nil
	case "simnet":
		return &simNetParams, nil
	case "regnet":
		return &regNetParams, nil
	}
	return nil, fmt.Errorf("%w %q (want mainnet, testnet3, simnet or regnet)", ErrUnknownNetwork, name)
}

// hashFromStr parses a display-order hash literal; it is only used on
// constants of this package, which the tests check.
func hashFromStr(s string) chainhash.Hash {
	h, err := chainhash.NewHashFromStr(s)
	if err != nil {
		panic("chaincfg: bad hash literal " + s)
	}
	return *h
}
