package chaincfg

import (
	"encoding/hex"
	"time"
)

// mustHex decodes a hex literal of this package.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("chaincfg: bad hex literal " + s)
	}
	return b
}

var mainNetParams = Params{
	Name:          "mainnet",
	Net:           0xd9b400f9,
	GenesisHash:   hashFromStr("298e5cc3d985bfe7f81dc135f360abe089edd4396b86d2de66b0cef42b21d980"),
	AddressPrefix: "D",
	CLIFlag:       "",

	PubKeyAddrID:     [2]byte{0x13, 0x86},
	PubKeyHashAddrID: [2]byte{0x07, 0x3f},
	PKHEdwardsAddrID: [2]byte{0x07, 0x1f},
	PKHSchnorrAddrID: [2]byte{0x07, 0x01},
	ScriptHashAddrID: [2]byte{0x07, 0x1a},
	PrivateKeyID:     [2]byte{0x22, 0xde},
	HDPrivateKeyID:   [4]byte{0x02, 0xfd, 0xa4, 0xe8},
	HDPublicKeyID:    [4]byte{0x02, 0xfd, 0xa9, 0x26},
	SLIP0044CoinType: 42,
	LegacyCoinType:   20,

	DefaultPort:           9108,
	NodeRPCPort:           9109,
	WalletRPCPort:         9110,
	WalletGRPCPort:        9111,
	StakepooldRPCPort:     9113,
	DefaultFrontEndListen: ":8000",

	TargetTimePerBlock: 5 * time.Minute,

	TicketPoolSize:        8192,
	TicketsPerBlock:       5,
	TicketMaturity:        256,
	TicketExpiry:          40960,
	CoinbaseMaturity:      256,
	SStxChangeMaturity:    1,
	StakeValidationHeight: 4096,
	StakeEnabledHeight:    512,
	MinimumStakeDiff:      200000000,
	MaxFreshStakePerBlock: 20,
	StakeDiffWindowSize:   144,
	StakeDiffWindows:      20,
	StakeVersionInterval:  2016,
	StakeBaseSigScript:    []byte{0x00, 0x00},

	BaseSubsidy:              3119582664,
	MulSubsidy:               100,
	DivSubsidy:               101,
	SubsidyReductionInterval: 6144,
	WorkRewardProportion:     6,
	StakeRewardProportion:    3,
	BlockTaxProportion:       1,
	WorkRewardProportionV2:   1,
	StakeRewardProportionV2:  8,
	BlockOneSubsidy:          168000000000000,

	DCP0005Height: 431488,
	DCP0010Height: 657280,
	DCP0012Height: 794368,

	RuleChangeActivationInterval:   8064,
	RuleChangeActivationQuorum:     4032,
	RuleChangeActivationMultiplier: 3,
	RuleChangeActivationDivisor:    4,
	TreasuryVoteInterval:           288,
	OrganizationPkScript:           mustHex("a914f5916158e3e2c4551c1796708db8367207ed13bb87"),

	WalletVoteVersion: 11,
	deployments:       mainNetDeployments,
}

var testNet3Params = Params{
	Name:          "testnet3",
	Net:           0xb194aa75,
	GenesisHash:   hashFromStr("a649dce53918caf422e9c711c858837e08d626ecfcd198969b24f7b634a49bac"),
	AddressPrefix: "T",
	CLIFlag:       "--testnet",

	PubKeyAddrID:     [2]byte{0x28, 0xf7},
	PubKeyHashAddrID: [2]byte{0x0f, 0x21},
	PKHEdwardsAddrID: [2]byte{0x0f, 0x01},
	PKHSchnorrAddrID: [2]byte{0x0e, 0xe3},
	ScriptHashAddrID: [2]byte{0x0e, 0xfc},
	PrivateKeyID:     [2]byte{0x23, 0x0e},
	HDPrivateKeyID:   [4]byte{0x04, 0x35, 0x83, 0x97},
	HDPublicKeyID:    [4]byte{0x04, 0x35, 0x87, 0xd1},
	SLIP0044CoinType: 1,
	LegacyCoinType:   11,

	DefaultPort:           19108,
	NodeRPCPort:           19109,
	WalletRPCPort:         19110,
	WalletGRPCPort:        19111,
	StakepooldRPCPort:     19113,
	DefaultFrontEndListen: ":8000",

	TargetTimePerBlock: 2 * time.Minute,

	TicketPoolSize:        1024,
	TicketsPerBlock:       5,
	TicketMaturity:        16,
	TicketExpiry:          6144,
	CoinbaseMaturity:      16,
	SStxChangeMaturity:    1,
	StakeValidationHeight: 768,
	StakeEnabledHeight:    32,
	MinimumStakeDiff:      20000000,
	MaxFreshStakePerBlock: 20,
	StakeDiffWindowSize:   144,
	StakeDiffWindows:      20,
	StakeVersionInterval:  2016,
	StakeBaseSigScript:    []byte{0x00, 0x00},

	BaseSubsidy:              2500000000,
	MulSubsidy:               100,
	DivSubsidy:               101,
	SubsidyReductionInterval: 2048,
	WorkRewardProportion:     6,
	StakeRewardProportion:    3,
	BlockTaxProportion:       1,
	WorkRewardProportionV2:   1,
	StakeRewardProportionV2:  8,

	DCP0005Height: 323328,
	DCP0010Height: 877728,
	DCP0012Height: 1170048,

	RuleChangeActivationInterval:   5040,
	RuleChangeActivationQuorum:     2520,
	RuleChangeActivationMultiplier: 3,
	RuleChangeActivationDivisor:    4,
	TreasuryVoteInterval:           60,
	OrganizationPkScript:           mustHex("a914d585cd7426d25b4ea5faf1e6987aacfeda3db94287"),

	WalletVoteVersion: 12,
	deployments:       testNet3Deployments,
}

var simNetParams = Params{
	Name:          "simnet",
	Net:           0x12141c16,
	GenesisHash:   hashFromStr("6bef82c645999585f7255cb02672921ac2f5492820090cd635fe3a59d16b4f87"),
	AddressPrefix: "S",
	CLIFlag:       "--simnet",

	PubKeyAddrID:     [2]byte{0x27, 0x6f},
	PubKeyHashAddrID: [2]byte{0x0e, 0x91},
	PKHEdwardsAddrID: [2]byte{0x0e, 0x71},
	PKHSchnorrAddrID: [2]byte{0x0e, 0x53},
	ScriptHashAddrID: [2]byte{0x0e, 0x6c},
	PrivateKeyID:     [2]byte{0x23, 0x07},
	HDPrivateKeyID:   [4]byte{0x04, 0x20, 0xb9, 0x03},
	HDPublicKeyID:    [4]byte{0x04, 0x20, 0xbd, 0x3d},
	SLIP0044CoinType: 1,
	LegacyCoinType:   115,

	DefaultPort:           18555,
	NodeRPCPort:           19556,
	WalletRPCPort:         19557,
	WalletGRPCPort:        19558,
	StakepooldRPCPort:     19560,
	DefaultFrontEndListen: ":8000",

	TargetTimePerBlock: time.Second,

	TicketPoolSize:        64,
	TicketsPerBlock:       5,
	TicketMaturity:        16,
	TicketExpiry:          384,
	CoinbaseMaturity:      16,
	SStxChangeMaturity:    1,
	StakeValidationHeight: 144,
	StakeEnabledHeight:    32,
	MinimumStakeDiff:      20000,
	MaxFreshStakePerBlock: 20,
	StakeDiffWindowSize:   8,
	StakeDiffWindows:      8,
	StakeVersionInterval:  112,
	StakeBaseSigScript:    []byte{0x00, 0x00},

	BaseSubsidy:              50000000000,
	MulSubsidy:               100,
	DivSubsidy:               101,
	SubsidyReductionInterval: 128,
	WorkRewardProportion:     6,
	StakeRewardProportion:    3,
	BlockTaxProportion:       1,
	WorkRewardProportionV2:   1,
	StakeRewardProportionV2:  8,

	DCPAlwaysActive: true,

	RuleChangeActivationInterval:   320,
	RuleChangeActivationQuorum:     160,
	RuleChangeActivationMultiplier: 3,
	RuleChangeActivationDivisor:    4,
	TreasuryVoteInterval:           48,
	OrganizationPkScript:           mustHex("a914cbb08d6ca783b533b2c7d24a51fbca92d937bf9987"),

	WalletVoteVersion: 12,
	deployments:       simNetDeployments,
}

// regNetParams: eacrwallet has no regnet profile, so the wallet ports are 0,
// and the DCP activation heights are not recorded (ask the node).
var regNetParams = Params{
	Name:          "regnet",
	Net:           0xdab500fa,
	GenesisHash:   hashFromStr("2ced94b4ae95bba344cfa043268732d230649c640f92dce2d9518823d3057cb0"),
	AddressPrefix: "R",
	CLIFlag:       "--regnet",

	PubKeyAddrID:     [2]byte{0x25, 0xe5},
	PubKeyHashAddrID: [2]byte{0x0e, 0x00},
	PKHEdwardsAddrID: [2]byte{0x0d, 0xe0},
	PKHSchnorrAddrID: [2]byte{0x0d, 0xc2},
	ScriptHashAddrID: [2]byte{0x0d, 0xdb},
	PrivateKeyID:     [2]byte{0x22, 0xfe},
	HDPrivateKeyID:   [4]byte{0xea, 0xb4, 0x04, 0x48},
	HDPublicKeyID:    [4]byte{0xea, 0xb4, 0xf9, 0x87},
	SLIP0044CoinType: 1,
	LegacyCoinType:   1,

	DefaultPort:           18655,
	NodeRPCPort:           18656,
	DefaultFrontEndListen: ":8000",

	TargetTimePerBlock: time.Second,

	TicketPoolSize:        64,
	TicketsPerBlock:       5,
	TicketMaturity:        16,
	TicketExpiry:          384,
	CoinbaseMaturity:      16,
	SStxChangeMaturity:    1,
	StakeValidationHeight: 144,
	StakeEnabledHeight:    32,
	MinimumStakeDiff:      20000,
	MaxFreshStakePerBlock: 20,
	StakeDiffWindowSize:   8,
	StakeDiffWindows:      8,
	StakeVersionInterval:  112,
	StakeBaseSigScript:    []byte{0x73, 0x57},

	BaseSubsidy:              50000000000,
	MulSubsidy:               100,
	DivSubsidy:               101,
	SubsidyReductionInterval: 128,
	WorkRewardProportion:     6,
	StakeRewardProportion:    3,
	BlockTaxProportion:       1,
	WorkRewardProportionV2:   1,
	StakeRewardProportionV2:  8,

	RuleChangeActivationInterval:   320,
	RuleChangeActivationQuorum:     160,
	RuleChangeActivationMultiplier: 3,
	RuleChangeActivationDivisor:    4,
	TreasuryVoteInterval:           4,
	OrganizationPkScript:           mustHex("a9146913bcc838bd0087fb3f6b3c868423d5e300078d87"),

	WalletVoteVersion: 1,
	deployments:       regNetDeployments,
}
