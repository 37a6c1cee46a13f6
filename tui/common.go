package tui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// common is what every screen and component shares: the service, who is
// acting, the theme and the keys, plus the few caches that several screens
// read. One value per session (per SSH connection later), handed down by
// pointer instead of living in globals.
type common struct {
	desk  *domain.Desk
	actor domain.Actor
	st    *styles
	keys  *keyMap
	loc   *time.Location
	orgs  orgNames
	// prefs are the agent's own settings (Options.Prefs), checked by
	// ParsePrefs; the key map and the styles are already built from them.
	prefs Prefs
	// mailHeld says why this process sends no mail (domain.NoTransport),
	// "" when it does: the words of a queued message's state.
	mailHeld string
	// demoUsers is how many users the welcome screen's demo load creates.
	demoUsers int
	// req numbers requests so that a reply to an older one (an earlier
	// keystroke's suggestions, a page asked for before the filter changed)
	// can be recognised and dropped. Update runs on one goroutine, so a
	// plain counter is enough.
	req uint64
	// outbox holds the messages screens posted during one Update.
	outbox []tea.Msg

	// me is the agent this session stands for: the actor's agent over
	// SSH, the agent a local console names (--agent), else 0.
	me domain.ID
	// now is the clock of what the console times itself (a double click);
	// tests set it. nil is time.Now.
	now func() time.Time
}

// post queues a message for the root to handle as soon as the current
// Update returns, before the next key: "open this user" or "ask to confirm"
// must take effect before a key typed right after it arrives. As a
// tea.Cmd the message would travel through a goroutine, and keys already
// queued would reach the old screen first.
func (c *common) post(msg tea.Msg) tea.Cmd {
	c.outbox = append(c.outbox, msg)
	return nil
}

// refuse is nil when the session's actor holds p; otherwise it puts the
// Desk's own refusal on the status line, naming the permission. The Desk
// checks again inside every use-case: this only saves the agent from
// filling in a form that cannot be saved.
func (c *common) refuse(p domain.Perms) tea.Cmd {
	if c.actor.Can(p) {
		return nil
	}
	return errStatus("", &domain.PermissionError{Actor: c.actor.String(), Needed: p})
}

// gate hides a key from the help when the actor may not use it. The key
// still answers (refuse), so one pressed from habit says why nothing
// happens instead of doing nothing.
func (c *common) gate(b key.Binding, p domain.Perms) key.Binding {
	if !c.actor.Can(p) {
		b.SetEnabled(false)
	}
	return b
}

func (c *common) nextReq() uint64 {
	c.req++
	return c.req
}

// when formats a time in the session's zone, to the minute: seconds add
// noise to lists an agent scans.
func (c *common) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(c.loc).Format("2006-01-02 15:04")
}

// orgNames caches organization names (sanitized) by id. Lists of a million
// users name the organization of each visible row; there are few
// organizations, so one small map read at start and on every organization
// change beats a lookup per row.
type orgNames struct {
	byID  map[domain.ID]string
	names []string // sorted, for the organization picker
}

func (o orgNames) name(id domain.ID) string {
	if id == 0 {
		return ""
	}
	if n, ok := o.byID[id]; ok {
		return n
	}
	return "#" + itoa(int(id))
}

func newOrgNames(raw map[domain.ID]string) orgNames {
	o := orgNames{byID: make(map[domain.ID]string, len(raw))}
	for id, n := range raw {
		o.byID[id] = sanitizeLine(n)
		o.names = append(o.names, raw[id])
	}
	slices.SortFunc(o.names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return o
}
