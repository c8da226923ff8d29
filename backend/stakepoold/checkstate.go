package main

import (
	"fmt"
	"io"
	"os"

	"github.com/decred/slog"

	"github.com/eacred/dcrstakepool/backend/stakepoold/store"
)

// checkState loads the state files in dir with the loader the daemon
// starts with (--checkstate): a backup's check before it is kept, a
// restore's before stakepoold is started on it. Like a start, the load
// cuts off a torn last journal record and moves a journal without its
// snapshot aside (warnings on errOut). It prints one line on out and
// returns the exit status: 0 when the state loads, 1 when stakepoold
// would refuse it (the reason on errOut).
func checkState(dir string, out, errOut io.Writer) int {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		fmt.Fprintf(errOut, "stakepoold: --checkstate: %s is not a directory\n", dir)
		return 1
	}
	st, err := store.New(dir)
	if err != nil {
		fmt.Fprintln(errOut, "stakepoold:", err)
		return 1
	}
	backend := slog.NewBackend(errOut)
	lg := backend.Logger("STPK")
	lg.SetLevel(slog.LevelWarn)
	st.SetLogger(lg)
	if _, err := os.Stat(st.Path()); err != nil {
		fmt.Fprintf(errOut, "stakepoold: --checkstate: no snapshot %s: %v\n", st.Path(), err)
		return 1
	}
	state, err := st.Load()
	if err != nil {
		fmt.Fprintln(errOut, "stakepoold: load stored state:", err)
		return 1
	}
	fmt.Fprintf(out, "%s: state loads: %d users' voting preferences, %d added low-fee tickets\n",
		dir, len(state.Users), len(state.AddedTickets))
	return 0
}
