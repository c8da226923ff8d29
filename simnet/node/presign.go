package node

import (
	"bytes"

	"github.com/eacred/dcrstakepool/eacred/wire"
)

// sigCheck is one signature check of a transaction and its result.
type sigCheck struct {
	idx      int
	pkScript []byte
	err      error
}

// sigChecks are a transaction's signature checks, done ahead.
type sigChecks []sigCheck

// presign finds, with n.mu held, the signature checks acceptTx would make
// of tx now (every other check runs as well, but its result is dropped),
// and makes them after releasing n.mu. When some other check fails, none is
// made: the locked acceptance that follows finds that failure again, in
// the order acceptTx checks.
func (n *Node) presign(tx *wire.MsgTx) sigChecks {
	var checks sigChecks
	n.mu.Lock()
	_, err := n.checkTx(tx, func(_ *wire.MsgTx, idx int, pkScript []byte) error {
		checks = append(checks, sigCheck{idx: idx, pkScript: bytes.Clone(pkScript)})
		return nil
	})
	n.mu.Unlock()
	if err != nil {
		return nil
	}
	for i := range checks {
		checks[i].err = n.verify(tx, checks[i].idx, checks[i].pkScript)
	}
	return checks
}

// verifier answers the checks made ahead (a verify is a function of the
// transaction, the input and the script spent) and hands any other to
// verify: the state may have changed since, e.g. a reorganization.
func (cs sigChecks) verifier(verify VerifyFunc) VerifyFunc {
	return func(tx *wire.MsgTx, idx int, pkScript []byte) error {
		for _, c := range cs {
			if c.idx == idx && bytes.Equal(c.pkScript, pkScript) {
				return c.err
			}
		}
		return verify(tx, idx, pkScript)
	}
}
