package system

import (
	"github.com/eacred/dcrstakepool/models"
	"github.com/zenazn/goji/web"
)

// envKey is the private type of the c.Env keys this package sets, so no
// other package can collide with or overwrite them.
type envKey int

const (
	requestIDKey envKey = iota
	clientIPKey
	sessionKey
	userKey
)

func setEnv(c *web.C, k envKey, v any) {
	if c.Env == nil {
		c.Env = make(map[any]any)
	}
	c.Env[k] = v
}

// RequestID is the id the request is logged under.
func RequestID(c web.C) string { s, _ := c.Env[requestIDKey].(string); return s }

// ClientIP is the client's address as resolved by the IP middleware.
func ClientIP(c web.C) string { s, _ := c.Env[clientIPKey].(string); return s }

// CurrentUser is the logged-in user, or nil.
func CurrentUser(c web.C) *models.User { u, _ := c.Env[userKey].(*models.User); return u }

// CurrentSession is the login session, or nil for anonymous visitors.
func CurrentSession(c web.C) *models.Session { s, _ := c.Env[sessionKey].(*models.Session); return s }

// SetCurrentUser replaces the request's user (after the handler changed it).
func SetCurrentUser(c *web.C, u *models.User) { setEnv(c, userKey, u) }
