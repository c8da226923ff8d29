package node

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/eacred/dcrstakepool/eacred/txscript"
)

var opNames = map[byte]string{
	0x61: "OP_NOP", 0x63: "OP_IF", 0x64: "OP_NOTIF", 0x67: "OP_ELSE", 0x68: "OP_ENDIF", 0x69: "OP_VERIFY",
	0x6a: "OP_RETURN", 0x75: "OP_DROP", 0x76: "OP_DUP", 0x82: "OP_SIZE", 0x87: "OP_EQUAL",
	0x88: "OP_EQUALVERIFY", 0xa8: "OP_BLAKE256", 0xa9: "OP_HASH160", 0xaa: "OP_HASH256",
	0xac: "OP_CHECKSIG", 0xad: "OP_CHECKSIGVERIFY", 0xae: "OP_CHECKMULTISIG", 0xaf: "OP_CHECKMULTISIGVERIFY",
	0xb1: "OP_CHECKLOCKTIMEVERIFY", 0xb2: "OP_CHECKSEQUENCEVERIFY", 0xba: "OP_SSTX", 0xbb: "OP_SSGEN",
	0xbc: "OP_SSRTX", 0xbd: "OP_SSTXCHANGE", 0xbe: "OP_CHECKSIGALT", 0xbf: "OP_CHECKSIGALTVERIFY",
	0xc0: "OP_SHA256", 0xc1: "OP_TADD", 0xc2: "OP_TSPEND", 0xc3: "OP_TGEN",
}

// disasm renders a script as the "asm" string of verbose results: pushed
// data as hex, small integers as numbers, other opcodes by name; a script
// that does not parse ends with "[error]".
func disasm(script []byte) string {
	ops, err := txscript.ParseScript(script)
	if err != nil {
		return "[error]"
	}
	parts := make([]string, 0, len(ops))
	for _, op := range ops {
		switch {
		case op.Code == 0x00:
			parts = append(parts, "0")
		case op.Code == 0x4f:
			parts = append(parts, "-1")
		case op.Code >= 0x51 && op.Code <= 0x60:
			parts = append(parts, fmt.Sprint(int(op.Code)-0x50))
		case op.Code <= 0x4e:
			parts = append(parts, hex.EncodeToString(op.Data))
		default:
			name, ok := opNames[op.Code]
			if !ok {
				name = fmt.Sprintf("OP_UNKNOWN%d", op.Code)
			}
			parts = append(parts, name)
		}
	}
	return strings.Join(parts, " ")
}
