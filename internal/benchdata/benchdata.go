// Package benchdata builds the synthetic pool the whole-pool benchmarks run
// on (issue 13): by default 100,000 users, every one with a voting address,
// and 40,960 live tickets — every live ticket of the network a pool ticket.
//
// Everything is derived from indexes, so two builds of the same size are
// identical and each benchmark package converts the same data into its own
// types (pool.UserPrefs, stakepooldclient.PoolUser, models rows, ...). The
// strings have the lengths of the real ones (35-character addresses,
// 142-hex-digit 1-of-2 redeem scripts, 64-hex-digit ticket hashes) but are
// not valid keys or scripts: the benchmarks run on in-memory wallets and
// nodes that do not check them.
//
// Tickets are spread over the users the way stake is: a few users hold
// many tickets and most hold none (a Zipf law with a fixed seed). Largest
// names the user with the most tickets, whose pages are the slowest.
package benchdata

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/eacred/dcrstakepool/machineinfo"
)

// The whole-pool sizes of issue 13: 100,000 users and 40,960 tickets.
// BENCH_POOL_USERS=N (N >= 1000) runs the benchmarks on N users and
// N x 0.4096 tickets instead (the test suite's one-pass benchmark run,
// run_tests.sh); a bad value panics, so it never silently runs the full
// size. The figures of docs/performance.md are at the full size.
var Users, Tickets = sizes(os.Getenv("BENCH_POOL_USERS"))

// Winners is the number of tickets called to vote per block.
const Winners = 5

// sizes parses BENCH_POOL_USERS ("" is the full size).
func sizes(env string) (users, tickets int) {
	if env == "" {
		return 100_000, 40_960
	}
	n, err := strconv.Atoi(env)
	if err != nil || n < 1000 {
		panic(fmt.Sprintf("benchdata: BENCH_POOL_USERS=%q: want a number of users >= 1000", env))
	}
	return n, n * 4096 / 10000
}

// User is one synthetic user, ID from 1.
type User struct {
	ID               int64
	Email            string
	MultisigAddress  string
	RedeemScript     string // hex
	PoolPubKeyAddr   string
	UserPubKeyAddr   string
	UserFeeAddr      string
	HeightRegistered int64
	VoteBits         uint16
	VoteBitsVersion  uint32
}

// Ticket is one synthetic live ticket.
type Ticket struct {
	Hash   string // 64 hex digits
	Owner  int    // index into Pool.Users
	Height int64  // block it was mined in
}

// Pool is a synthetic pool.
type Pool struct {
	Users   []User
	Tickets []Ticket
	// Largest is the index of the user with the most tickets.
	Largest int
	// PerUser counts tickets by user index.
	PerUser []int
}

// VoteVersion is the vote version every synthetic user's bits are for.
const VoteVersion = 10

// New builds a pool of users users and tickets tickets (users > 0).
func New(users, tickets int) *Pool {
	p := &Pool{Users: make([]User, users), Tickets: make([]Ticket, tickets), PerUser: make([]int, users)}
	for i := range p.Users {
		p.Users[i] = MakeUser(i)
	}
	// Zipf over user indexes: s=1.2 puts about 1/5 of the tickets on the
	// biggest holder and leaves most users with none.
	r := rand.New(rand.NewPCG(13, 40960))
	z := rand.NewZipf(r, 1.2, 1, uint64(users-1))
	for i := range p.Tickets {
		// Owners are scattered over the id range, not only the first ids.
		owner := int((z.Uint64() * 7919) % uint64(users))
		p.Tickets[i] = Ticket{Hash: TicketHash(i), Owner: owner, Height: int64(1000 + i/5)}
		p.PerUser[owner]++
	}
	for i, n := range p.PerUser {
		if n > p.PerUser[p.Largest] {
			p.Largest = i
		}
	}
	return p
}

// Full is the pool at the sizes of issue 13.
func Full() *Pool { return New(Users, Tickets) }

// MakeUser is user index i (id i+1), as New builds it.
func MakeUser(i int) User {
	return User{
		ID:               int64(i + 1),
		Email:            fmt.Sprintf("user%d@example.com", i+1),
		MultisigAddress:  MultisigAddress(i),
		RedeemScript:     RedeemScript(i),
		PoolPubKeyAddr:   fmt.Sprintf("SkP%050d", i+1),
		UserPubKeyAddr:   fmt.Sprintf("SkU%050d", i+1),
		UserFeeAddr:      fmt.Sprintf("SsF%032d", i+1),
		HeightRegistered: int64(100 + i/100),
		VoteBits:         uint16(1 | (i%3)<<1),
		VoteBitsVersion:  VoteVersion,
	}
}

// MultisigAddress is user index i's voting address: "Sc" and 33 digits,
// the length of a simnet P2SH address.
func MultisigAddress(i int) string { return fmt.Sprintf("Sc%033d", i+1) }

// RedeemScript is a 71-byte (142 hex digit) 1-of-2 multisig script shape
// unique to user index i.
func RedeemScript(i int) string {
	return "5121" + fmt.Sprintf("%066x", i+1) + "21" + strings.Repeat("03", 33) + "52ae"
}

// TicketHash is ticket index i's hash.
func TicketHash(i int) string { return fmt.Sprintf("%064x", uint64(i+1)*0x9e3779b97f4a7c15) }

// TicketsOf returns the tickets of user index u.
func (p *Pool) TicketsOf(u int) []Ticket {
	var out []Ticket
	for _, t := range p.Tickets {
		if t.Owner == u {
			out = append(out, t)
		}
	}
	return out
}

// CPUTime is the CPU time (user+system) this process has used so far:
// benchmarks report it beside wall time, which a busy machine inflates.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var machineOnce sync.Once

// Machine prints the machine line of docs/performance.md (package
// machineinfo) once per process, before the first benchmark's results.
func Machine() { machineOnce.Do(func() { fmt.Println(machineinfo.Line()) }) }
