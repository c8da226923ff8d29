package txscript

// Opcodes used by the standard scripts. OP_DATA_1..OP_DATA_75 (0x01..0x4b)
// push that many following bytes.
const (
	OP_0                   = 0x00
	OP_FALSE               = 0x00
	OP_DATA_1              = 0x01
	OP_DATA_20             = 0x14
	OP_DATA_30             = 0x1e
	OP_DATA_32             = 0x20
	OP_DATA_33             = 0x21
	OP_DATA_36             = 0x24
	OP_DATA_75             = 0x4b
	OP_PUSHDATA1           = 0x4c
	OP_PUSHDATA2           = 0x4d
	OP_PUSHDATA4           = 0x4e
	OP_1NEGATE             = 0x4f
	OP_1                   = 0x51
	OP_TRUE                = 0x51
	OP_2                   = 0x52
	OP_16                  = 0x60
	OP_RETURN              = 0x6a
	OP_DUP                 = 0x76
	OP_EQUAL               = 0x87
	OP_EQUALVERIFY         = 0x88
	OP_BLAKE256            = 0xa8
	OP_HASH160             = 0xa9
	OP_CHECKSIG            = 0xac
	OP_CHECKMULTISIG       = 0xae
	OP_CHECKLOCKTIMEVERIFY = 0xb1
	OP_CHECKSEQUENCEVERIFY = 0xb2
	OP_SSTX                = 0xba
	OP_SSGEN               = 0xbb
	OP_SSRTX               = 0xbc
	OP_SSTXCHANGE          = 0xbd
	OP_CHECKSIGALT         = 0xbe
	OP_CHECKSIGALTVERIFY   = 0xbf
	OP_SHA256              = 0xc0
	OP_TADD                = 0xc1
	OP_TSPEND              = 0xc2
	OP_TGEN                = 0xc3
)

// Script limits (consensus values).
const (
	// MaxScriptSize is the largest script accepted.
	MaxScriptSize = 16384
	// MaxScriptElementSize is the largest single pushed element.
	MaxScriptElementSize = 2048
	// MaxPubKeysPerMultiSig bounds n in an m-of-n multisig script built
	// or parsed here (OP_1..OP_16 encodings).
	MaxPubKeysPerMultiSig = 16
)

// SmallIntOp returns the opcode that pushes n (0..16).
func SmallIntOp(n int) byte {
	if n == 0 {
		return OP_0
	}
	return byte(OP_1 - 1 + n)
}

// smallInt returns the value of an OP_0/OP_1..OP_16 opcode.
func smallInt(op byte) (int, bool) {
	switch {
	case op == OP_0:
		return 0, true
	case op >= OP_1 && op <= OP_16:
		return int(op - (OP_1 - 1)), true
	}
	return 0, false
}

// isStakeTag reports whether op is one of the four stake tags.
func isStakeTag(op byte) bool {
	return op == OP_SSTX || op == OP_SSGEN || op == OP_SSRTX || op == OP_SSTXCHANGE
}
