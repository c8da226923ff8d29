package wallet

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

func TestPoolTicketStatus(t *testing.T) {
	lt := ticketLifetime{Maturity: 16, Expiry: 384}
	tests := []struct {
		name string
		t    poolTicket
		tip  int64
		want string
	}{
		{"just mined", poolTicket{Status: poolLive, Height: 100}, 100, "immature"},
		{"one before live", poolTicket{Status: poolLive, Height: 100}, 116, "immature"},
		{"live", poolTicket{Status: poolLive, Height: 100}, 117, "live"},
		{"added without height", poolTicket{Status: poolLive}, 1000, "live"},
		{"voted", poolTicket{Status: poolVoted, Height: 100, SpentByHeight: 150}, 200, "voted"},
		{"missed", poolTicket{Status: poolMissed, Height: 100, SpentByHeight: 150}, 200, "missed"},
		{"missed late in life", poolTicket{Status: poolMissed, Height: 100, SpentByHeight: 484}, 500, "missed"},
		{"missed in the last block before expiry", poolTicket{Status: poolMissed, Height: 100, SpentByHeight: 499}, 500, "missed"},
		{"expired", poolTicket{Status: poolMissed, Height: 100, SpentByHeight: 500}, 500, "expired"},
		{"unknown", poolTicket{Status: "weird"}, 1, ""},
	}
	for _, tc := range tests {
		if got := lt.reportStatus(&tc.t, tc.tip); got != tc.want {
			t.Errorf("%s: status %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestPoolUserLifecycle(t *testing.T) {
	lt := ticketLifetime{Maturity: 16, Expiry: 384}
	st := newState()
	u := st.poolUserFor("aa")
	u.addInvalid("t1")
	u.addInvalid("t1")
	u.addValid("t2", 50)
	u.addValid("t2", 60) // duplicate keeps the first record
	if got := lt.info(u, 60); !reflect.DeepEqual(got, rpcjson.StakePoolUserInfoResult{
		Tickets: []rpcjson.PoolUserTicket{{Status: "immature", Ticket: "t2", TicketHeight: 50, SpentBy: rpcjson.ZeroHash}},
		Invalid: []string{"t1"},
	}) {
		t.Fatalf("info = %+v", got)
	}
	// addticket moves the invalid one to the valid list.
	u.addValid("t1", 0)
	u.addInvalid("t1") // a later fee check failure does not undo it
	if len(u.Invalid) != 0 || len(u.Tickets) != 2 {
		t.Fatalf("after addValid: %+v", u)
	}
	if !u.markSpent("t2", "v2", 80, true) || u.markSpent("nope", "x", 1, false) {
		t.Fatal("markSpent found the wrong tickets")
	}
	got := lt.info(u, 90)
	if got.Tickets[0].Status != "voted" || got.Tickets[0].SpentBy != "v2" || got.Tickets[0].SpentByHeight != 80 {
		t.Fatalf("voted ticket: %+v", got.Tickets[0])
	}
	if empty := lt.info(nil, 1); empty.Tickets == nil || empty.Invalid == nil {
		t.Fatal("unknown user must give empty, non-null arrays")
	}
}

func TestStateSaveLoad(t *testing.T) {
	dir := t.TempDir()
	db, st, err := openState(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := &Wallet{cfg: Config{DataDir: dir}, st: st, db: db}
	if err := w.saveLocked(); err != nil { // the first save writes the snapshot
		t.Fatal(err)
	}
	st.SyncHeight = 12
	st.Scripts = append(st.Scripts, "51ae")
	st.touchScript(0)
	st.poolUserFor("bb").addValid("t", 3)
	st.poolUserFor("bb").addInvalid("bad")
	st.Credits[outpointKey("x", 1)] = &credit{TxID: "x", Index: 1, Amount: 5}
	st.touchCredit(outpointKey("x", 1))
	if err := w.saveLocked(); err != nil {
		t.Fatal(err)
	}
	if err := db.close(); err != nil {
		t.Fatal(err)
	}
	db2, again, err := openState(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := db2.close(); err != nil {
			t.Error(err)
		}
	}()
	if a, b := legacyJSON(t, st), legacyJSON(t, again); a != b {
		t.Fatalf("round trip differs:\n%s\n%s", a, b)
	}
}

// legacyJSON is the state in the old one-file layout, to compare states.
func legacyJSON(t *testing.T, st *state) string {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
