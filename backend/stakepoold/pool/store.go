package pool

// State is the durable part of the pool: users' preferences and the
// admin-added low-fee tickets.
type State struct {
	Users        []UserPrefs    `json:"users"`
	AddedTickets []PoolTicketID `json:"addedtickets"`
}

// Store persists State: Save stores a whole state atomically (a full
// replacement), Load returns the stored one.
type Store interface {
	Load() (State, error)
	Save(State) error
}

// Journal is a Store that can also store single changes, at a cost that
// does not grow with the number of users. The pool uses it when its Store
// has it: a commit of changes that are all single changes is one Append;
// a full replacement is a Save.
type Journal interface {
	Store
	// Append stores changes durably, in order, in one write: after it
	// returns nil, Load returns a state with them. state returns the
	// whole state after them; the journal may call it (at once or later,
	// from another goroutine) to write a new snapshot, so it must keep
	// returning that same state.
	Append(changes []Change, state func() State) error
}

// ChangeKind names what a Change does.
type ChangeKind uint8

// The kinds of Change.
const (
	// ChangeUser inserts or replaces one user's preferences (keyed by
	// multisig address).
	ChangeUser ChangeKind = iota + 1
	// ChangeAddedTickets replaces the list of added low-fee tickets.
	ChangeAddedTickets
)

// Change is one change of State.
type Change struct {
	Kind         ChangeKind
	User         UserPrefs      // ChangeUser
	AddedTickets []PoolTicketID // ChangeAddedTickets
}
