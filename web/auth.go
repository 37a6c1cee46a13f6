package web

import (
	"errors"
	"net/http"
	"strings"

	"helpdesk/domain"
)

// signinData is the sign-in form: the address typed, and the branding of
// the organization whose page it is.
type signinData struct {
	Email    string
	Branding string
}

// signinForm shows the sign-in page, also to a signed-in customer (who
// may want to switch accounts; the header offers to sign out).
func (s *server) signinForm(w http.ResponseWriter, r *http.Request) {
	b := s.brand(r, r.URL.Query().Get("branding"))
	s.render(w, r, http.StatusOK, "signin", view{Title: s.tr(r, "Sign in"), Brand: b, Data: signinData{Branding: b.slug()}})
}

func (s *server) signin(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	u, sid, err := s.desk.SignIn(email, r.PostFormValue("password"), s.clientAddr(r))
	if err != nil {
		var throttled *domain.ThrottledError
		var blocked *domain.SignInError
		switch {
		case errors.Is(err, domain.ErrSignInFailed), errors.As(err, &throttled), errors.As(err, &blocked):
			b := s.brand(r, r.PostFormValue("branding"))
			why := s.say(r, err)
			if throttled != nil {
				why = s.tr(r, "too many failed sign-ins: try again after %s, or set a new password.", s.locale(r).formatTime(throttled.Until))
			}
			s.render(w, r, http.StatusOK, "signin", view{Title: s.tr(r, "Sign in"), Brand: b, Error: why,
				Data: signinData{Email: email, Branding: b.slug()}})
		default:
			s.fail(w, r, http.StatusInternalServerError, err)
		}
		return
	}
	s.startSession(w, r, u, sid)
}

// startSession ends the session the client had, if any, gives it the new
// one and sends it on: to the agreement when one is pending, else home.
func (s *server) startSession(w http.ResponseWriter, r *http.Request, u domain.User, sid string) {
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" && old.Value != sid {
		if err := s.desk.SignOut(old.Value); err != nil {
			s.logf(r, "end the previous session: %v", err)
		}
	}
	s.setSession(w, r, sid)
	to := "/"
	if pending, err := s.pending(u.ID); err != nil {
		s.logf(r, "%v", err)
	} else if pending {
		to = "/agreement"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *server) signout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.desk.SignOut(c.Value); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	s.clearCookie(w, r)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// setPasswordData is the set-password page: the form for a working link,
// or only the reason it does not work.
type setPasswordData struct {
	Token   string
	Email   string
	Heading string
	MinLen  int
	// Broken is set when the link does not work; Reset offers a new one.
	Broken bool
	Reset  bool
}

// link checks a token and words the page for it: the form, or only why
// the link does not work.
func (s *server) link(r *http.Request, token string) (view, error) {
	info, err := domain.LinkInfo{}, domain.ErrTokenInvalid
	if strings.TrimSpace(token) != "" {
		info, err = s.desk.CheckLink(token)
	}
	if v, ok := s.brokenLink(r, err); ok {
		return v, nil
	}
	if err != nil {
		return view{}, err
	}
	d := setPasswordData{Token: token, Email: info.Email, MinLen: domain.MinPasswordLen}
	switch info.Purpose {
	case domain.EventCreateAccount:
		d.Heading = s.tr(r, "Finish creating your account")
	case domain.EventVerify:
		d.Heading = s.tr(r, "Confirm your address and choose a password")
	default:
		d.Heading = s.tr(r, "Choose a new password")
	}
	return view{Title: d.Heading, Data: d}, nil
}

// brokenLink is the page for a link that does not work: its reason, and
// for a spent or unknown link the way to ask for a new one. A user who
// may not sign in is told why instead (a new link would not help).
func (s *server) brokenLink(r *http.Request, err error) (view, bool) {
	var blocked *domain.SignInError
	switch {
	case errors.As(err, &blocked):
		return view{Title: s.tr(r, "Set your password"), Error: s.say(r, err), Data: setPasswordData{Broken: true}}, true
	case errors.Is(err, domain.ErrTokenInvalid):
		return view{Title: s.tr(r, "Set your password"), Error: s.say(r, err), Data: setPasswordData{Broken: true, Reset: true}}, true
	}
	return view{}, false
}

func (s *server) setPasswordForm(w http.ResponseWriter, r *http.Request) {
	v, err := s.link(r, r.URL.Query().Get("token"))
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, http.StatusOK, "setpassword", v)
}

func (s *server) setPassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	token, password := r.PostFormValue("token"), r.PostFormValue("password")
	// The confirmation is optional; when sent it must match.
	if r.PostForm.Has("password_confirm") && r.PostFormValue("password_confirm") != password {
		s.reshowSetPassword(w, r, token, s.tr(r, "The two passwords differ; type the same password in both boxes."))
		return
	}
	u, sid, err := s.desk.RedeemLink(token, password, s.clientAddr(r))
	var invalid *domain.ValidationError
	if err == nil {
		s.startSession(w, r, u, sid)
		return
	}
	if v, ok := s.brokenLink(r, err); ok {
		s.render(w, r, http.StatusOK, "setpassword", v)
		return
	}
	switch {
	case errors.As(err, &invalid) && invalid.Field == "password":
		s.reshowSetPassword(w, r, token, s.say(r, err))
	case errors.As(err, &invalid):
		// A signup whose address got an account meanwhile: this link
		// cannot create it; the sentence says what to do instead.
		s.render(w, r, http.StatusOK, "setpassword", view{Title: s.tr(r, "Set your password"), Error: s.say(r, err),
			Data: setPasswordData{Broken: true, Reset: true}})
	default:
		s.fail(w, r, http.StatusInternalServerError, err)
	}
}

// reshowSetPassword shows the form again with why the password was not
// taken; the token stays in the form, the password is never echoed. A
// link that does not work says so instead.
func (s *server) reshowSetPassword(w http.ResponseWriter, r *http.Request, token, why string) {
	v, err := s.link(r, token)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if d, _ := v.Data.(setPasswordData); !d.Broken {
		v.Error = why
	}
	s.render(w, r, http.StatusOK, "setpassword", v)
}

// resetData is the reset page: the form, or the answer once sent.
type resetData struct{ Sent bool }

func (s *server) resetForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "reset", view{Title: s.tr(r, "Set a new password"), Data: resetData{}})
}

func (s *server) reset(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	if err := s.desk.RequestReset(r.PostFormValue("email")); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, http.StatusOK, "reset", view{Title: s.tr(r, "Set a new password"), Data: resetData{Sent: true}})
}

// signupData is the signup form as typed, or the answer once sent.
type signupData struct {
	Email, Name, Organization, TimeZone, Language string
	Sent                                          bool
}

// signupOn reports whether signup is allowed, answering 404 (or 500) when
// it is not.
func (s *server) signupOn(w http.ResponseWriter, r *http.Request) bool {
	on, err := s.desk.SignupEnabled()
	switch {
	case err != nil:
		s.fail(w, r, http.StatusInternalServerError, err)
	case !on:
		s.fail(w, r, http.StatusNotFound, nil)
	}
	return err == nil && on
}

func (s *server) signupForm(w http.ResponseWriter, r *http.Request) {
	if !s.signupOn(w, r) {
		return
	}
	// The language the browser asks for, when the portal speaks it, is
	// offered as the account's: the create-account mail and later mail
	// then come in the language the customer read the form in.
	d := signupData{}
	if tag, ok := browserLanguage(r.Header.Get("Accept-Language")); ok {
		d.Language = tag.String()
	}
	s.render(w, r, http.StatusOK, "signup", view{Title: s.tr(r, "Create an account"), Data: d})
}

func (s *server) signup(w http.ResponseWriter, r *http.Request) {
	if !s.signupOn(w, r) || !s.parseForm(w, r) {
		return
	}
	d := signupData{
		Email:        strings.TrimSpace(r.PostFormValue("email")),
		Name:         r.PostFormValue("name"),
		Organization: r.PostFormValue("organization"),
		TimeZone:     r.PostFormValue("time_zone"),
		Language:     r.PostFormValue("language"),
	}
	err := s.desk.Signup(domain.SignupRequest{Email: d.Email, Name: d.Name, Organization: d.Organization,
		TimeZone: d.TimeZone, Language: d.Language})
	var invalid *domain.ValidationError
	switch {
	case err == nil:
		s.render(w, r, http.StatusOK, "signup", view{Title: s.tr(r, "Check your mail"), Data: signupData{Sent: true}})
	case errors.Is(err, domain.ErrSignupOff):
		s.fail(w, r, http.StatusNotFound, nil)
	case errors.As(err, &invalid):
		s.render(w, r, http.StatusOK, "signup", view{Title: s.tr(r, "Create an account"), Error: s.say(r, err), Data: d})
	default:
		s.fail(w, r, http.StatusInternalServerError, err)
	}
}
