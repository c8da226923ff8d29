package rpcjson

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestGetRawMempoolVerboseResultJSON(t *testing.T) {
	tests := []struct {
		name string
		in   GetRawMempoolVerboseResult
		want string
	}{
		{
			name: "child of a mempool tx",
			in: GetRawMempoolVerboseResult{Size: 225, Fee: 0.0001, Time: 1700000000, Height: 42,
				StartingPriority: 1.5e9, CurrentPriority: 2e9,
				Depends: []string{"1111111111111111111111111111111111111111111111111111111111111111"}},
			want: `{"size":225,"fee":0.0001,"time":1700000000,"height":42,"startingpriority":1500000000,` +
				`"currentpriority":2000000000,"depends":["1111111111111111111111111111111111111111111111111111111111111111"]}`,
		},
		{
			name: "no parents, zero priorities are kept",
			in:   GetRawMempoolVerboseResult{Size: 300, Height: 7, Depends: []string{}},
			want: `{"size":300,"fee":0,"time":0,"height":7,"startingpriority":0,"currentpriority":0,"depends":[]}`,
		},
	}
	for _, tc := range tests {
		b, err := json.Marshal(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if string(b) != tc.want {
			t.Errorf("%s: marshal\n got %s\nwant %s", tc.name, b, tc.want)
		}
		// The answer is a map keyed by txid; it must decode back intact.
		var m map[string]GetRawMempoolVerboseResult
		if err := json.Unmarshal([]byte(`{"ab":`+tc.want+`}`), &m); err != nil {
			t.Fatalf("%s: unmarshal: %v", tc.name, err)
		}
		if !reflect.DeepEqual(m["ab"], tc.in) {
			t.Errorf("%s: round trip %+v, want %+v", tc.name, m["ab"], tc.in)
		}
	}
}
