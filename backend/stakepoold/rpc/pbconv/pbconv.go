// Package pbconv converts the records both programs share (backend/poolapi)
// to and from their protobuf messages (stakepoolrpc), once for both ends of
// the gRPC connection: the front end's client (stakepooldclient) sends
// with it and stakepoold's server (rpcserver) receives with it, so a field
// added to a record and its message is converted here and nowhere else.
package pbconv

import (
	"errors"
	"fmt"

	"github.com/eacred/dcrstakepool/backend/poolapi"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
)

// UserToPB is the message of a user's voting preferences.
func UserToPB(u poolapi.User) *pb.UserVotingPrefs {
	return &pb.UserVotingPrefs{UserId: u.UserID, MultisigAddress: u.MultisigAddress,
		VoteBits: uint32(u.VoteBits), VoteBitsVersion: u.VoteBitsVersion}
}

// UserFromPB is the user's voting preferences a message carries. It fails
// when the message is missing or a value does not fit its field (the
// protobuf types are wider than the record's).
func UserFromPB(m *pb.UserVotingPrefs) (poolapi.User, error) {
	if m == nil {
		return poolapi.User{}, errors.New("missing")
	}
	if m.GetVoteBits() > 0xffff {
		return poolapi.User{}, fmt.Errorf("vote bits %#x do not fit in 16 bits", m.GetVoteBits())
	}
	return poolapi.User{UserID: m.GetUserId(), MultisigAddress: m.GetMultisigAddress(),
		VoteBits: uint16(m.GetVoteBits()), VoteBitsVersion: m.GetVoteBitsVersion()}, nil
}
