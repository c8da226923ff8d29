package controllers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/system"
	"github.com/zenazn/goji/web"
)

// settingsPage is the data of the settings page. Each form has its own
// error slot so a mistake shows next to the form it belongs to.
type settingsPage struct {
	Base
	CaptchaID     string
	EmailError    string
	PasswordError string
	DeleteError   string
	NewEmail      string
}

func (s *Server) settingsData(c web.C, r *http.Request) *settingsPage {
	return &settingsPage{Base: s.Base(c, r, "Settings"), CaptchaID: s.newCaptcha()}
}

// renderSettings shows the settings page, with err (a client error) in the
// slot chosen by set.
func (s *Server) renderSettings(w http.ResponseWriter, p *settingsPage, err error, set func(string)) error {
	if err == nil {
		return s.templates.Render(w, http.StatusOK, "settings", p)
	}
	kind := system.KindOf(err)
	if kind == system.KindInternal || kind == system.KindTooLarge || kind == system.KindRateLimited {
		return err
	}
	set(system.PublicMessage(err))
	return s.templates.Render(w, kind.Status(), "settings", p)
}

// GET /settings
func (s *Server) settings(c web.C, w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, s.settingsData(c, r), nil, nil)
}

// checkPassword compares the "password" field with the user's password.
func (s *Server) checkPassword(r *http.Request, u *models.User) error {
	pw, err := password(r, "password", "Your current password")
	if err != nil {
		return err
	}
	if !s.passwordMatches(u, pw) {
		return system.E(system.KindPermission, "Your current password is not correct.")
	}
	return nil
}

// POST /settings/email: sends a confirmation link to the new address and a
// notice to the old one. Nothing changes until the link is opened.
func (s *Server) settingsEmail(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if err := s.loginLimit.Check(system.ClientIP(c), "Too many attempts from your address."); err != nil {
		return err
	}
	if err := s.emailLimit.Check(system.ClientIP(c), "Too many attempts from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := s.settingsData(c, r)
	set := func(m string) { p.EmailError = m }
	if err := s.checkCaptcha(r); err != nil {
		return s.renderSettings(w, p, err, set)
	}
	addr, err := email(r, "email")
	if err != nil {
		return s.renderSettings(w, p, err, set)
	}
	p.NewEmail = addr
	if err := s.checkPassword(r, u); err != nil {
		return s.renderSettings(w, p, err, set)
	}
	if addr == u.Email {
		return s.renderSettings(w, p, system.E(system.KindInvalid, "That is already your address."), set)
	}
	inUse, err := s.store.EmailInUse(r.Context(), addr)
	if err != nil {
		return err
	}
	ip := system.ClientIP(c)
	// Whether addr has an account is not the requester's business: the
	// answer and the notice to the old address are the same either way, and
	// the owner of addr is told instead of sent a link.
	if inUse {
		if err := s.mail(r, addr, "Email change attempt", fmt.Sprintf(
			"Someone logged in to another account at %s asked to change its email address to this address "+
				"(request from %s). This address already has an account here, so nothing was changed.\n\n"+
				"If it was you, you already have an account: log in at %s/login. Otherwise ignore this message.\n",
			s.cfg.BaseURL, ip, s.cfg.BaseURL)); err != nil {
			return err
		}
	} else {
		link, err := s.issueToken(r, u, models.PurposeEmailChange, addr, "/emailupdate")
		if err != nil {
			return err
		}
		if err := s.mail(r, addr, "Confirm your new email address", fmt.Sprintf(
			"Someone, hopefully you, asked to change the email address of an account at %s to this address (request from %s).\n\n"+
				"To confirm, open this link within %s (it works once):\n\n%s\n\nIf it was not you, ignore this message.\n",
			s.cfg.BaseURL, ip, humanDuration(s.cfg.ResetTokenTTL), link)); err != nil {
			return err
		}
	}
	if err := s.mail(r, u.Email, "Email change requested", fmt.Sprintf(
		"Someone logged in to your account at %s asked to change its email address to %s (request from %s).\n"+
			"It changes only when the link sent to the new address is opened.\n\n"+
			"If this was not you, change your password at %s/settings now and contact %s.\n",
		s.cfg.BaseURL, addr, ip, s.cfg.BaseURL, s.cfg.PoolEmail)); err != nil {
		return err
	}
	return s.Redirect(c, w, r, "/settings", "We have sent a confirmation link to "+addr+
		". Your address changes when you open it.")
}

var errBadChangeLink = system.E(system.KindNotFound,
	"This confirmation link is invalid, already used or expired. Ask for a new one on the settings page.")

// GET /emailupdate?t=: completes an email change and logs every session out.
func (s *Server) emailUpdate(c web.C, w http.ResponseWriter, r *http.Request) error {
	p := &formPage{Base: s.Base(c, r, "Email change")}
	t, err := linkToken(r)
	if err != nil {
		return s.linkFailed(w, p, err)
	}
	tok, err := s.useLink(r, t, models.PurposeEmailChange, errBadChangeLink)
	if err != nil {
		return s.linkFailed(w, p, err)
	}
	err = s.store.ChangeEmail(r.Context(), tok.UserID, tok.NewEmail)
	if errors.Is(err, models.ErrExists) {
		return s.renderForm(w, "auth/done", p, system.E(system.KindExists,
			"That address has been taken by another account in the meantime."))
	}
	if err != nil {
		return err
	}
	if err := s.sessions.End(r.Context(), &c, w); err != nil {
		return err
	}
	done := &formPage{Base: s.Base(c, r, "Email changed"),
		Message: "Your email address is now " + tok.NewEmail + ". Every session has been logged out and your API token " +
			"was revoked; log in with the new address and give wallets the new token from the address page."}
	return s.renderForm(w, "auth/done", done, nil)
}

// POST /settings/password: changes the password, ends every other session
// and moves this browser to a fresh session id.
func (s *Server) settingsPassword(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if err := s.loginLimit.Check(system.ClientIP(c), "Too many attempts from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := s.settingsData(c, r)
	set := func(m string) { p.PasswordError = m }
	if err := s.checkPassword(r, u); err != nil {
		return s.renderSettings(w, p, err, set)
	}
	pw, err := s.newPassword(r, "newpassword", "newpasswordrepeat")
	if err != nil {
		return s.renderSettings(w, p, err, set)
	}
	hash, err := s.hashPassword(pw)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(r.Context(), u.ID, hash); err != nil { // ends all sessions
		return err
	}
	if err := s.sessions.Start(r.Context(), &c, w, u.ID); err != nil {
		return err
	}
	s.notifyPasswordChanged(c, r, u)
	return s.Redirect(c, w, r, "/settings", "Your password has been changed. Other sessions have been logged out and your API token "+
		"was revoked: wallets that use it need the new one from the address page.")
}

// POST /settings/delete: deletes the account after checking the password.
func (s *Server) settingsDelete(c web.C, w http.ResponseWriter, r *http.Request) error {
	u := system.CurrentUser(c)
	if err := s.loginLimit.Check(system.ClientIP(c), "Too many attempts from your address."); err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := s.settingsData(c, r)
	set := func(m string) { p.DeleteError = m }
	if r.PostForm.Get("confirm") != "yes" {
		return s.renderSettings(w, p, system.E(system.KindInvalid, "Tick the box to confirm that you want to delete the account."), set)
	}
	if err := s.checkPassword(r, u); err != nil {
		return s.renderSettings(w, p, err, set)
	}
	if err := s.store.DeleteUser(r.Context(), u.ID, s.now().Unix()); err != nil {
		return err
	}
	if err := s.sessions.End(r.Context(), &c, w); err != nil {
		return err
	}
	s.log.Infof("user %d deleted their account", u.ID)
	done := &formPage{Base: s.Base(c, r, "Account deleted"), Message: "Your account has been deleted and its API token no longer works. " +
		"Tickets you already bought are still voted with your last saved preferences."}
	return s.renderForm(w, "auth/done", done, nil)
}
