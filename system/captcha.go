package system

import (
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/dchest/captcha"
)

// Captcha is the self-hosted image captcha (six digits). Challenges live in
// memory for ten minutes and each can be checked once.
type Captcha struct {
	handler http.Handler
	store   captcha.Store
}

// NewCaptcha configures the captcha store. The underlying library keeps one
// store per process, so create one Captcha per process.
func NewCaptcha() *Captcha {
	captchaStoreOnce.Do(func() {
		captchaStore = captcha.NewMemoryStore(10000, 10*time.Minute)
		captcha.SetCustomStore(captchaStore)
	})
	return &Captcha{handler: captcha.Server(240, 80), store: captchaStore}
}

// The captcha library has one process-wide store; install ours once.
var (
	captchaStoreOnce sync.Once
	captchaStore     captcha.Store
)

// New creates a challenge and returns its id.
func (c *Captcha) New() string { return captcha.New() }

// Verify checks the digits typed for challenge id and uses the challenge up.
func (c *Captcha) Verify(id, digits string) bool {
	digits = strings.TrimSpace(digits)
	if id == "" || len(digits) == 0 || len(digits) > 20 {
		return false
	}
	return captcha.VerifyString(id, digits)
}

// Handler serves challenge images at <prefix>/<id>.png and spoken digits at
// <prefix>/<id>.wav (?reload=1 for new digits); unknown or expired ids get 404.
func (c *Captcha) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		id := strings.TrimSuffix(strings.TrimSuffix(name, ".png"), ".wav")
		if id == name || len(id) > 40 || c.Solution(id) == "" {
			http.NotFound(w, r)
			return
		}
		c.handler.ServeHTTP(w, r)
	})
}

// Solution returns the digits of a live challenge without using it up. It
// exists for tests, which cannot read the image; no handler calls it.
func (c *Captcha) Solution(id string) string {
	d := c.store.Get(id, false)
	b := make([]byte, len(d))
	for i, v := range d {
		b[i] = '0' + v
	}
	return string(b)
}
