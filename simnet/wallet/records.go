package wallet

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Records: how the state maps to the database's keyed records (see
// journal.go). Every change to the state marks the keys it touched
// (st.touch); a save writes the current value of each marked key, or its
// deletion when it is gone. A change too wide to list (a reset of
// everything learnt from blocks) asks for a full rewrite (st.rewrite).

// Record key prefixes.
const (
	keyMeta       = "meta"
	pfxTx         = "t:" // txid
	pfxCredit     = "c:" // txid:index
	pfxSpent      = "s:" // txid:index
	pfxTicket     = "k:" // ticket hash
	pfxPoolTicket = "p:" // user:ticket hash
	pfxInvalid    = "i:" // user:ticket hash
	pfxScript     = "x:" // import order
	pfxBlock      = "b:" // height
)

// metaRecord holds the state's scalar fields.
type metaRecord struct {
	Version      int               `json:"version"`
	AccountXpub  string            `json:"accountxpub"`
	SyncHeight   int64             `json:"syncheight"`
	SyncHash     string            `json:"synchash"`
	PoolSize     uint32            `json:"poolsize"`
	NextExternal uint32            `json:"nextexternal"`
	NextInternal uint32            `json:"nextinternal"`
	UsedExternal uint32            `json:"usedexternal"`
	NextSeq      int64             `json:"nextseq"`
	PoolSeq      int64             `json:"poolseq"`
	VoteChoices  map[string]string `json:"votechoices,omitempty"`
}

// poolRecord is a pool ticket (valid) or an invalid pool ticket, with its
// position in the user's list.
type poolRecord struct {
	Seq    int64       `json:"seq"`
	Ticket *poolTicket `json:"ticket,omitempty"`
}

// touch marks a record as changed.
func (st *state) touch(key string) {
	if st.dirty == nil {
		st.dirty = make(map[string]struct{})
	}
	st.dirty[key] = struct{}{}
}

func (st *state) touchTx(id string)      { st.touch(pfxTx + id) }
func (st *state) touchCredit(k string)   { st.touch(pfxCredit + k) }
func (st *state) touchSpent(k string)    { st.touch(pfxSpent + k) }
func (st *state) touchTicket(id string)  { st.touch(pfxTicket + id) }
func (st *state) touchBlock(h int64)     { st.touch(pfxBlock + strconv.FormatInt(h, 10)) }
func (st *state) touchScript(i int)      { st.touch(pfxScript + strconv.Itoa(i)) }
func (u *poolUser) touchTicket(h string) { u.st.touch(pfxPoolTicket + u.key + ":" + h) }
func (u *poolUser) touchInvalid(h string) {
	u.st.touch(pfxInvalid + u.key + ":" + h)
}

// rewrite asks the next save to write every record (a compaction).
func (st *state) rewrite() { st.full = true }

func (st *state) meta() metaRecord {
	return metaRecord{Version: st.Version, AccountXpub: st.AccountXpub, SyncHeight: st.SyncHeight, SyncHash: st.SyncHash,
		PoolSize: st.PoolSize, NextExternal: st.NextExternal, NextInternal: st.NextInternal, UsedExternal: st.UsedExternal,
		NextSeq: st.NextSeq, PoolSeq: st.PoolSeq, VoteChoices: st.VoteChoices}
}

// value returns a record's current encoding, ok false when it is gone.
func (st *state) value(key string) (json.RawMessage, bool, error) {
	var v any
	switch p, rest := splitKey(key); p {
	case keyMeta:
		v = st.meta()
	case pfxTx:
		if r := st.Txs[rest]; r != nil {
			v = r
		}
	case pfxCredit:
		if c := st.Credits[rest]; c != nil {
			v = c
		}
	case pfxSpent:
		if s, ok := st.Spent[rest]; ok {
			v = s
		}
	case pfxTicket:
		if t := st.Tickets[rest]; t != nil {
			v = t
		}
	case pfxPoolTicket, pfxInvalid:
		user, h, _ := strings.Cut(rest, ":")
		if u := st.PoolUsers[user]; u != nil {
			if p == pfxPoolTicket {
				if t, ok := u.byHash[h]; ok {
					v = poolRecord{Seq: u.seqs[h], Ticket: t}
				}
			} else if seq, ok := u.invalidSeq[h]; ok {
				v = poolRecord{Seq: seq}
			}
		}
	case pfxScript:
		if i, err := strconv.Atoi(rest); err == nil && i < len(st.Scripts) {
			v = st.Scripts[i]
		}
	case pfxBlock:
		if h, err := strconv.ParseInt(rest, 10, 64); err == nil && h < int64(len(st.BlockHashes)) {
			v = st.BlockHashes[h]
		}
	default:
		return nil, false, fmt.Errorf("unknown wallet record key %q", key)
	}
	if v == nil {
		return nil, false, nil
	}
	b, err := json.Marshal(v)
	return b, true, err
}

// changes builds the frame of the marked records and clears the marks.
func (st *state) changes() (*frame, error) {
	fr := &frame{Set: make(map[string]json.RawMessage, len(st.dirty)+1)}
	st.touch(keyMeta)
	for k := range st.dirty {
		b, ok, err := st.value(k)
		if err != nil {
			return nil, err
		}
		if ok {
			fr.Set[k] = b
		} else {
			fr.Del = append(fr.Del, k)
		}
	}
	sort.Strings(fr.Del)
	st.dirty = nil
	return fr, nil
}

// allRecords encodes the whole state.
func (st *state) allRecords() (map[string]json.RawMessage, error) {
	keys := []string{keyMeta}
	for id := range st.Txs {
		keys = append(keys, pfxTx+id)
	}
	for k := range st.Credits {
		keys = append(keys, pfxCredit+k)
	}
	for k := range st.Spent {
		keys = append(keys, pfxSpent+k)
	}
	for id := range st.Tickets {
		keys = append(keys, pfxTicket+id)
	}
	for user, u := range st.PoolUsers {
		for _, t := range u.Tickets {
			keys = append(keys, pfxPoolTicket+user+":"+t.Hash)
		}
		for _, h := range u.Invalid {
			keys = append(keys, pfxInvalid+user+":"+h)
		}
	}
	for i := range st.Scripts {
		keys = append(keys, pfxScript+strconv.Itoa(i))
	}
	for h := range st.BlockHashes {
		keys = append(keys, pfxBlock+strconv.Itoa(h))
	}
	out := make(map[string]json.RawMessage, len(keys))
	for _, k := range keys {
		b, ok, err := st.value(k)
		if err != nil {
			return nil, err
		}
		if ok {
			out[k] = b
		}
	}
	st.dirty, st.full = nil, false
	return out, nil
}

func splitKey(key string) (string, string) {
	if key == keyMeta {
		return keyMeta, ""
	}
	if len(key) < 2 {
		return key, ""
	}
	return key[:2], key[2:]
}

// loader rebuilds a state from records.
type loader struct {
	st      *state
	pool    map[string]map[string]poolRecord // user -> hash -> valid ticket
	invalid map[string]map[string]int64      // user -> hash -> seq
	scripts map[int]string
	blocks  map[int64]string
}

func newLoader() *loader {
	return &loader{st: newState(), pool: map[string]map[string]poolRecord{}, invalid: map[string]map[string]int64{},
		scripts: map[int]string{}, blocks: map[int64]string{}}
}

func (l *loader) apply(fr *frame) error {
	for _, k := range fr.Del {
		if err := l.set(k, nil); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(fr.Set))
	for k := range fr.Set {
		keys = append(keys, k)
	}
	for _, k := range keys {
		if err := l.set(k, fr.Set[k]); err != nil {
			return err
		}
	}
	return nil
}

// set applies one record (raw nil: deleted).
func (l *loader) set(key string, raw json.RawMessage) error {
	st := l.st
	p, rest := splitKey(key)
	dec := func(v any) error {
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("wallet record %s: %w", key, err)
		}
		return nil
	}
	switch p {
	case keyMeta:
		if raw == nil {
			return nil
		}
		var m metaRecord
		if err := dec(&m); err != nil {
			return err
		}
		st.Version, st.AccountXpub, st.SyncHeight, st.SyncHash, st.PoolSize = m.Version, m.AccountXpub, m.SyncHeight, m.SyncHash, m.PoolSize
		st.NextExternal, st.NextInternal, st.UsedExternal, st.NextSeq, st.PoolSeq = m.NextExternal, m.NextInternal, m.UsedExternal, m.NextSeq, m.PoolSeq
		st.VoteChoices = m.VoteChoices
	case pfxTx:
		if raw == nil {
			delete(st.Txs, rest)
			return nil
		}
		r := &txRecord{}
		if err := dec(r); err != nil {
			return err
		}
		st.Txs[rest] = r
	case pfxCredit:
		if raw == nil {
			delete(st.Credits, rest)
			return nil
		}
		c := &credit{}
		if err := dec(c); err != nil {
			return err
		}
		st.Credits[rest] = c
	case pfxSpent:
		if raw == nil {
			delete(st.Spent, rest)
			return nil
		}
		var s string
		if err := dec(&s); err != nil {
			return err
		}
		st.Spent[rest] = s
	case pfxTicket:
		if raw == nil {
			delete(st.Tickets, rest)
			return nil
		}
		t := &ticket{}
		if err := dec(t); err != nil {
			return err
		}
		st.Tickets[rest] = t
	case pfxPoolTicket, pfxInvalid:
		user, h, ok := strings.Cut(rest, ":")
		if !ok {
			return fmt.Errorf("wallet record key %q has no user", key)
		}
		var pr poolRecord
		if raw != nil {
			if err := dec(&pr); err != nil {
				return err
			}
		}
		if p == pfxPoolTicket {
			if l.pool[user] == nil {
				l.pool[user] = map[string]poolRecord{}
			}
			if raw == nil {
				delete(l.pool[user], h)
			} else {
				l.pool[user][h] = pr
			}
		} else {
			if l.invalid[user] == nil {
				l.invalid[user] = map[string]int64{}
			}
			if raw == nil {
				delete(l.invalid[user], h)
			} else {
				l.invalid[user][h] = pr.Seq
			}
		}
	case pfxScript:
		i, err := strconv.Atoi(rest)
		if err != nil {
			return fmt.Errorf("wallet record key %q: %w", key, err)
		}
		if raw == nil {
			delete(l.scripts, i)
			return nil
		}
		var s string
		if err := dec(&s); err != nil {
			return err
		}
		l.scripts[i] = s
	case pfxBlock:
		h, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return fmt.Errorf("wallet record key %q: %w", key, err)
		}
		if raw == nil {
			delete(l.blocks, h)
			return nil
		}
		var s string
		if err := dec(&s); err != nil {
			return err
		}
		l.blocks[h] = s
	default:
		return fmt.Errorf("unknown wallet record key %q", key)
	}
	return nil
}

// finish assembles the lists kept as separate records.
func (l *loader) finish() (*state, error) {
	st := l.st
	for i := 0; i < len(l.scripts); i++ {
		s, ok := l.scripts[i]
		if !ok {
			return nil, fmt.Errorf("wallet records: imported script %d of %d is missing", i, len(l.scripts))
		}
		st.Scripts = append(st.Scripts, s)
	}
	var maxH int64 = -1
	for h := range l.blocks {
		maxH = max(maxH, h)
	}
	if maxH >= 0 {
		st.BlockHashes = make([]string, maxH+1)
		for h, s := range l.blocks {
			st.BlockHashes[h] = s
		}
	}
	users := map[string]bool{}
	for u := range l.pool {
		users[u] = true
	}
	for u := range l.invalid {
		users[u] = true
	}
	for user := range users {
		u := st.poolUserFor(user)
		var valid []poolRecord
		for _, pr := range l.pool[user] {
			valid = append(valid, pr)
		}
		sort.Slice(valid, func(i, j int) bool { return valid[i].Seq < valid[j].Seq })
		for _, pr := range valid {
			u.Tickets = append(u.Tickets, pr.Ticket)
			u.byHash[pr.Ticket.Hash], u.seqs[pr.Ticket.Hash] = pr.Ticket, pr.Seq
		}
		type inv struct {
			h   string
			seq int64
		}
		var invs []inv
		for h, seq := range l.invalid[user] {
			invs = append(invs, inv{h, seq})
		}
		sort.Slice(invs, func(i, j int) bool { return invs[i].seq < invs[j].seq })
		for _, x := range invs {
			u.Invalid = append(u.Invalid, x.h)
			u.invalidSeq[x.h] = x.seq
		}
	}
	st.dirty, st.full = nil, false
	return st, nil
}
