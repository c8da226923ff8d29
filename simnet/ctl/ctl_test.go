package ctl

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"5", "5"},
		{"true", "true"},
		{"null", "null"},
		{`["a","b"]`, `["a","b"]`},
		{`{"k":1}`, `{"k":1}`},
		{`"quoted"`, `"quoted"`},
		{"SsWKp7wtdTZYabYFYSc9cnxhwFEjA5g4pFc", `"SsWKp7wtdTZYabYFYSc9cnxhwFEjA5g4pFc"`},
		{"07000000", `"07000000"`}, // leading zero: not JSON, stays a hex string
		{"00ab", `"00ab"`},
		{"", `""`},
	}
	for _, tc := range tests {
		got := ParseArgs([]string{tc.in})
		if string(got[0]) != tc.want {
			t.Errorf("%q -> %s, want %s", tc.in, got[0], tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"abc"`, "abc"},
		{`5`, "5"},
		{`null`, ""},
		{`{"a":1}`, "{\n  \"a\": 1\n}"},
	}
	for _, tc := range tests {
		if got := Format(json.RawMessage(tc.in)); got != tc.want {
			t.Errorf("%s -> %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsCode(t *testing.T) {
	err := error(&RPCError{Code: -40, Message: "dup"})
	if !IsCode(err, -40) || IsCode(err, -1) || IsCode(errors.New("x"), -40) {
		t.Fatal("IsCode wrong")
	}
}
