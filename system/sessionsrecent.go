package system

import (
	"net/http"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/models"
	"github.com/zenazn/goji/web"
)

// RecentSessionTTL is how long a session checked against the database may
// be used without the database when it stops answering.
const RecentSessionTTL = 15 * time.Minute

// maxRecentSessions bounds the memory of recent sessions.
const maxRecentSessions = 20_000

// recentSession is a session as it was when the database last confirmed it.
type recentSession struct {
	models.Session
	user models.User
	// CheckedAt is when the database last confirmed it (unix seconds).
	CheckedAt int64
}

// recentSessions remembers recently confirmed sessions. It is consulted
// only when the database fails to answer; every other request asks the
// database, so a logout or a deleted account takes effect at once whenever
// the database is up. Logouts through Sessions also forget the entry.
type recentSessions struct {
	mu sync.Mutex
	m  map[string]*recentSession
}

func (r *recentSessions) remember(sess *models.Session, u *models.User, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = make(map[string]*recentSession)
	}
	if e, ok := r.m[sess.ID]; ok && now.Unix()-e.CheckedAt < 30 && e.ExpiresAt == sess.ExpiresAt {
		return // fresh enough: no copy on every request
	}
	if len(r.m) >= maxRecentSessions {
		r.pruneLocked(now)
	}
	r.m[sess.ID] = &recentSession{Session: *sess, user: *u, CheckedAt: now.Unix()}
}

// pruneLocked drops stale entries, and half of the others when that is
// not enough.
func (r *recentSessions) pruneLocked(now time.Time) {
	for id, e := range r.m {
		if !e.usable(now) {
			delete(r.m, id)
		}
	}
	for id := range r.m {
		if len(r.m) < maxRecentSessions/2 {
			break
		}
		delete(r.m, id)
	}
}

func (e *recentSession) usable(now time.Time) bool {
	return now.Unix() < e.ExpiresAt && now.Sub(time.Unix(e.CheckedAt, 0)) < RecentSessionTTL
}

// recall returns copies of a recent session and its user.
func (r *recentSessions) recall(id string, now time.Time) (*recentSession, *models.User, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.m[id]
	if !ok || !e.usable(now) {
		return nil, nil, false
	}
	cp := *e
	u := e.user
	return &cp, &u, true
}

func (r *recentSessions) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, id)
}

func (r *recentSessions) forgetUser(userID int64, keep string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, e := range r.m {
		if e.UserID == userID && id != keep {
			delete(r.m, id)
		}
	}
}

// OnError sets how the session middleware answers when it cannot check a
// session (the database is down and the session is not a recent one): the
// application's error page. Without it a plain-text 503 is written.
func (s *Sessions) OnError(f ErrorFunc) { s.onError = f }

func (s *Sessions) fail(c web.C, w http.ResponseWriter, r *http.Request, err error) {
	if s.onError != nil {
		s.onError(c, w, r, err)
		return
	}
	http.Error(w, PublicMessage(err), KindOf(err).Status())
}
