package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"helpdesk/domain"
)

// accountData is who the customer is and what it may do.
type accountData struct {
	Name, Email, State string
	Organization       string
	Agreement          string
	Permissions        []string
}

// permissionWords says what each customer permission lets a customer do.
var permissionWords = map[string]string{
	"conversations.create": "open conversations with the desk",
	"conversations.org":    "see your organization's conversations, not only your own",
	"colleagues.manage":    "invite and remove colleagues of your organization",
	"billing":              "see invoices and agreements",
}

// account is GET /account: who the customer is, its organization,
// agreement and what it may do.
func (s *server) account(w http.ResponseWriter, r *http.Request, v visitor) {
	u := v.user
	d := accountData{Name: u.DisplayName(), Email: u.Email, State: string(u.State), Agreement: s.tr(r, "No agreement applies to your account.")}
	if u.OrgID != 0 {
		d.Organization = s.desk.OrgName(u.OrgID)
	}
	st, err := s.desk.AgreementStatus(u.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if st.Agreement != nil {
		if st.Accepted {
			d.Agreement = s.tr(r, "%s: accepted on %s (version %d).", st.Agreement.Title, s.locale(r).formatTime(st.AcceptedAt), st.AcceptedVersion)
		} else {
			d.Agreement = s.tr(r, "%s: not accepted yet.", st.Agreement.Title)
		}
	}
	_, perms, err := s.desk.UserGroups(u.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if perms != 0 {
		for _, name := range strings.Split(perms.String(), ",") {
			if words, ok := permissionWords[name]; ok {
				name = words
			}
			d.Permissions = append(d.Permissions, name)
		}
	}
	s.render(w, r, http.StatusOK, "account", view{Title: s.tr(r, "Your account"), Data: d})
}

// agreementData is the agreement to accept.
type agreementData struct {
	Title   string
	Version int
	Text    string
	Org     string
}

func (s *server) agreementForm(w http.ResponseWriter, r *http.Request, v visitor) {
	s.showAgreement(w, r, v, "")
}

func (s *server) showAgreement(w http.ResponseWriter, r *http.Request, v visitor, why string) {
	st, err := s.desk.AgreementStatus(v.user.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if !st.Pending() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	a := st.Agreement
	s.render(w, r, http.StatusOK, "agreement", view{Title: a.Title, Error: why,
		Data: agreementData{Title: a.Title, Version: a.Version, Text: a.Text, Org: st.Org.Name}})
}

func (s *server) acceptAgreement(w http.ResponseWriter, r *http.Request, v visitor) {
	if !s.parseForm(w, r) {
		return
	}
	if r.PostFormValue("accept") != "yes" {
		s.showAgreement(w, r, v, s.tr(r, "Tick the box to accept, or sign out."))
		return
	}
	_, err := s.desk.AcceptAgreement(v.user.ID)
	var invalid *domain.ValidationError
	if err != nil && !errors.As(err, &invalid) {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	// Accepted now, or nothing left to accept (accepted in another tab,
	// or the agreement was removed): either way home is next.
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// profileData is the profile form, as stored or as typed.
type profileData struct {
	Name, TimeZone, Language, Phone string
	Version                         string
	Notify                          []notifyChoice
}

// notifyChoice is one event's channel select.
type notifyChoice struct {
	Field, Label string
	Options      []channelOption
}

type channelOption struct {
	Value    string
	Selected bool
}

// eventWords names the events a customer chooses a channel for.
var eventWords = map[domain.MailEvent]string{
	domain.EventVerify:  "Confirming your address",
	domain.EventWelcome: "Welcome messages",
	domain.EventReset:   "Password links",
	domain.EventReply:   "Replies from the desk",
}

func notifyField(e domain.MailEvent) string { return "notify_" + string(e) }

// profileOf is the form filled from the stored user.
func profileOf(u domain.User) profileData {
	d := profileData{Name: u.Name, TimeZone: u.TimeZone, Language: u.Language, Phone: u.Phone,
		Version: strconv.FormatUint(u.Version, 10)}
	for _, e := range domain.NotifyEvents {
		d.Notify = append(d.Notify, choice(e, string(u.Channel(e))))
	}
	return d
}

func choice(e domain.MailEvent, chosen string) notifyChoice {
	label := eventWords[e]
	if label == "" {
		label = string(e)
	}
	c := notifyChoice{Field: notifyField(e), Label: label}
	for _, ch := range domain.Channels {
		c.Options = append(c.Options, channelOption{Value: string(ch), Selected: string(ch) == chosen})
	}
	return c
}

func (s *server) profileForm(w http.ResponseWriter, r *http.Request, v visitor) {
	s.render(w, r, http.StatusOK, "profile", view{Title: s.tr(r, "Your profile"), Data: profileOf(v.user)})
}

func (s *server) saveProfile(w http.ResponseWriter, r *http.Request, v visitor) {
	if !s.parseForm(w, r) {
		return
	}
	form := r.PostForm
	// Only what the form sent changes; the rest shows as stored.
	typed := profileOf(v.user)
	var p domain.CustomerProfile
	field := func(name string, shown *string) *string {
		if !form.Has(name) {
			return nil
		}
		val := form.Get(name)
		*shown = val
		return &val
	}
	p.Name = field("name", &typed.Name)
	p.TimeZone = field("time_zone", &typed.TimeZone)
	p.Language = field("language", &typed.Language)
	p.Phone = field("phone", &typed.Phone)
	var why error
	for i, e := range domain.NotifyEvents {
		if !form.Has(notifyField(e)) {
			continue
		}
		raw := form.Get(notifyField(e))
		typed.Notify[i] = choice(e, strings.ToLower(strings.TrimSpace(raw)))
		ch, err := domain.ParseChannel(raw)
		if err != nil {
			why = err
			continue
		}
		if p.Notify == nil {
			p.Notify = map[domain.MailEvent]domain.Channel{}
		}
		p.Notify[e] = ch
	}
	var version uint64
	if form.Has("version") {
		typed.Version = form.Get("version")
		var err error
		if version, err = strconv.ParseUint(strings.TrimSpace(typed.Version), 10, 64); err != nil {
			why = errors.New(s.tr(r, "This form is out of date; open your profile again and make your change."))
		}
	}
	if why != nil {
		s.render(w, r, http.StatusOK, "profile", view{Title: s.tr(r, "Your profile"), Error: s.say(r, why), Data: typed})
		return
	}
	u, err := s.desk.UpdateProfile(v.user.ID, version, p)
	var invalid *domain.ValidationError
	var conflict *domain.ConflictError
	switch {
	case err == nil:
		// The page that says so is already in the language and zone saved.
		r = r.WithContext(context.WithValue(r.Context(), visitorKey{}, visitor{user: u, sid: v.sid}))
		s.render(w, r, http.StatusOK, "profile", view{Title: s.tr(r, "Your profile"), Notice: s.tr(r, "Saved."), Data: profileOf(u)})
	case errors.As(err, &conflict):
		// The domain's sentence names who made the change; a customer
		// needs only to know that it happened.
		s.render(w, r, http.StatusOK, "profile", view{Title: s.tr(r, "Your profile"),
			Error: s.tr(r, "Your profile was changed elsewhere since this page was opened; open it again and make your change."), Data: typed})
	case errors.As(err, &invalid):
		s.render(w, r, http.StatusOK, "profile", view{Title: s.tr(r, "Your profile"), Error: s.say(r, err), Data: typed})
	default:
		s.fail(w, r, http.StatusInternalServerError, err)
	}
}
