package proctest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/eacred/dcrstakepool/simnet/ctl"
)

// Call sends one JSON-RPC request through ctl.Call, marshaling each param to
// JSON, and decodes the result into result unless it is nil. Server errors
// come back as *ctl.RPCError.
func Call(ctx context.Context, o ctl.Options, method string, result any, params ...any) error {
	raw := make([]json.RawMessage, len(params))
	for i, v := range params {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("%s param %d: %w", method, i, err)
		}
		raw[i] = b
	}
	res, err := ctl.Call(ctx, o, method, raw)
	if err != nil {
		return err
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(res, result); err != nil {
		return fmt.Errorf("%s: decode %s: %w", method, res, err)
	}
	return nil
}

// Wait calls ready every poll until it returns nil and returns nil, or
// returns ready's last error once timeout has passed.
func Wait(timeout, poll time.Duration, ready func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := ready()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(poll)
	}
}

// listenRE matches the line a simulator role logs when its RPC server is up.
var listenRE = regexp.MustCompile(`msg="RPC server listening".* addr=(\S+)`)

// FileSize is the size of the file at path, 0 when it does not exist: the
// offset from which to look for lines a process is about to write.
func FileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// ListenAddr returns the address in the first "RPC server listening" line
// of the log at path after offset, or "" when there is none yet.
func ListenAddr(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }() // opened read-only
	if _, err := f.Seek(offset, 0); err != nil {
		return ""
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			return m[1]
		}
	}
	return ""
}
