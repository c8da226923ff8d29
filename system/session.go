package system

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/models"
	"github.com/zenazn/goji/web"
)

// SessionCookie is the name of the login cookie.
const SessionCookie = "session"

// SessionStore is the part of the database the session manager needs.
type SessionStore interface {
	CreateSession(ctx context.Context, s *models.Session) error
	SessionUser(ctx context.Context, id string, now int64) (*models.Session, *models.User, error)
	ExtendSession(ctx context.Context, id string, expiresAt int64) error
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID int64, keepID string) error
	SetFlash(ctx context.Context, id, msg string) error
	DeleteExpiredSessions(ctx context.Context, now int64) (int64, error)
}

// SessionLifetimeCap is the longest a login lasts however active the user
// is: a sliding session is never extended past this long after login. (A
// sessionmaxage above it wins, and then sessions do not slide at all.)
const SessionLifetimeCap = 7 * 24 * time.Hour

// Sessions manages login sessions. The cookie holds 32 random bytes; the
// database row is keyed by an HMAC of them (key derived from cookiesecret),
// so the table alone cannot be turned back into valid cookies. Only logged-in
// users have rows: logging in always creates a fresh id (the old one, if
// any, is deleted), which defeats session fixation.
//
// Sessions slide: a session lasts maxAge after login, and a request made in
// the last half of its remaining life extends it to maxAge from that
// request, but never beyond SessionLifetimeCap after login. Only those
// extending requests write to the database (at most about one per maxAge/2
// per active session); every other request only reads.
//
// A database that does not answer is not a logout: the cookie is kept, a
// session validated in the last RecentSessionTTL is taken from memory (so
// the admin can still open /admin/status and see the database error), and
// any other request gets a 503 page (see sessionsrecent.go).
type Sessions struct {
	store   SessionStore
	key     []byte
	maxAge  time.Duration
	capAge  time.Duration // absolute lifetime from login
	secure  bool
	log     slog.Logger
	now     func() time.Time
	recent  recentSessions
	onError ErrorFunc
	// macs holds keyed HMAC-SHA256 states for rowID (one is built per
	// key, not per request).
	macs sync.Pool
}

// NewSessions returns a session manager. secure sets the cookie's Secure flag.
func NewSessions(store SessionStore, cookieSecret string, maxAge time.Duration, secure bool, log slog.Logger) *Sessions {
	k := sha256.Sum256([]byte("dcrstakepool session key\x00" + cookieSecret))
	s := &Sessions{store: store, key: k[:], maxAge: maxAge, capAge: max(maxAge, SessionLifetimeCap),
		secure: secure, log: log, now: time.Now}
	s.macs.New = func() any { return hmac.New(sha256.New, s.key) }
	return s
}

// SetClock replaces the clock (time.Now by default); for tests. Call it
// before the first request.
func (s *Sessions) SetClock(now func() time.Time) { s.now = now }

// slide extends sess when it is in the last half of its life (see
// Sessions), in the database and in the cookie, whose Max-Age must follow.
// A failed write is logged; the session then simply keeps its old expiry.
func (s *Sessions) slide(ctx context.Context, w http.ResponseWriter, cookie string, sess *models.Session, now time.Time) {
	left := time.Duration(sess.ExpiresAt-now.Unix()) * time.Second
	if left > s.maxAge/2 {
		return
	}
	exp := min(now.Add(s.maxAge).Unix(), time.Unix(sess.CreatedAt, 0).Add(s.capAge).Unix())
	if exp <= sess.ExpiresAt {
		return // at the cap
	}
	if err := s.store.ExtendSession(ctx, sess.ID, exp); err != nil {
		s.log.Errorf("extend session: %v", err)
		return
	}
	sess.ExpiresAt = exp
	s.setCookie(w, cookie, int(exp-now.Unix()))
}

// rowID is the sessions row id of a cookie value: HMAC-SHA256 under the
// session key, in hex.
func (s *Sessions) rowID(cookie string) string {
	m := s.macs.Get().(hash.Hash)
	m.Reset()
	_, _ = io.WriteString(m, cookie) // writing to a hash never fails
	var sum [sha256.Size]byte
	id := hex.EncodeToString(m.Sum(sum[:0]))
	s.macs.Put(m)
	return id
}

func (s *Sessions) setCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

// Middleware loads the session and user named by the cookie into c.Env. A
// cookie that names no live session is cleared. No row is ever created here.
func (s *Sessions) Middleware(c *web.C, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(SessionCookie)
		if err == nil && ck.Value != "" {
			if len(ck.Value) > 100 {
				s.setCookie(w, "", -1)
			} else {
				now := s.now()
				id := s.rowID(ck.Value)
				sess, user, err := s.store.SessionUser(r.Context(), id, now.Unix())
				switch {
				case err == nil:
					s.slide(r.Context(), w, ck.Value, sess, now)
					s.recent.remember(sess, user, now)
					setEnv(c, sessionKey, sess)
					setEnv(c, userKey, user)
				case errors.Is(err, models.ErrNotFound):
					s.recent.forget(id)
					s.setCookie(w, "", -1)
				default:
					// The database did not answer. That is no reason to
					// log the user out: keep the cookie, and carry on with
					// a session checked a moment ago, or answer 503.
					if sess, user, ok := s.recent.recall(id, now); ok {
						s.log.Warnf("load session: %v (using the session checked at %s)",
							err, time.Unix(sess.CheckedAt, 0).UTC().Format(time.TimeOnly))
						setEnv(c, sessionKey, &sess.Session)
						setEnv(c, userKey, user)
						break
					}
					s.fail(*c, w, r, Wrap(KindUnavailable, "The database is not answering, so this page "+
						"cannot be shown. You are still logged in; please try again in a minute.", err))
					return
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// Start logs userID in: it ends the request's current session, if any, and
// starts a new one with a fresh id.
func (s *Sessions) Start(ctx context.Context, c *web.C, w http.ResponseWriter, userID int64) error {
	if old := CurrentSession(*c); old != nil {
		s.recent.forget(old.ID)
		if err := s.store.DeleteSession(ctx, old.ID); err != nil {
			return err
		}
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return err
	}
	cookie := base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	sess := &models.Session{ID: s.rowID(cookie), UserID: userID, CreatedAt: now.Unix(),
		ExpiresAt: now.Add(s.maxAge).Unix()}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return err
	}
	setEnv(c, sessionKey, sess)
	s.setCookie(w, cookie, int(s.maxAge/time.Second))
	return nil
}

// End logs the request's session out.
func (s *Sessions) End(ctx context.Context, c *web.C, w http.ResponseWriter) error {
	s.setCookie(w, "", -1)
	if sess := CurrentSession(*c); sess != nil {
		s.recent.forget(sess.ID)
		delete(c.Env, sessionKey)
		delete(c.Env, userKey)
		return s.store.DeleteSession(ctx, sess.ID)
	}
	return nil
}

// EndOthers ends every session of userID except the request's own.
func (s *Sessions) EndOthers(ctx context.Context, c web.C, userID int64) error {
	keep := ""
	if sess := CurrentSession(c); sess != nil {
		keep = sess.ID
	}
	s.recent.forgetUser(userID, keep)
	return s.store.DeleteUserSessions(ctx, userID, keep)
}

// SetFlash stores a message shown once on the next page. Without a session
// (anonymous visitor) it does nothing and reports false.
func (s *Sessions) SetFlash(ctx context.Context, c web.C, msg string) (bool, error) {
	sess := CurrentSession(c)
	if sess == nil {
		return false, nil
	}
	sess.Flash = msg
	return true, s.store.SetFlash(ctx, sess.ID, msg)
}

// TakeFlash returns and clears the session's pending message.
func (s *Sessions) TakeFlash(ctx context.Context, c web.C) string {
	sess := CurrentSession(c)
	if sess == nil || sess.Flash == "" {
		return ""
	}
	msg := sess.Flash
	sess.Flash = ""
	if err := s.store.SetFlash(ctx, sess.ID, ""); err != nil {
		s.log.Errorf("clear flash: %v", err)
	}
	return msg
}

// RunCleanup deletes expired sessions every interval until ctx ends.
func (s *Sessions) RunCleanup(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.store.DeleteExpiredSessions(ctx, s.now().Unix()); err != nil {
			if ctx.Err() == nil {
				s.log.Errorf("session cleanup: %v", err)
			}
		} else if n > 0 {
			s.log.Debugf("removed %d expired sessions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
