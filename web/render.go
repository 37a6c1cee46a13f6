package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

// parsePages parses every page once: each is the layout plus the page's
// own "content".
func parsePages() (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse the layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list the templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := layout.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: %s: %w", base, err)
		}
		if _, err := t.ParseFS(templateFS, name); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", base, err)
		}
		pages[strings.TrimSuffix(base, ".html")] = t
	}
	for _, need := range []string{"error", "signin", "setpassword", "reset", "signup", "home", "agreement", "profile", "account", "conversation", "newconv"} {
		if pages[need] == nil {
			return nil, fmt.Errorf("web: the %s page is missing", need)
		}
	}
	return pages, nil
}

// view is what the layout shows around every page; Data is the page's own.
type view struct {
	DeskName string
	Title    string
	SignedIn bool
	Brand    *brandView
	Error    string
	Notice   string
	Data     any
	// Lang is the language the page is in (<html lang>); l is how the
	// visitor reads texts and times, set by render.
	Lang string
	l    locale
}

// T is a fixed text of the portal in the visitor's language: templates
// write {{$.T "Sign in"}} (or with arguments, {{$.T "%d conversations" .N}}),
// the English text being the message catalogue's key.
func (v view) T(key string, args ...any) string {
	if v.l.p == nil {
		return fmt.Sprintf(key, args...)
	}
	return v.l.p.Sprintf(key, args...)
}

// Time is a moment as the visitor reads it, in the signed-in customer's
// time zone (else UTC), saying in which: "3 Dec 2026 15:04 CET".
func (v view) Time(t time.Time) string {
	return v.l.formatTime(t)
}

// render writes a page. It is executed into a buffer first, so a template
// failure gives the error page rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t := s.pages[page]
	if t == nil {
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("no page named %q", page))
		return
	}
	name, err := s.desk.DeskName()
	if err != nil && page != "error" {
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("read the desk's name: %w", err))
		return
	}
	v.DeskName = name
	_, v.SignedIn = visitorOf(r)
	v.l = s.locale(r)
	v.Lang = v.l.tag.String()
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		if page == "error" {
			s.logf(r, "render the error page: %v", err)
			http.Error(w, "Something went wrong on our side; try again in a moment.", status)
			return
		}
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("render %s: %w", page, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// failures are the one sentence the error page says for each status.
var failures = map[int]string{
	http.StatusBadRequest:            "The request could not be read; go back and try again.",
	http.StatusForbidden:             "This request came from another site and was refused; open the page here and try again.",
	http.StatusNotFound:              "There is no page at this address.",
	http.StatusMethodNotAllowed:      "This page does not take that kind of request.",
	http.StatusRequestEntityTooLarge: "What was sent is too large for this page.",
	http.StatusInternalServerError:   "Something went wrong on our side; try again in a moment.",
}

// fail answers with the error page: one sentence for the status, never the
// internal error, which goes to the log.
func (s *server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if err != nil {
		s.logf(r, "%v", err)
	}
	msg, ok := failures[status]
	if !ok {
		msg = failures[http.StatusInternalServerError]
		if status < 500 {
			msg = failures[http.StatusBadRequest]
		}
	}
	l := s.locale(r)
	s.render(w, r, status, "error", view{Title: translated(l.tag, http.StatusText(status)), Data: translated(l.tag, msg)})
}

// logf writes one line about a server-side failure. It names the method
// and path only: a query may hold a token.
func (s *server) logf(r *http.Request, format string, args ...any) {
	s.log.Printf("web: %s %s: %s", r.Method, r.URL.Path, fmt.Sprintf(format, args...))
}

// parseForm reads a posted form; a body too large gets 413, an unreadable
// one 400.
func (s *server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		w.Header().Set("Connection", "close")
		s.fail(w, r, http.StatusRequestEntityTooLarge, nil)
		return false
	}
	s.fail(w, r, http.StatusBadRequest, nil)
	return false
}

// sentence is an error's text as a sentence on a page: the domain's
// words, ending with a full stop.
func sentence(err error) string {
	t := strings.TrimSpace(err.Error())
	if t != "" && !strings.HasSuffix(t, ".") {
		t += "."
	}
	return t
}
