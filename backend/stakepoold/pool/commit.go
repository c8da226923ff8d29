package pool

import "sync"

// committer stores changes of the users' preferences and the added tickets
// with group commit: a change is staged on top of the changes not yet
// saved, and one save writes every change staged before it began. With a
// Journal store a save of single changes is one Append of their records
// (one write and one sync, whatever the number of users); a save that
// carries a full replacement stores the whole state (Save). A caller
// returns once a save containing its change has finished and the change is
// published (what votes); changes that arrive during a save share the next
// one, so N concurrent changes cost about two saves, not N, and each is
// acknowledged only when it is on disk.
type committer struct {
	mu sync.Mutex
	// users and added are the staged state, when staged: published plus
	// the changes not yet saved. Like the published maps they are
	// replaced, never modified.
	staged  bool
	users   map[string]UserPrefs
	added   map[string]string
	pending []*pendingChange
}

type pendingChange struct {
	done chan struct{}
	err  error
	// rec is the change as the journal stores it; nil for a full
	// replacement.
	rec *Change
	// published runs once the change is published, before its caller
	// returns; the changes of one save run theirs in staging order.
	published func()
}

// stagedChange turns the current staged maps into new ones (or refuses
// with an error, and nothing changes). It must not modify its arguments.
type stagedChange func(users map[string]UserPrefs, added map[string]string) (map[string]UserPrefs, map[string]string, error)

// commit stages change, and returns after a save that contains it: nil
// when it was saved and published, the save's error when it was dropped
// (a failed save drops every change staged since the last good save, those
// staged during the failed save too: their callers all get the error).
// rec is the change as a journal record (nil for a full replacement).
func (p *Pool) commit(rec *Change, change stagedChange) error { return p.commitThen(rec, change, nil) }

// commitThen is commit that also runs published (when not nil) once the
// change is published.
func (p *Pool) commitThen(rec *Change, change stagedChange, published func()) error {
	c := &p.commits
	c.mu.Lock()
	users, added := c.users, c.added
	if !c.staged {
		p.mu.RLock()
		users, added = p.users, p.added
		p.mu.RUnlock()
	}
	users, added, err := change(users, added)
	if err != nil {
		c.mu.Unlock()
		return err
	}
	c.staged, c.users, c.added = true, users, added
	me := &pendingChange{done: make(chan struct{}), rec: rec, published: published}
	c.pending = append(c.pending, me)
	c.mu.Unlock()

	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	select {
	case <-me.done: // saved (or dropped) by the save that ran while we waited
		return me.err
	default:
	}
	c.mu.Lock()
	batch := c.pending
	users, added = c.users, c.added
	c.pending = nil
	c.mu.Unlock()

	if p.store != nil {
		err = p.store1(batch, users, added)
	}
	c.mu.Lock()
	if err != nil {
		err = Wrap(KindInternal, err, "store state")
		batch = append(batch, c.pending...)
		c.pending, c.staged, c.users, c.added = nil, false, nil, nil
	} else {
		p.mu.Lock()
		p.users, p.added = users, added
		p.mu.Unlock()
		if len(c.pending) == 0 {
			c.staged, c.users, c.added = false, nil, nil // staged = published
		}
	}
	c.mu.Unlock()
	for _, pc := range batch {
		if err == nil && pc.published != nil {
			pc.published()
		}
		pc.err = err
		close(pc.done)
	}
	return me.err
}

// store1 stores one batch of changes whose result is users and added: as
// journal records when the store keeps a journal and the batch holds no
// full replacement, else as the whole state.
func (p *Pool) store1(batch []*pendingChange, users map[string]UserPrefs, added map[string]string) error {
	j, ok := p.store.(Journal)
	recs := make([]Change, 0, len(batch))
	for _, pc := range batch {
		if pc.rec == nil {
			ok = false
			break
		}
		recs = append(recs, *pc.rec)
	}
	if !ok {
		return p.store.Save(stateOf(users, added))
	}
	// The maps are never modified, so the journal may build the state
	// later (a compaction in the background).
	return j.Append(recs, func() State { return stateOf(users, added) })
}

// stateOf is what is saved for these maps.
func stateOf(users map[string]UserPrefs, added map[string]string) State {
	st := State{
		Users:        make([]UserPrefs, 0, len(users)),
		AddedTickets: make([]PoolTicketID, 0, len(added)),
	}
	for _, u := range users {
		st.Users = append(st.Users, u)
	}
	for t, a := range added {
		st.AddedTickets = append(st.AddedTickets, PoolTicketID{Hash: t, MultisigAddress: a})
	}
	return st
}
