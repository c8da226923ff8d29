package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

// TestAppendStateMatchesEncodingJSON checks that the hand-built file is
// the document encoding/json makes of the same state, strings that need
// escaping included.
func TestAppendStateMatchesEncodingJSON(t *testing.T) {
	for _, st := range []pool.State{
		{},
		{Users: []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8}}},
		{
			Users: []pool.UserPrefs{
				{UserID: 1, MultisigAddress: "Sc\"quote\\back", VoteBits: 65535, VoteBitsVersion: 4294967295},
				{UserID: 9_000_000_000, MultisigAddress: "Sc\n\x01<&>é\u2028", VoteBits: 1},
			},
			AddedTickets: []pool.PoolTicketID{{Hash: "ab", MultisigAddress: "Sc\t"}, {Hash: "cd\"", MultisigAddress: "ScB"}},
		},
	} {
		got := appendState(nil, st, 12345)
		want, err := json.Marshal(fileFormat{Version: formatVersion, Seq: 12345, State: st})
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("invalid JSON %s: %v", got, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		// encoding/json writes null for an empty list, this file [];
		// both read back as an empty list.
		for _, k := range []string{"users", "addedtickets"} {
			if w.(map[string]any)[k] == nil {
				w.(map[string]any)[k] = []any{}
			}
		}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
	}
}
