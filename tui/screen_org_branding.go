package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// An organization's sign-in branding: the page /signin?branding=SLUG shows
// its title, accent colour and logo. The screen shows it on one line; b
// edits the slug, title and colour. The logo is uploaded from the command
// line only: a terminal has no file picker worth the name.

// brandingLine is the branding in one line: "acme · Acme Support ·
// #0055aa · logo image/png 12 KB"; "" when the organization has none.
func brandingLine(b *domain.Branding) string {
	if b == nil {
		return ""
	}
	parts := []string{sanitizeLine(b.Slug)}
	if b.Title != "" {
		parts = append(parts, sanitizeLine(b.Title))
	}
	if b.Color != "" {
		parts = append(parts, sanitizeLine(b.Color))
	}
	if b.LogoType != "" {
		parts = append(parts, "logo "+sanitizeLine(b.LogoType)+" "+byteSize(b.LogoSize))
	} else {
		parts = append(parts, "no logo")
	}
	return strings.Join(parts, " · ")
}

// byteSize writes a logo's size as people read it: 812 B, 12 KB.
func byteSize(n int) string {
	if n < 1024 {
		return itoa(n) + " B"
	}
	return thousands((n+1023)/1024) + " KB"
}

func (s *orgScreen) startBranding() tea.Cmd {
	f := newForm(s.c)
	f.addText("slug", "Slug", "lower-case letters, digits and dashes")
	f.addText("title", "Title", "shown on the sign-in page")
	f.addText("color", "Colour", "#0055aa")
	if b := s.org.Brand; b != nil {
		f.Load("slug", b.Slug)
		f.Load("title", b.Title)
		f.Load("color", b.Color)
	} else {
		// No branding yet: the slug the desk would make from the name,
		// as if typed, so saving as is creates it.
		f.Set("slug", domain.Slugify(s.org.Name))
	}
	f.width = s.w - 2
	s.form, s.mode = f, orgBranding
	return f.FocusOn(0)
}

func (s *orgScreen) updateBranding(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Save):
		return s.saveBranding()
	case key.Matches(msg, k.Back):
		s.mode, s.form = orgViewing, nil
		return status(statusInfo, "Cancelled; the branding is unchanged.")
	}
	cmd, submit := s.form.Update(msg)
	if submit {
		return tea.Batch(cmd, s.saveBranding())
	}
	return cmd
}

func (s *orgScreen) saveBranding() tea.Cmd {
	if cmd := s.c.refuse(domain.PermOrgsWrite); cmd != nil {
		return cmd
	}
	var in domain.BrandInput
	set := func(key string, dst **string) {
		if s.form.Changed(key) {
			v := s.form.Value(key)
			*dst = &v
		}
	}
	set("slug", &in.Slug)
	set("title", &in.Title)
	set("color", &in.Color)
	if in.Slug == nil && in.Title == nil && in.Color == nil {
		s.mode, s.form = orgViewing, nil
		return status(statusInfo, "Nothing changed.")
	}
	s.form.ClearErrors()
	s.saveReq = s.c.nextReq()
	req, desk, actor, id := s.saveReq, s.c.desk, s.c.actor, s.id
	return func() tea.Msg {
		o, err := desk.SetBranding(actor, id, in)
		return orgSavedMsg{req: req, org: o, note: "Saved the sign-in branding of " + o.Name + ": " + brandingLine(o.Brand) + ".", err: err}
	}
}

// brandingTitle heads the branding form.
func (s *orgScreen) brandingTitle() string {
	st := s.c.st
	return " " + st.title.Render("Sign-in branding") + st.muted.Render(cut("  the page /signin?branding=SLUG", s.w-19))
}

// brandingNote follows the form: the logo is not edited here.
func (s *orgScreen) brandingNote() string {
	note := "No logo: a logo is set from the command line only."
	if b := s.org.Brand; b != nil && b.LogoType != "" {
		note = "Logo " + sanitizeLine(b.LogoType) + " " + byteSize(b.LogoSize) + " kept: a logo is set from the command line only."
	}
	return "  " + s.c.st.muted.Render(cut(note, s.w-4))
}
