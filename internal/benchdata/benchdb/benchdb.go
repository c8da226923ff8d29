// Package benchdb loads the synthetic pool of package benchdata into the
// front end's database, for the benchmarks of the models and the web
// handlers at 100,000 users.
package benchdb

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/eacred/dcrstakepool/internal/benchdata"
	"github.com/eacred/dcrstakepool/models"
)

// Password is every synthetic user's password.
const Password = "password123"

// passwordHash is Password's bcrypt hash at the default cost, made once.
var passwordHash = sync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.DefaultCost)
	if err != nil {
		panic(err) // only for a password longer than 72 bytes
	}
	return string(h)
})

// User converts synthetic user u to an account row: verified email, a
// voting address, and an API token of a real token's length.
func User(u benchdata.User) models.User {
	return models.User{ID: u.ID, Email: u.Email, PasswordHash: passwordHash(), EmailVerified: true,
		CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix() + u.ID, MultiSigAddress: u.MultisigAddress,
		MultiSigScript: u.RedeemScript, PoolPubKeyAddr: u.PoolPubKeyAddr, UserPubKeyAddr: u.UserPubKeyAddr,
		UserFeeAddr: u.UserFeeAddr, HeightRegistered: u.HeightRegistered, VoteBits: int64(u.VoteBits),
		VoteBitsVersion: int64(u.VoteBitsVersion), APIToken: apiToken(u.ID)}
}

// apiToken is a string of a signed API token's length (~150 characters).
func apiToken(id int64) string {
	return fmt.Sprintf("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.%064d.", id) + strings.Repeat("x", 43)
}

// Seed inserts every user of d.
func Seed(ctx context.Context, s *models.Store, d *benchdata.Pool) error {
	us := make([]models.User, len(d.Users))
	for i, u := range d.Users {
		us[i] = User(u)
	}
	return s.InsertUsers(ctx, us)
}
