package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"helpdesk/domain"
)

// homePageSize is how many conversations one page of home lists.
const homePageSize = 25

// convRow is one conversation on home.
type convRow struct {
	ID           domain.ID
	Subject      string
	Status       string // the customer's word for it, a catalogue key
	State        string // the status itself (open, pending, ...), for the stylesheet
	LastActivity time.Time
	// Requester names whose conversation it is, only when not the viewer's.
	Requester string
}

// homeData is the signed-in customer's conversations, a page at a time.
type homeData struct {
	Name, Email, Organization string
	Rows                      []convRow
	// Older is the before of the next page (0: none); Paged says this is
	// not the first page.
	Older   domain.ID
	Paged   bool
	CanOpen bool
}

// statusWords is a conversation's status as a customer reads it; every
// value is also a key of the portal's message catalogues.
var statusWords = map[domain.ConvStatus]string{
	domain.ConvOpen:     "Open",
	domain.ConvPending:  "Waiting for your answer",
	domain.ConvResolved: "Resolved",
	domain.ConvClosed:   "Closed",
}

func statusWord(s domain.ConvStatus) string {
	if w, ok := statusWords[s]; ok {
		return w
	}
	return string(s)
}

// parseID reads a conversation id from a path or query; ok is false for
// anything but a positive decimal number.
func parseID(s string) (domain.ID, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, false
	}
	return domain.ID(n), true
}

// home is GET /: the customer's conversations (and, with the
// conversations.org permission, those of its organizations), newest
// activity first.
func (s *server) home(w http.ResponseWriter, r *http.Request, v visitor) {
	var before domain.ID
	if q := r.URL.Query().Get("before"); q != "" {
		var ok bool
		if before, ok = parseID(q); !ok {
			s.fail(w, r, http.StatusNotFound, nil)
			return
		}
	}
	convs, next, err := s.desk.PortalConversations(v.user.ID, before, homePageSize)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	canOpen, err := s.desk.PortalCanOpen(v.user.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	u := v.user
	d := homeData{Name: u.DisplayName(), Email: u.Email, Older: next, Paged: before != 0, CanOpen: canOpen}
	if u.OrgID != 0 {
		d.Organization = s.desk.OrgName(u.OrgID)
	}
	for _, c := range convs {
		d.Rows = append(d.Rows, convRow{ID: c.ID, Subject: c.Subject, Status: statusWord(c.Status), State: string(c.Status),
			LastActivity: c.LastActivity, Requester: c.Requester})
	}
	s.render(w, r, http.StatusOK, "home", view{Title: s.tr(r, "Your conversations"), Data: d})
}

// messageView is one message of a thread as the portal shows it.
type messageView struct {
	// Author is who wrote it: "You", the desk's name, or a person.
	Author      string
	Mine        bool
	Note        bool
	At          time.Time
	Body        string
	Quoted      string
	Attachments []attachmentView
}

type attachmentView struct {
	Name, Type, Size string
}

// threadData is a conversation's page.
type threadData struct {
	ID        domain.ID
	Subject   string
	Status    string
	State     string
	Requester string // whose conversation, when not the viewer's
	Messages  []messageView
	CanReply  bool
	CanNote   bool
	// Reopens: the conversation is resolved or closed, and a reply opens it.
	Reopens bool
	// Body is what was typed in the form that failed; NoteBody the same
	// for the note form.
	Body, NoteBody string
}

// threadView builds the page from what the desk returned; requester is
// the conversation's requester (the viewer, or a colleague the viewer may
// follow). The desk sends a customer no internal note; the page drops any
// all the same unless the viewer is a collaborator.
func threadView(th domain.PortalThread, viewer, requester domain.User, deskName string) threadData {
	d := threadData{ID: th.Conv.ID, Subject: th.Conv.Subject, Status: statusWord(th.Conv.Status), State: string(th.Conv.Status),
		Requester: th.Requester, CanReply: th.CanReply, CanNote: th.CanNote,
		Reopens: th.Conv.Status == domain.ConvResolved || th.Conv.Status == domain.ConvClosed}
	for _, m := range th.Messages {
		note := m.Kind == domain.KindNote
		if note && !th.Collaborator {
			continue
		}
		mv := messageView{Note: note, At: m.CreatedAt, Body: m.Body, Quoted: m.Quoted, Author: deskName}
		_, who, _ := strings.Cut(m.Author, ":")
		switch {
		case (m.FromCustomer || note) && strings.EqualFold(who, viewer.Email):
			mv.Author, mv.Mine = "You", true
		case m.FromCustomer && strings.EqualFold(who, requester.Email):
			mv.Author = requester.DisplayName()
		case m.FromCustomer || note:
			// A colleague of the requester; for a collaborator, whoever
			// wrote the note.
			mv.Author = who
		}
		for _, a := range m.Attachments {
			mv.Attachments = append(mv.Attachments, attachmentView{Name: a.Name, Type: a.Type, Size: byteSize(a.Size)})
		}
		d.Messages = append(d.Messages, mv)
	}
	return d
}

// byteSize is a size as people read it: 512 B, 12 KB, 3.4 MB.
func byteSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatInt((n+512)/1024, 10) + " KB"
	default:
		return strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64) + " MB"
	}
}

// sentNotices are the notices a redirect after a post asks the thread
// page to show (?sent=...).
var sentNotices = map[string]string{
	"reply": "Your reply was sent; the desk sees it now.",
	"note":  "Your internal note was added.",
}

// conversation is GET /c/{id}. A conversation the visitor may not see
// gets the same page as one that does not exist.
func (s *server) conversation(w http.ResponseWriter, r *http.Request, v visitor) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.fail(w, r, http.StatusNotFound, nil)
		return
	}
	notice := ""
	if n, ok := sentNotices[r.URL.Query().Get("sent")]; ok {
		notice = s.tr(r, n)
	}
	s.showThread(w, r, v, id, http.StatusOK, notice, "", "", "")
}

// showThread renders a thread, with a notice, or an error and what was
// typed into the reply or note form.
func (s *server) showThread(w http.ResponseWriter, r *http.Request, v visitor, id domain.ID, status int, notice, why, body, noteBody string) {
	th, err := s.desk.PortalConversation(v.user.ID, id)
	if domain.IsNotFound(err) {
		s.fail(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	name, err := s.desk.DeskName()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	requester := v.user
	if th.Conv.RequesterID != v.user.ID {
		if requester, err = s.desk.User(th.Conv.RequesterID); err != nil && !domain.IsNotFound(err) {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	d := threadView(th, v.user, requester, name)
	d.Body, d.NoteBody = body, noteBody
	s.render(w, r, status, "conversation", view{Title: th.Conv.Subject, Notice: notice, Error: why, Data: d})
}

// said reports whether err is the desk refusing what the customer asked
// for, in a sentence meant for them (rather than a failure on our side).
func said(err error) bool {
	var invalid *domain.ValidationError
	var perm *domain.PermissionError
	var blocked *domain.SignInError
	var refused *domain.PortalRefusedError
	return errors.As(err, &invalid) || errors.As(err, &perm) || errors.As(err, &blocked) || errors.As(err, &refused)
}

// reply is POST /c/{id}/reply (field body): the customer's public message.
func (s *server) reply(w http.ResponseWriter, r *http.Request, v visitor) {
	s.post(w, r, v, "reply", s.desk.PortalReply)
}

// note is POST /c/{id}/note (field body): a collaborator's internal note.
// For anyone else there is no such page: a customer never learns that
// collaborators exist, not even from a refusal.
func (s *server) note(w http.ResponseWriter, r *http.Request, v visitor) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.fail(w, r, http.StatusNotFound, nil)
		return
	}
	th, err := s.desk.PortalConversation(v.user.ID, id)
	switch {
	case domain.IsNotFound(err) || err == nil && !th.Collaborator:
		s.fail(w, r, http.StatusNotFound, nil)
		return
	case err != nil:
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.post(w, r, v, "note", s.desk.PortalNote)
}

func (s *server) post(w http.ResponseWriter, r *http.Request, v visitor, what string,
	write func(userID, convID domain.ID, body string) (domain.ConvMessage, error)) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		s.fail(w, r, http.StatusNotFound, nil)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	body := r.PostFormValue("body")
	_, err := write(v.user.ID, id, body)
	switch {
	case err == nil:
		http.Redirect(w, r, "/c/"+strconv.FormatUint(uint64(id), 10)+"?sent="+what, http.StatusSeeOther)
	case domain.IsNotFound(err):
		s.fail(w, r, http.StatusNotFound, nil)
	case said(err):
		if what == "note" {
			s.showThread(w, r, v, id, http.StatusOK, "", s.say(r, err), "", body)
		} else {
			s.showThread(w, r, v, id, http.StatusOK, "", s.say(r, err), body, "")
		}
	default:
		s.fail(w, r, http.StatusInternalServerError, err)
	}
}

// newConvData is the new-conversation form, empty or as typed.
type newConvData struct {
	Subject, Body string
}

// newConvForm is GET /new; a customer who may not open conversations
// gets the page as for an address that does not exist.
func (s *server) newConvForm(w http.ResponseWriter, r *http.Request, v visitor) {
	if !s.mayOpen(w, r, v) {
		return
	}
	s.render(w, r, http.StatusOK, "newconv", view{Title: s.tr(r, "New conversation"), Data: newConvData{}})
}

func (s *server) mayOpen(w http.ResponseWriter, r *http.Request, v visitor) bool {
	ok, err := s.desk.PortalCanOpen(v.user.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return false
	}
	if !ok {
		s.fail(w, r, http.StatusNotFound, nil)
	}
	return ok
}

// newConv is POST /new (fields subject, body): the conversation is opened
// and the customer taken to it.
func (s *server) newConv(w http.ResponseWriter, r *http.Request, v visitor) {
	if !s.parseForm(w, r) || !s.mayOpen(w, r, v) {
		return
	}
	typed := newConvData{Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body")}
	var why string
	switch {
	case strings.TrimSpace(typed.Subject) == "":
		why = s.tr(r, "Give your conversation a subject, then send it again.")
	case strings.TrimSpace(typed.Body) == "":
		why = s.tr(r, "Write your message, then send it again.")
	}
	if why != "" {
		s.render(w, r, http.StatusOK, "newconv", view{Title: s.tr(r, "New conversation"), Error: why, Data: typed})
		return
	}
	c, err := s.desk.PortalNewConversation(v.user.ID, typed.Subject, typed.Body)
	switch {
	case err == nil:
		http.Redirect(w, r, "/c/"+strconv.FormatUint(uint64(c.ID), 10), http.StatusSeeOther)
	case said(err):
		s.render(w, r, http.StatusOK, "newconv", view{Title: s.tr(r, "New conversation"), Error: s.say(r, err), Data: typed})
	default:
		s.fail(w, r, http.StatusInternalServerError, err)
	}
}
