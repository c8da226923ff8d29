package subsidy_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
)

type subsidyCase struct {
	Name     string `json:"name"`
	Height   int64  `json:"height"`
	NumVotes uint16 `json:"num_votes"`
	Variant  string `json:"variant"`
	Full     int64  `json:"want_full_block_subsidy"`
	Work     int64  `json:"want_work_subsidy"`
	PerVote  int64  `json:"want_per_vote_subsidy"`
	Treasury int64  `json:"want_treasury_subsidy_pre_treasury_agenda"`
}

func variant(t *testing.T, s string) subsidy.Variant {
	switch s {
	case "original":
		return subsidy.Original
	case "dcp0010":
		return subsidy.DCP0010
	case "dcp0012":
		return subsidy.DCP0012
	}
	t.Fatalf("unknown variant %q", s)
	return 0
}

func TestSubsidyVectors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "vectors", "subsidy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Vectors []subsidyCase `json:"vectors"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	c := subsidy.NewCache(chaincfg.MainNetParams())
	for _, tc := range v.Vectors {
		vr := variant(t, tc.Variant)
		got := [4]int64{c.BlockSubsidy(tc.Height), c.WorkSubsidy(tc.Height, tc.NumVotes, vr),
			c.VoteSubsidy(tc.Height, vr), c.TreasurySubsidy(tc.Height, tc.NumVotes, vr)}
		want := [4]int64{tc.Full, tc.Work, tc.PerVote, tc.Treasury}
		if got != want {
			t.Errorf("%s: got %v want %v", tc.Name, got, want)
		}
	}
}

func TestVariantAt(t *testing.T) {
	main := chaincfg.MainNetParams()
	tests := []struct {
		p    *chaincfg.Params
		h    int64
		want subsidy.Variant
	}{
		{main, 657279, subsidy.Original},
		{main, 657280, subsidy.DCP0010},
		{main, 794367, subsidy.DCP0010},
		{main, 794368, subsidy.DCP0012},
		{chaincfg.SimNetParams(), 1, subsidy.DCP0012},
		{chaincfg.TestNet3Params(), 877728, subsidy.DCP0010},
	}
	for _, tc := range tests {
		if got := subsidy.VariantAt(tc.p, tc.h); got != tc.want {
			t.Errorf("%s %d: %v want %v", tc.p.Name, tc.h, got, tc.want)
		}
	}
}

// The cache gives the same answers under concurrent use and in any order.
func TestCacheConcurrent(t *testing.T) {
	fresh := func(h int64) int64 { return subsidy.NewCache(chaincfg.MainNetParams()).BlockSubsidy(h) }
	heights := []int64{11010048, 6144, 307200, 2, 12288, 10911744}
	want := make([]int64, len(heights))
	for i, h := range heights {
		want[i] = fresh(h)
	}
	c := subsidy.NewCache(chaincfg.MainNetParams())
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := len(heights) - 1; i >= 0; i-- {
				if got := c.BlockSubsidy(heights[i]); got != want[i] {
					t.Errorf("height %d: %d want %d", heights[i], got, want[i])
				}
			}
		}()
	}
	wg.Wait()
	if c.BlockSubsidy(1<<40) != 0 {
		t.Error("subsidy far in the future is not zero")
	}
}

func BenchmarkVoteSubsidy(b *testing.B) {
	c := subsidy.NewCache(chaincfg.MainNetParams())
	for i := 0; i < b.N; i++ {
		_ = c.VoteSubsidy(900000+int64(i%1000), subsidy.DCP0012)
	}
}
