package store

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
)

func TestRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "simnet")
	f, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Load()
	if err != nil || len(st.Users) != 0 || len(st.AddedTickets) != 0 {
		t.Fatalf("missing file: got %+v, %v; want empty state", st, err)
	}
	want := pool.State{
		Users: []pool.UserPrefs{
			{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8},
			{UserID: 2, MultisigAddress: "ScB", VoteBits: 1, VoteBitsVersion: 8},
		},
		AddedTickets: []pool.PoolTicketID{{Hash: strings.Repeat("ab", 32), MultisigAddress: "ScA"}},
	}
	if err := f.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := f.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary files left behind: %v", ents)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"garbage", "{not json", "is damaged"},
		{"truncated", `{"version":1,"users":[{"userid":1,"multisig`, "is damaged"},
		{"empty", "", "the file is empty"},
		{"trailing garbage", `{"version":1,"users":[]}xyz`, "unexpected data after the JSON object"},
		{"two objects", `{"version":1,"users":[]} {"version":1}`, "unexpected data after the JSON object"},
		{"unknown field", `{"version":1,"users":[],"usres":[]}`, "unknown field"},
		{"future format", `{"version":99,"users":[]}`, "format version 99"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			f, _ := New(dir)
			_, err := f.Load()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want error containing %q", err, tc.want)
			}
			var ce *CorruptError
			if errors.As(err, &ce) && !strings.Contains(err.Error(), "mv "+f.Path()+" "+f.Path()+".damaged") {
				t.Fatalf("the error does not say what to do: %v", err)
			}
		})
	}
	// Trailing white space (an editor's newline) is fine.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("{\"version\":1,\"users\":[]}\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _ := New(dir)
	if _, err := f.Load(); err != nil {
		t.Fatalf("trailing newline: %v", err)
	}
}
