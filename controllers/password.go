package controllers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
	"golang.org/x/crypto/bcrypt"
)

// resetSent is the answer to a reset request, whether or not the address
// has an account.
func (a *Application) resetSent() string {
	return "If an account uses that address, we have sent it a link to choose a new password. " +
		"The link works once, for " + humanDuration(a.Config.ResetTokenTTL) + "."
}

// GET /passwordreset
func (a *Application) resetPage(c web.C, w http.ResponseWriter, r *http.Request) error {
	return a.renderForm(w, "auth/passwordreset",
		&formPage{Base: a.Base(c, r, "Reset password"), CaptchaID: a.newCaptcha()}, nil)
}

// POST /passwordreset. The answer does not say whether the address has an
// account, and the mail goes out asynchronously so the timing does not either.
func (a *Application) reset(c web.C, w http.ResponseWriter, r *http.Request) error {
	if err := a.EmailLimit.Check(system.ClientIP(c), "Too many requests from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := &formPage{Base: a.Base(c, r, "Reset password"), CaptchaID: a.newCaptcha()}
	if err := a.checkCaptcha(r); err != nil {
		return a.renderForm(w, "auth/passwordreset", p, err)
	}
	addr, err := email(r, "email")
	if err != nil {
		return a.renderForm(w, "auth/passwordreset", p, err)
	}
	u, err := a.Store.UserByEmail(r.Context(), addr)
	switch {
	case errors.Is(err, models.ErrNotFound):
	case err != nil:
		return err
	default:
		link, err := a.issueToken(r, u, models.PurposePasswordReset, "", "/passwordupdate")
		if err != nil {
			return err
		}
		if err := a.mail(r, u.Email, "Password reset", fmt.Sprintf(
			"Someone, hopefully you, asked to reset the password of your account at %s (request from %s).\n\n"+
				"To choose a new password, open this link within %s (it works once):\n\n%s\n\n"+
				"If it was not you, ignore this message; your password stays as it is.\n",
			a.Config.BaseURL, system.ClientIP(c), humanDuration(a.Config.ResetTokenTTL), link)); err != nil {
			return err
		}
	}
	done := &formPage{Base: a.Base(c, r, "Check your email"), Message: a.resetSent()}
	return a.renderForm(w, "auth/done", done, nil)
}

var errBadResetLink = system.E(system.KindNotFound,
	"This password reset link is invalid, already used or expired. Ask for a new one.")

// GET /passwordupdate?t=
func (a *Application) passwordUpdatePage(c web.C, w http.ResponseWriter, r *http.Request) error {
	p := &formPage{Base: a.Base(c, r, "Choose a new password")}
	t, err := linkToken(r)
	if err != nil {
		return a.renderForm(w, "auth/done", p, err)
	}
	if _, err := a.Store.PeekToken(r.Context(), hashSecret(t), models.PurposePasswordReset, a.Now().Unix()); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return a.renderForm(w, "auth/done", p, errBadResetLink)
		}
		return err
	}
	// The token is in this page's URL. The site-wide policy (same-origin)
	// already keeps it from other sites; "no-referrer" here would make
	// Chromium send "Origin: null" with the form, which the CSRF check
	// refuses, so the reset could never be completed in a browser.
	p.Token = t
	return a.renderForm(w, "auth/passwordupdate", p, nil)
}

// POST /passwordupdate: sets the password, ends every session of the user.
func (a *Application) passwordUpdate(c web.C, w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p := &formPage{Base: a.Base(c, r, "Choose a new password")}
	t, err := linkToken(r)
	if err != nil {
		return a.renderForm(w, "auth/done", p, err)
	}
	p.Token = t
	pw, err := a.newPassword(r, "password", "passwordrepeat")
	if err != nil {
		return a.renderForm(w, "auth/passwordupdate", p, err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), a.Config.BcryptCost)
	if err != nil {
		return err
	}
	tok, err := a.Store.ConsumeToken(r.Context(), hashSecret(t), models.PurposePasswordReset, a.Now().Unix())
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return a.renderForm(w, "auth/done", p, errBadResetLink)
		}
		return err
	}
	if err := a.Store.SetPassword(r.Context(), tok.UserID, string(hash)); err != nil {
		return err
	}
	// Opening the emailed link proves the address works.
	if err := a.Store.MarkEmailVerified(r.Context(), tok.UserID); err != nil {
		return err
	}
	if err := a.Sessions.End(r.Context(), &c, w); err != nil {
		return err
	}
	if u, err := a.Store.UserByID(r.Context(), tok.UserID); err == nil {
		a.notifyPasswordChanged(c, r, u)
	}
	done := &formPage{Base: a.Base(c, r, "Password changed"),
		Message: "Your password has been changed, every session has been logged out and your API token " +
			"was revoked. Log in with the new password; the address page has a new token for your wallets."}
	return a.renderForm(w, "auth/done", done, nil)
}

func (a *Application) notifyPasswordChanged(c web.C, r *http.Request, u *models.User) {
	err := a.mail(r, u.Email, "Your password was changed", fmt.Sprintf(
		"The password of your account at %s was changed (request from %s): all sessions were logged out\n"+
			"and the API token was revoked (the address page shows a new one).\n\n"+
			"If this was not you, reset your password at %s/passwordreset and contact %s.\n",
		a.Config.BaseURL, system.ClientIP(c), a.Config.BaseURL, a.Config.PoolEmail))
	if err != nil {
		a.Log.Errorf("password change notice for user %d: %v", u.ID, err)
	}
}
