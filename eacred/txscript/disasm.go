package txscript

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// opNames holds the names of the non-push opcodes (0x50..0xc3); codes
// without a name print as OP_UNKNOWN<n>.
var opNames = map[byte]string{
	0x50: "OP_RESERVED", 0x61: "OP_NOP", 0x62: "OP_VER", 0x63: "OP_IF", 0x64: "OP_NOTIF",
	0x65: "OP_VERIF", 0x66: "OP_VERNOTIF", 0x67: "OP_ELSE", 0x68: "OP_ENDIF", 0x69: "OP_VERIFY",
	0x6a: "OP_RETURN", 0x6b: "OP_TOALTSTACK", 0x6c: "OP_FROMALTSTACK", 0x6d: "OP_2DROP",
	0x6e: "OP_2DUP", 0x6f: "OP_3DUP", 0x70: "OP_2OVER", 0x71: "OP_2ROT", 0x72: "OP_2SWAP",
	0x73: "OP_IFDUP", 0x74: "OP_DEPTH", 0x75: "OP_DROP", 0x76: "OP_DUP", 0x77: "OP_NIP",
	0x78: "OP_OVER", 0x79: "OP_PICK", 0x7a: "OP_ROLL", 0x7b: "OP_ROT", 0x7c: "OP_SWAP",
	0x7d: "OP_TUCK", 0x7e: "OP_CAT", 0x7f: "OP_SUBSTR", 0x80: "OP_LEFT", 0x81: "OP_RIGHT",
	0x82: "OP_SIZE", 0x83: "OP_INVERT", 0x84: "OP_AND", 0x85: "OP_OR", 0x86: "OP_XOR",
	0x87: "OP_EQUAL", 0x88: "OP_EQUALVERIFY", 0x89: "OP_ROTR", 0x8a: "OP_ROTL",
	0x8b: "OP_1ADD", 0x8c: "OP_1SUB", 0x8d: "OP_2MUL", 0x8e: "OP_2DIV", 0x8f: "OP_NEGATE",
	0x90: "OP_ABS", 0x91: "OP_NOT", 0x92: "OP_0NOTEQUAL", 0x93: "OP_ADD", 0x94: "OP_SUB",
	0x95: "OP_MUL", 0x96: "OP_DIV", 0x97: "OP_MOD", 0x98: "OP_LSHIFT", 0x99: "OP_RSHIFT",
	0x9a: "OP_BOOLAND", 0x9b: "OP_BOOLOR", 0x9c: "OP_NUMEQUAL", 0x9d: "OP_NUMEQUALVERIFY",
	0x9e: "OP_NUMNOTEQUAL", 0x9f: "OP_LESSTHAN", 0xa0: "OP_GREATERTHAN",
	0xa1: "OP_LESSTHANOREQUAL", 0xa2: "OP_GREATERTHANOREQUAL", 0xa3: "OP_MIN", 0xa4: "OP_MAX",
	0xa5: "OP_WITHIN", 0xa6: "OP_RIPEMD160", 0xa7: "OP_SHA1", 0xa8: "OP_BLAKE256",
	0xa9: "OP_HASH160", 0xaa: "OP_HASH256", 0xab: "OP_CODESEPARATOR", 0xac: "OP_CHECKSIG",
	0xad: "OP_CHECKSIGVERIFY", 0xae: "OP_CHECKMULTISIG", 0xaf: "OP_CHECKMULTISIGVERIFY",
	0xb0: "OP_NOP1", 0xb1: "OP_CHECKLOCKTIMEVERIFY", 0xb2: "OP_CHECKSEQUENCEVERIFY",
	0xb3: "OP_NOP4", 0xb4: "OP_NOP5", 0xb5: "OP_NOP6", 0xb6: "OP_NOP7", 0xb7: "OP_NOP8",
	0xb8: "OP_NOP9", 0xb9: "OP_NOP10", 0xba: "OP_SSTX", 0xbb: "OP_SSGEN", 0xbc: "OP_SSRTX",
	0xbd: "OP_SSTXCHANGE", 0xbe: "OP_CHECKSIGALT", 0xbf: "OP_CHECKSIGALTVERIFY",
	0xc0: "OP_SHA256", 0xc1: "OP_TADD", 0xc2: "OP_TSPEND", 0xc3: "OP_TGEN",
}

// OpcodeName returns the name of a non-push opcode, or OP_UNKNOWN<n>.
func OpcodeName(op byte) string {
	if n, ok := opNames[op]; ok {
		return n
	}
	return "OP_UNKNOWN" + strconv.Itoa(int(op))
}

// DisasmString returns the one-line disassembly JSON-RPC shows as "asm":
// data pushes as hex, small integers as numbers (OP_0 -> 0, OP_1NEGATE ->
// -1, OP_1..OP_16 -> 1..16), other opcodes by name. A script that cannot be
// parsed ends with "[error]" after the part that parsed.
func DisasmString(script []byte) string {
	var parts []string
	ops, err := parseOps(script)
	for _, o := range ops {
		switch {
		case o.Code == OP_0:
			parts = append(parts, "0")
		case o.Code == OP_1NEGATE:
			parts = append(parts, "-1")
		case o.Code >= OP_1 && o.Code <= OP_16:
			parts = append(parts, fmt.Sprint(int(o.Code-(OP_1-1))))
		case o.Code <= OP_PUSHDATA4:
			parts = append(parts, hex.EncodeToString(o.Data))
		default:
			parts = append(parts, OpcodeName(o.Code))
		}
	}
	if err != nil {
		parts = append(parts, "[error]")
	}
	return strings.Join(parts, " ")
}
