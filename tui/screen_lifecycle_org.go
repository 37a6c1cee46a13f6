package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// The account lifecycle on an organization's screen: its agreement (A sets
// a new version) and copying it into a new, inactive organization (y).

const (
	carryYes = "carry over"
	carryNo  = "leave out"
)

type orgCopiedMsg struct {
	req  uint64
	from string
	org  domain.Organization
	err  error
}

func (s *orgScreen) startAgreement() tea.Cmd {
	f := newForm(s.c)
	f.addText("title", "Title", "e.g. Standard Rates")
	f.addText("text", "Text", "the terms, as the customer reads them")
	if a := s.org.Agreement; a != nil {
		f.Load("title", a.Title)
		f.Load("text", a.Text)
	}
	f.width = s.w - 2
	s.form, s.mode = f, orgSettingAgreement
	return f.FocusOn(0)
}

func (s *orgScreen) startCopy() tea.Cmd {
	f := newForm(s.c)
	f.addText("name", "New name", "name of the copy")
	f.addChoice("parent", "Parent", carryYes, carryNo)
	f.addChoice("agreement", "Agreement", carryYes, carryNo)
	f.addChoice("notes", "Notes", carryYes, carryNo)
	f.Set("name", s.org.Name+" (copy)")
	f.width = s.w - 2
	s.form, s.mode = f, orgCopying
	return f.FocusOn(0)
}

// updateLifeForm handles the keys of the agreement and copy forms.
func (s *orgScreen) updateLifeForm(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Save):
		return s.submitLifeForm()
	case key.Matches(msg, k.Back):
		s.mode, s.form = orgViewing, nil
		return status(statusInfo, "Cancelled.")
	}
	cmd, submit := s.form.Update(msg)
	if submit {
		return tea.Batch(cmd, s.submitLifeForm())
	}
	return cmd
}

func (s *orgScreen) submitLifeForm() tea.Cmd {
	s.form.ClearErrors()
	s.saveReq = s.c.nextReq()
	req, desk, actor, id, from := s.saveReq, s.c.desk, s.c.actor, s.id, s.org.Name
	if s.mode == orgSettingAgreement {
		title, text := s.form.Value("title"), s.form.Value("text")
		return func() tea.Msg {
			o, err := desk.SetAgreement(actor, id, title, text)
			note := ""
			if o.Agreement != nil {
				note = "Set the agreement of " + o.Name + ": " + o.Agreement.Label() + "; pending for its users until they accept."
			}
			return orgSavedMsg{req: req, org: o, note: note, err: err}
		}
	}
	name := s.form.Value("name")
	opts := domain.CopyOptions{
		Parent:    s.form.Value("parent") == carryYes,
		Agreement: s.form.Value("agreement") == carryYes,
		Notes:     s.form.Value("notes") == carryYes,
	}
	return func() tea.Msg {
		o, err := desk.CopyOrg(actor, id, name, opts)
		return orgCopiedMsg{req: req, from: from, org: o, err: err}
	}
}

func (s *orgScreen) copied(msg orgCopiedMsg) tea.Cmd {
	if msg.req != s.saveReq || s.mode != orgCopying {
		return nil
	}
	if msg.err != nil {
		if s.form.SetError(msg.err) {
			return status(statusErr, "Not copied: "+sanitizeLine(msg.err.Error()))
		}
		return errStatus("Not copied: ", msg.err)
	}
	s.mode, s.form = orgViewing, nil
	s.c.post(openOrgMsg{id: msg.org.ID})
	return status(statusOK, "Copied "+sanitizeLine(msg.from)+" to "+sanitizeLine(msg.org.Name)+" (inactive: t activates it when it is ready).")
}

// agreementLine is the agreement row's value: "Standard Rates v3".
func agreementLine(o domain.Organization) string {
	if o.Agreement == nil {
		return ""
	}
	return sanitizeLine(o.Agreement.Label())
}

// lifeFormTitle is the line above the agreement or copy form.
func (s *orgScreen) lifeFormTitle() string {
	st := s.c.st
	org := sanitizeLine(s.org.Name)
	if s.mode == orgSettingAgreement {
		note := "saving makes a new version, pending again for every user under " + org
		return " " + st.title.Render("Agreement of "+cut(org, s.w/2)) + "\n " + st.muted.Render(cut(note, s.w-2))
	}
	return " " + st.title.Render("Copy "+cut(org, s.w/2)) + "\n " +
		st.muted.Render(cut("the copy starts inactive; users and domains are never copied", s.w-2))
}

func (s *orgScreen) lifeFormHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Save, keyHelp(k.NextField, "next"), k.ChoiceNext, keyHelp(k.Back, "cancel")}
}

// orgTreeName indents a name by its depth in the hierarchy.
func orgTreeName(name string, depth int) string {
	if depth == 0 {
		return name
	}
	return strings.Repeat("  ", depth-1) + "└ " + name
}

type (
	orgMovePreviewMsg struct {
		req    uint64
		parent string
		pv     domain.MovePreview
		err    error
	}
	orgMoveConfirmedMsg struct{ id domain.ID }
)

// previewParent asks what putting the organization under parent means for
// agreements before the edit is saved.
func (s *orgScreen) previewParent(parent string) tea.Cmd {
	s.moveReq = s.c.nextReq()
	req, desk, id := s.moveReq, s.c.desk, s.id
	return func() tea.Msg {
		pv, err := desk.MoveOrgPreview(id, parent)
		return orgMovePreviewMsg{req: req, parent: parent, pv: pv, err: err}
	}
}

// parentPreviewed asks to confirm when users would have an agreement to
// accept after the move; otherwise (or when the preview fails, so the save
// reports why on the field) it saves at once.
func (s *orgScreen) parentPreviewed(msg orgMovePreviewMsg) tea.Cmd {
	if msg.req != s.moveReq || s.mode != orgEditing {
		return nil
	}
	sentences := msg.pv.Sentences()
	if msg.err != nil || len(sentences) == 0 {
		s.moveOK = true
		return s.save()
	}
	var body []string
	for _, sn := range sentences {
		body = append(body, sanitizeLine(sn)+".")
	}
	org := sanitizeLine(s.org.Name)
	title := "Put " + org + " under " + sanitizeLine(msg.parent) + "?"
	if strings.TrimSpace(msg.parent) == "" {
		title = "Make " + org + " top level?"
	}
	return s.c.post(askMsg{title: title, body: strings.Join(body, "\n"), yesLabel: "Save",
		yes: send(orgMoveConfirmedMsg{id: s.id})})
}
