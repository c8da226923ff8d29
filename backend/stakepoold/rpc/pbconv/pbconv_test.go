package pbconv

import (
	"reflect"
	"testing"

	"github.com/eacred/dcrstakepool/backend/poolapi"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
)

// TestUserRoundTrip: every field of the record survives the trip through
// its message. Each field is set to a distinct non-zero value found by
// reflection, so a field added to poolapi.User and not converted here
// fails.
func TestUserRoundTrip(t *testing.T) {
	var u poolapi.User
	v := reflect.ValueOf(&u).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("Sc" + v.Type().Field(i).Name)
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.SetInt(int64(i + 3))
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			f.SetUint(uint64(i + 3))
		case reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("poolapi.User.%s: set a value for kind %v here", v.Type().Field(i).Name, f.Kind())
		}
	}
	got, err := UserFromPB(UserToPB(u))
	if err != nil {
		t.Fatal(err)
	}
	if got != u {
		t.Fatalf("round trip: %+v, want %+v", got, u)
	}
}

func TestUserFromPBRefuses(t *testing.T) {
	if _, err := UserFromPB(nil); err == nil || err.Error() != "missing" {
		t.Errorf("nil message: %v", err)
	}
	_, err := UserFromPB(&pb.UserVotingPrefs{UserId: 1, VoteBits: 0x10001})
	if err == nil || err.Error() != "vote bits 0x10001 do not fit in 16 bits" {
		t.Errorf("17-bit vote bits: %v", err)
	}
	if u, err := UserFromPB(&pb.UserVotingPrefs{UserId: 1, VoteBits: 0xffff}); err != nil || u.VoteBits != 0xffff {
		t.Errorf("16-bit vote bits: %+v, %v", u, err)
	}
}
