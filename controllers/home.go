package controllers

import (
	"net/http"

	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// homePage is the data of the landing page.
type homePage struct {
	Base
	PoolFees float64
}

// GET / — the landing page. VSP features replace it with a richer one by
// registering "/" themselves (features are installed first).
func (a *Application) home(c web.C, w http.ResponseWriter, r *http.Request) error {
	if r.URL.Path != "/" {
		return system.E(system.KindNotFound, "There is no page at this address.")
	}
	return a.Render(w, "home", homePage{Base: a.Base(c, r, "Home"), PoolFees: a.Config.PoolFees})
}
