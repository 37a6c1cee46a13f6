package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"helpdesk/domain"
)

type (
	orgsMsg struct {
		req  uint64
		orgs []domain.OrgSummary
		// depth is set in tree view: each organization's depth in the
		// hierarchy, the list being in tree order.
		depth map[domain.ID]int
		err   error
	}
	orgCreatedMsg struct {
		org domain.Organization
		err error
	}
)

// orgsScreen lists every organization with its domains and member count.
// A desk has few organizations (thousands at most), so the list is read
// whole and filtered in memory with sahilm/fuzzy.
type orgsScreen struct {
	c      *common
	orgs   []domain.OrgSummary
	req    uint64
	loaded bool
	err    error
	// inFlight and again keep refreshes to one at a time: member counts
	// cost a pass over the membership index, and a busy desk commits more
	// often than that pass takes.
	inFlight, again bool

	filter    textinput.Model
	filtering bool
	query     string
	shown     []orgMatch

	// naming: the prompt for a new organization's name has focus.
	naming bool
	name   textinput.Model

	// tree: the hierarchy view (v), parents above their children.
	tree  bool
	depth map[domain.ID]int

	scroller
	w, h int
}

type orgMatch struct {
	i   int
	pos []int
}

func newOrgsScreen(c *common) *orgsScreen {
	return &orgsScreen{c: c, filter: c.st.input("part of a name or domain"), name: c.st.input("Name of the new organization")}
}

func (s *orgsScreen) Title() string   { return "Organizations" }
func (s *orgsScreen) Init() tea.Cmd   { return s.load() }
func (s *orgsScreen) Capturing() bool { return s.filtering || s.naming }
func (s *orgsScreen) Dirty() bool     { return s.naming && strings.TrimSpace(s.name.Value()) != "" }

func (s *orgsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.follow()
}

func (s *orgsScreen) load() tea.Cmd {
	s.inFlight = true
	s.req = s.c.nextReq()
	req, desk := s.req, s.c.desk
	if s.tree {
		return func() tea.Msg {
			nodes, err := desk.OrgTree()
			os := make([]domain.OrgSummary, len(nodes))
			depth := make(map[domain.ID]int, len(nodes))
			for i, n := range nodes {
				os[i] = n.OrgSummary
				depth[n.ID] = n.Depth
			}
			return orgsMsg{req: req, orgs: os, depth: depth, err: err}
		}
	}
	return func() tea.Msg {
		os, err := desk.Orgs()
		return orgsMsg{req: req, orgs: os, err: err}
	}
}

// refilter matches the query against "name domains" so an agent can find
// an organization by either.
func (s *orgsScreen) refilter() {
	s.shown = s.shown[:0]
	if s.query == "" {
		for i := range s.orgs {
			s.shown = append(s.shown, orgMatch{i: i})
		}
	} else {
		keys := make([]string, len(s.orgs))
		for i, o := range s.orgs {
			keys[i] = o.Name + " " + strings.Join(o.Domains, " ")
		}
		for _, m := range fuzzy.Find(s.query, keys) {
			var pos []int
			for _, p := range m.MatchedIndexes {
				if p < len(s.orgs[m.Index].Name) {
					pos = append(pos, p)
				}
			}
			s.shown = append(s.shown, orgMatch{i: m.Index, pos: pos})
		}
	}
	s.follow()
}

func (s *orgsScreen) rowsShown() int { return max(s.h-4, 1) }

func (s *orgsScreen) follow() { s.scroller.follow(len(s.shown), s.rowsShown()) }

func (s *orgsScreen) selected() (domain.OrgSummary, bool) {
	if s.cursor < len(s.shown) {
		return s.orgs[s.shown[s.cursor].i], true
	}
	return domain.OrgSummary{}, false
}

func (s *orgsScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case orgsMsg:
		if msg.req != s.req {
			return nil
		}
		s.loaded, s.err, s.inFlight = true, msg.err, false
		if msg.err == nil {
			s.orgs, s.depth = msg.orgs, msg.depth
			s.refilter()
		}
		if s.again {
			s.again = false
			return s.load()
		}
		return nil
	case deskEventsMsg:
		if s.inFlight {
			s.again = true
			return nil
		}
		return s.load()
	case orgCreatedMsg:
		if msg.err != nil {
			return errStatus("Not created: ", msg.err)
		}
		return tea.Batch(s.load(), s.c.post(openOrgMsg{id: msg.org.ID}),
			status(statusOK, "Created organization "+sanitizeLine(msg.org.Name)+"; a adds its domains."))
	case tea.KeyMsg:
		if s.naming {
			return s.updateNaming(msg)
		}
		if s.filtering {
			switch {
			case key.Matches(msg, k.Cancel):
				s.filtering, s.query = false, ""
				s.filter.SetValue("")
				s.filter.Blur()
				s.refilter()
				return nil
			case key.Matches(msg, k.Open):
				s.filtering = false
				s.filter.Blur()
				return nil
			case key.Matches(msg, k.SelUp):
				s.cursor--
				s.follow()
				return nil
			case key.Matches(msg, k.SelDown):
				s.cursor++
				s.follow()
				return nil
			}
			var cmd tea.Cmd
			s.filter, cmd = s.filter.Update(msg)
			cleanInput(&s.filter)
			if q := strings.TrimSpace(s.filter.Value()); q != s.query {
				s.query = q
				s.cursor = 0
				s.refilter()
			}
			return cmd
		}
		switch {
		case key.Matches(msg, k.Filter):
			s.filtering = true
			return s.filter.Focus()
		case key.Matches(msg, k.Cancel):
			if s.query != "" {
				s.query = ""
				s.filter.SetValue("")
				s.refilter()
			}
		case key.Matches(msg, k.New):
			if cmd := s.c.refuse(domain.PermOrgsWrite); cmd != nil {
				return cmd
			}
			s.naming = true
			s.name.SetValue("")
			return s.name.Focus()
		case key.Matches(msg, k.Open):
			if o, ok := s.selected(); ok {
				return s.c.post(openOrgMsg{id: o.ID})
			}
		case key.Matches(msg, k.TreeView):
			s.tree = !s.tree
			return s.load()
		case key.Matches(msg, k.Up):
			s.cursor--
		case key.Matches(msg, k.Down):
			s.cursor++
		case key.Matches(msg, k.PageUp):
			s.cursor -= s.rowsShown()
		case key.Matches(msg, k.PageDown):
			s.cursor += s.rowsShown()
		case key.Matches(msg, k.Home):
			s.cursor = 0
		case key.Matches(msg, k.End):
			s.cursor = len(s.shown) - 1
		}
		s.follow()
	}
	return nil
}

func (s *orgsScreen) updateNaming(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Back):
		s.naming = false
		s.name.Blur()
		return nil
	case key.Matches(msg, k.Open):
		name := strings.TrimSpace(s.name.Value())
		if name == "" {
			return nil
		}
		s.naming = false
		s.name.Blur()
		desk, actor := s.c.desk, s.c.actor
		return func() tea.Msg {
			o, err := desk.CreateOrg(actor, domain.OrgInput{Name: name})
			return orgCreatedMsg{org: o, err: err}
		}
	}
	var cmd tea.Cmd
	s.name, cmd = s.name.Update(msg)
	cleanInput(&s.name)
	return cmd
}

func (s *orgsScreen) columns() (name, domains, parent, members, state int) {
	members, state = 8, 8
	rest := s.w - 2 - members - state - 4
	name = rest * 3 / 10
	parent = rest * 2 / 10
	domains = rest - name - parent
	return
}

func (s *orgsScreen) View() string {
	st := s.c.st
	var b strings.Builder
	left := " " + st.title.Render("Organizations")
	if s.loaded {
		left += st.muted.Render(" (" + thousands(len(s.orgs)) + ")")
	}
	if s.tree {
		left += st.muted.Render(" · tree")
	}
	right := st.muted.Render("/ filter  n new")
	switch {
	case s.naming:
		s.name.Width = max(s.w/2, 10)
		right = st.label.Render("New organization: ") + s.name.View()
	case s.filtering:
		s.filter.Width = max(s.w/3, 10)
		right = st.label.Render("/ ") + s.filter.View()
	case s.query != "":
		right = st.label.Render("filter: ") + st.value.Render(cut(sanitizeLine(s.query), s.w/3)) + st.muted.Render("  esc clears")
	}
	b.WriteString(joinRight(left, right+" ", s.w) + "\n\n")
	nw, dw, pw, mw, sw := s.columns()
	b.WriteString(st.colHead.Render("  " + fit("NAME", nw) + " " + fit("DOMAINS", dw) + " " + fit("PARENT", pw) + " " +
		fitLeft("MEMBERS", mw) + " " + fit("STATE", sw)))
	switch {
	case s.err != nil:
		b.WriteString("\n  " + st.errText.Render(cut(sanitizeLine(s.err.Error()), s.w-4)))
		return b.String()
	case !s.loaded:
		b.WriteString("\n  " + st.muted.Render("Loading…"))
		return b.String()
	case len(s.shown) == 0 && s.query != "":
		b.WriteString("\n  " + st.muted.Render("No organization matches "+sanitizeLine(s.query)+"."))
		return b.String()
	case len(s.shown) == 0:
		b.WriteString("\n  " + st.muted.Render("No organizations yet. Press n to create one."))
		return b.String()
	}
	for i := s.top; i < len(s.shown) && i < s.top+s.rowsShown(); i++ {
		m := s.shown[i]
		o := s.orgs[m.i]
		sel := i == s.cursor
		base := st.row
		marker := "  "
		if sel {
			base, marker = st.rowSel, "› "
		}
		if !o.Active && !sel {
			base = st.disabled
		}
		name := sanitizeLine(o.Name)
		pos := m.pos
		if d := s.depth[o.ID]; d > 0 {
			name, pos = orgTreeName(name, d), nil
		}
		if name != o.Name || ansiWidth(name) > nw {
			pos = nil
		}
		nameCell := highlight(fit(name, nw), pos, base, st.match)
		state := "active"
		if !o.Active {
			state = "inactive"
		}
		rest := " " + fit(sanitizeLine(strings.Join(o.Domains, ", ")), dw) + " " + fit(sanitizeLine(o.Parent), pw) + " " +
			fitLeft(thousands(o.Members), mw) + " " + fit(state, sw)
		b.WriteString("\n" + base.Render(marker) + nameCell + base.Render(rest))
	}
	if len(s.shown) > 0 {
		b.WriteString("\n" + st.muted.Render("  "+thousands(s.cursor+1)+" of "+thousands(len(s.shown))))
	}
	return b.String()
}

func (s *orgsScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	switch {
	case s.naming:
		return []key.Binding{keyHelp(k.Open, "create"), keyHelp(k.Back, "cancel")}
	case s.filtering:
		return []key.Binding{k.SelUp, k.SelDown, keyHelp(k.Open, "done"), k.Cancel}
	}
	return []key.Binding{k.Open, k.Filter, s.c.gate(keyHelp(k.New, "new organization"), domain.PermOrgsWrite), k.TreeView}
}

func (s *orgsScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.Filter, k.Cancel, s.c.gate(keyHelp(k.New, "new organization"), domain.PermOrgsWrite), k.TreeView},
	}
}
