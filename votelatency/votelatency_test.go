package votelatency

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestSmoke runs a short benchmark (a few blocks of each phase) and checks
// the measurement itself, never the timings: every winner of every
// measured block got an accepted vote, each back end's vote of every
// winner was traced and timed by the node, pool and floor alike.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator and two stakepoolds")
	}
	root := t.TempDir()
	opt := Options{BinDir: filepath.Join(root, "bin"), Dir: filepath.Join(root, "run"), Rounds: 1, Blocks: 3, Warmup: 1,
		Interval: 300 * time.Millisecond, MaxWait: 10 * time.Second, Users: 2, Logf: t.Logf}
	if err := Build(opt.BinDir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := Run(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	w := &sliceWriter{&b}
	rep.Print(w)
	t.Logf("\n%s", b)
	if rep.Missed() != 0 {
		t.Fatalf("%d winners got no accepted vote", rep.Missed())
	}
	for _, s := range []struct {
		name string
		side *side
	}{{"pool", &rep.Pool}, {"floor", &rep.Floor}} {
		if s.side.blocks != 3 || len(s.side.first) != 15 || s.side.untimed != 0 || s.side.rejected != 0 {
			t.Errorf("%s: %d blocks, %d first votes timed, %d untimed, %d refused; want 3, 15, 0, 0",
				s.name, s.side.blocks, len(s.side.first), s.side.untimed, s.side.rejected)
		}
		for i, b := range s.side.backends {
			if len(b) != 15 {
				t.Errorf("%s backend %d: %d votes timed, want 15 (one per winner)", s.name, i+1, len(b))
			}
		}
	}
}

type sliceWriter struct{ b *[]byte }

func (w *sliceWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }
