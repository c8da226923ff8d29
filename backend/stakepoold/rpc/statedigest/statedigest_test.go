package statedigest

import (
	"bytes"
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

func users(n int) []poolapi.User {
	us := make([]poolapi.User, n)
	for i := range us {
		us[i] = poolapi.User{UserID: int64(i + 1), MultisigAddress: fmt.Sprintf("Sc%032d", i), VoteBits: 1, VoteBitsVersion: 10}
	}
	return us
}

func TestDigestOrderIndependentAndIncremental(t *testing.T) {
	us := users(50)
	ts := []poolapi.Ticket{{Hash: "AB" + fmt.Sprintf("%062d", 1), MultisigAddress: us[0].MultisigAddress}}
	want := Of(us, ts).Digest()

	shuffled := append([]poolapi.User(nil), us...)
	rand.New(rand.NewSource(1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	lower := []poolapi.Ticket{{Hash: "ab" + fmt.Sprintf("%062d", 1), MultisigAddress: us[0].MultisigAddress}}
	if got := Of(shuffled, lower).Digest(); got != want {
		t.Fatalf("shuffled users / lower-case hash: digest %s, want %s", got, want)
	}

	// One user changes bits: incremental update equals recomputation.
	a := Of(us, ts)
	changed := us[7]
	changed.VoteBits = 5
	a.SubUser(UserHash(us[7]))
	a.AddUser(UserHash(changed))
	us2 := append([]poolapi.User(nil), us...)
	us2[7] = changed
	if a.Digest() != Of(us2, ts).Digest() {
		t.Fatal("incremental update differs from recomputation")
	}
	if a.Digest() == want {
		t.Fatal("changing a user's vote bits did not change the digest")
	}
	a.SubUser(UserHash(changed))
	a.AddUser(UserHash(us[7]))
	if a.Digest() != want {
		t.Fatal("undoing the change did not restore the digest")
	}
}

func TestDigestSeesEveryField(t *testing.T) {
	base := poolapi.User{UserID: 3, MultisigAddress: "ScAAA", VoteBits: 1, VoteBitsVersion: 10}
	variants := []poolapi.User{
		{UserID: 4, MultisigAddress: "ScAAA", VoteBits: 1, VoteBitsVersion: 10},
		{UserID: 3, MultisigAddress: "ScAAB", VoteBits: 1, VoteBitsVersion: 10},
		{UserID: 3, MultisigAddress: "ScAAA", VoteBits: 3, VoteBitsVersion: 10},
		{UserID: 3, MultisigAddress: "ScAAA", VoteBits: 1, VoteBitsVersion: 11},
	}
	d := Of([]poolapi.User{base}, nil).Digest()
	for _, v := range variants {
		if Of([]poolapi.User{v}, nil).Digest() == d {
			t.Errorf("%+v has the digest of %+v", v, base)
		}
	}
	// A user record is not a ticket record, and counts matter.
	if Of(nil, nil).Digest() == Of([]poolapi.User{base}, nil).Digest() {
		t.Error("empty state has the digest of one user")
	}
	if Of(nil, []poolapi.Ticket{{Hash: "x", MultisigAddress: "y"}}).Digest() == Of(nil, []poolapi.Ticket{{Hash: "xy", MultisigAddress: ""}}).Digest() {
		t.Error("ticket fields are not length-prefixed")
	}
	a := Of([]poolapi.User{base, base}, nil)
	if a.Users() != 2 || a.Digest() == Of([]poolapi.User{base}, nil).Digest() {
		t.Error("a duplicated record does not change the digest")
	}
}

// TestDigestVector pins the encoding: changing it silently would make every
// front end repair every backend on every poll during an upgrade.
func TestDigestVector(t *testing.T) {
	got := Of([]poolapi.User{{UserID: 1, MultisigAddress: "ScuQxvveKGfpG1ypt6u27F99Anf7EW3cqhq", VoteBits: 5, VoteBitsVersion: 10}},
		[]poolapi.Ticket{{Hash: "1111111111111111111111111111111111111111111111111111111111111111",
			MultisigAddress: "ScuQxvveKGfpG1ypt6u27F99Anf7EW3cqhq"}}).Digest()
	const want = "ac0068db4fb755bcaaf5e710b2e79ea83525429cf16c0d6be71828f53a28f183" // computed independently (Python hashlib)
	if got != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
	if Of(nil, nil).Digest() != emptyDigest {
		t.Fatalf("empty digest %s, want %s", Of(nil, nil).Digest(), emptyDigest)
	}
}

const emptyDigest = "753db8a4bdb0297ee291a4810c9daaf4a62f82970989e3749693d9d362fa2e56"

func BenchmarkOf100k(b *testing.B) {
	us := users(100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Of(us, nil).Digest()
	}
}

func BenchmarkUpdateOne(b *testing.B) {
	a := Of(users(100_000), nil)
	u := poolapi.User{UserID: 7, MultisigAddress: "ScAAA", VoteBits: 1, VoteBitsVersion: 10}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.SubUser(UserHash(u))
		u.VoteBits ^= 4
		a.AddUser(UserHash(u))
		_ = a.Digest()
	}
}

// TestRecordEncoding: a record is encoded from its fields alone, so a
// field added to poolapi.User is in the digest without an edit here: the
// fixed-size fields big-endian at their size in declaration order, then
// the strings, length-prefixed, in declaration order.
func TestRecordEncoding(t *testing.T) {
	type rec struct {
		S1 string
		A  int64
		B  bool
		C  uint16
		S2 string
		D  int8
	}
	p := planOf(reflect.TypeOf(rec{}))
	got := p.encode(nil, reflect.ValueOf(rec{S1: "ab", A: -2, B: true, C: 0x0102, S2: "", D: -1}))
	want := []byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, // A
		1,          // B
		0x01, 0x02, // C
		0xff,                 // D
		0, 0, 0, 2, 'a', 'b', // S1
		0, 0, 0, 0, // S2
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding %x, want %x", got, want)
	}
	// The same rule gives poolapi.User's v1 encoding (TestDigestVector pins
	// its hash).
	u := poolapi.User{UserID: 1, MultisigAddress: "Sc", VoteBits: 5, VoteBitsVersion: 10}
	got = userFields.encode(nil, reflect.ValueOf(u))
	want = []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 5, 0, 0, 0, 10, 0, 0, 0, 2, 'S', 'c'}
	if !bytes.Equal(got, want) {
		t.Fatalf("user encoding %x, want %x", got, want)
	}
}

// TestPlanRefusesUnsizedFields: a field whose encoding is not decided
// (int, whose size depends on the platform; a slice) stops the program at
// start-up instead of being left out of the digest.
func TestPlanRefusesUnsizedFields(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeOf(struct{ N int }{}),
		reflect.TypeOf(struct{ L []string }{}),
		reflect.TypeOf(struct{ F float64 }{}),
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("planOf(%v) did not panic", typ)
				}
			}()
			planOf(typ)
		}()
	}
}
