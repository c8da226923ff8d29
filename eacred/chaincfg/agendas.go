package chaincfg

import "math"

// Agendas by vote version. Every agenda so far is a yes/no question with
// the standard three choices (see yesNo); start and expire are Unix times.

var mainNetDeployments = []voteVersion{
	{Version: 4, Agendas: []Agenda{
		yesNo("sdiffalgorithm", "Switch to the revised ticket price (stake difficulty) algorithm", 0x0006, 1493164800, 1524700800, ""),
		yesNo("lnsupport", "Signal support for Lightning Network integration", 0x0018, 1493164800, 1508976000, ""),
	}},
	{Version: 5, Agendas: []Agenda{
		yesNo("lnfeatures", "Enable the consensus features the Lightning Network needs", 0x0006, 1505260800, 1536796800, ""),
	}},
	{Version: 6, Agendas: []Agenda{
		yesNo("fixlnseqlocks", "Correct sequence lock handling and enforce it for Lightning", 0x0006, 1548633600, 1580169600, ""),
	}},
	{Version: 7, Agendas: []Agenda{
		yesNo("headercommitments", "Commit filter data to block headers", 0x0006, 1567641600, 1599264000, ""),
	}},
	{Version: 8, Agendas: []Agenda{
		yesNo("treasury", "Create a decentralised treasury controlled by stakeholders", 0x0006, 1596240000, 1627776000, ""),
	}},
	{Version: 9, Agendas: []Agenda{
		yesNo("reverttreasurypolicy", "Revert the treasury spending limit to its intended form", 0x0006, 1631750400, 1694822400, ""),
		yesNo("explicitverupgrades", "Require explicit version upgrades for new rules", 0x0018, 1631750400, 1694822400, ""),
		yesNo("autorevocations", "Revoke missed and expired tickets automatically", 0x0060, 1631750400, 1694822400, ""),
		yesNo("changesubsidysplit", "Change the block reward split to 10% work, 80% stake", 0x0180, 1631750400, 1694822400, ""),
	}},
	{Version: 10, Agendas: []Agenda{
		yesNo("blake3pow", "Move proof of work to BLAKE3 with a new difficulty algorithm", 0x0006, 1682294400, 1745452800, ""),
		yesNo("changesubsidysplitr2", "Change the block reward split to 1% work, 89% stake", 0x0060, 1682294400, 1745452800, ""),
	}},
	{Version: 11, Agendas: []Agenda{
		yesNo("maxtreasuryspend", "Change the maximum treasury expenditure policy", 0x0006, 1762992000, 1826064000, ""),
	}},
}

var testNet3Deployments = []voteVersion{
	{Version: 5, Agendas: []Agenda{
		yesNo("sdiffalgorithm", "Switch to the revised ticket price (stake difficulty) algorithm", 0x0006, 1493164800, 1524700800, "yes"),
	}},
	{Version: 6, Agendas: []Agenda{
		yesNo("lnfeatures", "Enable the consensus features the Lightning Network needs", 0x0006, 1505260800, 1536796800, "yes"),
	}},
	{Version: 7, Agendas: []Agenda{
		yesNo("fixlnseqlocks", "Correct sequence lock handling and enforce it for Lightning", 0x0006, 1548633600, 1580169600, ""),
	}},
	{Version: 8, Agendas: []Agenda{
		yesNo("headercommitments", "Commit filter data to block headers", 0x0006, 1567641600, 1599264000, ""),
	}},
	{Version: 9, Agendas: []Agenda{
		yesNo("treasury", "Create a decentralised treasury controlled by stakeholders", 0x0006, 1596240000, 1627776000, ""),
	}},
	{Version: 10, Agendas: []Agenda{
		yesNo("reverttreasurypolicy", "Revert the treasury spending limit to its intended form", 0x0006, 1631750400, 1694822400, ""),
		yesNo("explicitverupgrades", "Require explicit version upgrades for new rules", 0x0018, 1631750400, 1694822400, ""),
		yesNo("autorevocations", "Revoke missed and expired tickets automatically", 0x0060, 1631750400, 1694822400, ""),
		yesNo("changesubsidysplit", "Change the block reward split to 10% work, 80% stake", 0x0180, 1631750400, 1694822400, ""),
	}},
	{Version: 11, Agendas: []Agenda{
		yesNo("blake3pow", "Move proof of work to BLAKE3 with a new difficulty algorithm", 0x0006, 1682294400, 1745452800, ""),
		yesNo("changesubsidysplitr2", "Change the block reward split to 1% work, 89% stake", 0x0060, 1682294400, 1745452800, ""),
	}},
	{Version: 12, Agendas: []Agenda{
		yesNo("maxtreasuryspend", "Change the maximum treasury expenditure policy", 0x0006, 1762992000, 1826064000, ""),
	}},
}

var simNetDeployments = []voteVersion{
	{Version: 4, Agendas: []Agenda{
		yesNo("maxblocksize", "Raise the maximum block size", 0x0006, 0, math.MaxInt64, "yes"),
	}},
	{Version: 5, Agendas: []Agenda{
		yesNo("sdiffalgorithm", "Switch to the revised ticket price (stake difficulty) algorithm", 0x0006, 0, math.MaxInt64, "yes"),
	}},
	{Version: 6, Agendas: []Agenda{
		yesNo("lnfeatures", "Enable the consensus features the Lightning Network needs", 0x0006, 0, math.MaxInt64, "yes"),
	}},
	{Version: 7, Agendas: []Agenda{
		yesNo("fixlnseqlocks", "Correct sequence lock handling and enforce it for Lightning", 0x0006, 0, math.MaxInt64, "yes"),
	}},
	{Version: 8, Agendas: []Agenda{
		yesNo("headercommitments", "Commit filter data to block headers", 0x0006, 0, math.MaxInt64, "yes"),
	}},
	{Version: 9, Agendas: []Agenda{
		yesNo("treasury", "Create a decentralised treasury controlled by stakeholders", 0x0006, 0, math.MaxInt64, "yes"),
	}},
	{Version: 10, Agendas: []Agenda{
		yesNo("reverttreasurypolicy", "Revert the treasury spending limit to its intended form", 0x0006, 0, math.MaxInt64, "yes"),
		yesNo("explicitverupgrades", "Require explicit version upgrades for new rules", 0x0018, 0, math.MaxInt64, "yes"),
		yesNo("autorevocations", "Revoke missed and expired tickets automatically", 0x0060, 0, math.MaxInt64, "yes"),
		yesNo("changesubsidysplit", "Change the block reward split to 10% work, 80% stake", 0x0180, 0, math.MaxInt64, "yes"),
	}},
	{Version: 11, Agendas: []Agenda{
		yesNo("blake3pow", "Move proof of work to BLAKE3 with a new difficulty algorithm", 0x0006, 0, math.MaxInt64, "yes"),
		yesNo("changesubsidysplitr2", "Change the block reward split to 1% work, 89% stake", 0x0060, 0, math.MaxInt64, "yes"),
	}},
	{Version: 12, Agendas: []Agenda{
		yesNo("maxtreasuryspend", "Change the maximum treasury expenditure policy", 0x0006, 0, math.MaxInt64, "yes"),
	}},
}

var regNetDeployments = []voteVersion{
	{Version: 4, Agendas: []Agenda{
		yesNo("maxblocksize", "Raise the maximum block size", 0x0006, 0, math.MaxInt64, ""),
	}},
	{Version: 5, Agendas: []Agenda{
		yesNo("sdiffalgorithm", "Switch to the revised ticket price (stake difficulty) algorithm", 0x0006, 0, math.MaxInt64, ""),
	}},
	{Version: 6, Agendas: []Agenda{
		yesNo("lnfeatures", "Enable the consensus features the Lightning Network needs", 0x0006, 0, math.MaxInt64, ""),
	}},
	{Version: 7, Agendas: []Agenda{
		yesNo("fixlnseqlocks", "Correct sequence lock handling and enforce it for Lightning", 0x0006, 0, math.MaxInt64, ""),
	}},
	{Version: 8, Agendas: []Agenda{
		yesNo("headercommitments", "Commit filter data to block headers", 0x0006, 0, math.MaxInt64, ""),
	}},
	{Version: 9, Agendas: []Agenda{
		yesNo("treasury", "Create a decentralised treasury controlled by stakeholders", 0x0006, 0, math.MaxInt64, ""),
	}},
	{Version: 10, Agendas: []Agenda{
		yesNo("reverttreasurypolicy", "Revert the treasury spending limit to its intended form", 0x0006, 0, math.MaxInt64, ""),
		yesNo("explicitverupgrades", "Require explicit version upgrades for new rules", 0x0018, 0, math.MaxInt64, ""),
		yesNo("autorevocations", "Revoke missed and expired tickets automatically", 0x0060, 0, math.MaxInt64, ""),
		yesNo("changesubsidysplit", "Change the block reward split to 10% work, 80% stake", 0x0180, 0, math.MaxInt64, ""),
	}},
	{Version: 11, Agendas: []Agenda{
		yesNo("blake3pow", "Move proof of work to BLAKE3 with a new difficulty algorithm", 0x0006, 0, math.MaxInt64, ""),
		yesNo("changesubsidysplitr2", "Change the block reward split to 1% work, 89% stake", 0x0060, 0, math.MaxInt64, ""),
	}},
	{Version: 12, Agendas: []Agenda{
		yesNo("maxtreasuryspend", "Change the maximum treasury expenditure policy", 0x0006, 0, math.MaxInt64, ""),
	}},
}

// yesNo builds a yes/no agenda on mask, whose two bits are adjacent: the
// lower bit means "no", the upper bit means "yes", and 0 means abstain.
func yesNo(id, desc string, mask uint16, start, expire uint64, forced string) Agenda {
	no := mask & -mask
	return Agenda{
		ID:          id,
		Description: desc,
		Mask:        mask,
		Choices: []Choice{
			{ID: "abstain", Description: "abstain from voting", Bits: 0, IsAbstain: true},
			{ID: "no", Description: "keep the existing rules", Bits: no, IsNo: true},
			{ID: "yes", Description: "change to the new rules", Bits: mask &^ no},
		},
		StartTime:      start,
		ExpireTime:     expire,
		ForcedChoiceID: forced,
	}
}
