package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/rivo/uniseg"

	"helpdesk/domain"
)

// frameSizes are the window sizes every layout is checked at: the smallest
// the console accepts, the classic terminal, a laptop, a wide monitor.
var frameSizes = [][2]int{{60, 16}, {80, 24}, {120, 40}, {200, 60}}

// wideNames are names and text whose cells a rune count or a narrow table
// gets wrong: two-cell emoji (some in U+2010–U+2BFF), a skin tone, CJK,
// combining marks, a zero-width joiner sequence.
var wideNames = []struct{ email, name string }{
	{"ann.lee@acme.com", "Ann ✅ Lee ⚡⚡"},
	{"taro.yamada@acme.com", "山田太郎 ⌚⭐"},
	{"jose.zoe@acme.com", "Jose\u0301 Zoe\u0301 Rene\u0301e"},
	{"dev.coder@acme.com", "👩\u200d💻 Dev 👍🏽 Coder"},
}

// wideDesk is a desk whose users, organization, conversation and history
// hold wide text.
func wideDesk(t *testing.T) (*domain.Desk, []domain.ID, domain.ID, domain.ID) {
	t.Helper()
	desk := newTestDesk(t, 20)
	org, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "山田商事 ✅ 👩\u200d💻 Ltd", Notes: "Key account ⭐⭐ since 2019, e\u0301te\u0301 office 東京."})
	if err != nil {
		t.Fatal(err)
	}
	var ids []domain.ID
	for _, w := range wideNames {
		u, err := desk.CreateUser(testActor, domain.UserInput{Email: w.email, Name: w.name, Org: org.Name,
			Notes: "Prefers ✅ replies ⚡ fast; 山田 office; 👍🏽", Mail: "none"})
		if err != nil {
			t.Fatalf("create %s: %v", w.name, err)
		}
		ids = append(ids, u.ID)
		// A change with wide text on both sides, for the history rows.
		renamed := w.name + " ⌚ 山田"
		if _, err := desk.UpdateUser(testActor, u.ID, 0, domain.UserPatch{Name: &renamed}); err != nil {
			t.Fatal(err)
		}
	}
	c, _, err := desk.NewConversation(testActor, domain.ConvInput{RequesterID: ids[0],
		Subject: "Printer ✅ jams ⚡ in 山田 office 👩\u200d💻", Body: "It jams ⌚⭐ every morning 👍🏽; e\u0301 東京 ✅✅✅ " + strings.Repeat("⚡", 80)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Reply(testActor, c.ID, "Fixed ✅ 山田太郎 👩\u200d💻 — e\u0301 ⭐", false); err != nil {
		t.Fatal(err)
	}
	return desk, ids, org.ID, c.ID
}

// assertCells checks a frame with a measure independent of the console's
// own width function (uniseg): exactly h lines of exactly w cells, and
// box borders (│ ╭ ╮ ╰ ╯ on the same frame) in matching columns.
func assertCells(t *testing.T, where, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%s: frame has %d lines, want %d:\n%s", where, len(lines), h, view)
	}
	for i, l := range lines {
		if got := uniseg.StringWidth(l); got != w {
			t.Fatalf("%s: line %d is %d cells, want %d:\n%s", where, i, got, w, view)
		}
	}
	// A box: its top corner's column is where every side and the bottom
	// corner of the lines below must be.
	for i, l := range lines {
		left := strings.Index(l, "╭")
		if left < 0 {
			continue
		}
		col := uniseg.StringWidth(l[:left])
		for j := i + 1; j < len(lines); j++ {
			cell := cellAt(lines[j], col)
			if cell == "╰" {
				break
			}
			if cell != "│" {
				t.Fatalf("%s: box at line %d column %d: line %d has %q there, not │:\n%s", where, i, col, j, cell, view)
			}
		}
	}
}

// cellAt is the grapheme drawn at cell col of l ("" inside a wide one).
func cellAt(l string, col int) string {
	at := 0
	g := uniseg.NewGraphemes(l)
	for g.Next() {
		if at == col {
			return g.Str()
		}
		at += g.Width()
		if at > col {
			return ""
		}
	}
	return ""
}

// TestWideTextKeepsFrames feeds wide text through users, an organization,
// a conversation and the new user form, on every screen, at the four
// sizes: no line may be wider or narrower than the window, and boxes keep
// their borders aligned.
func TestWideTextKeepsFrames(t *testing.T) {
	desk, users, org, conv := wideDesk(t)
	for _, size := range frameSizes {
		w, h := size[0], size[1]
		d := newDriver(t, desk, w, h)
		k := d.m.c.keys
		press := func(b key.Binding) { d.keys(b.Keys()[0]) }
		// check: the frame fits, and it is the screen meant (it shows
		// the words), so a key that went astray cannot pass unseen.
		check := func(where string, words ...string) {
			t.Helper()
			assertCells(t, where, d.view(), w, h)
			d.mustShow(words...)
		}
		// home leaves every pushed screen, form and dialog.
		home := func() {
			t.Helper()
			for i := 0; len(d.m.stack) > 0 || d.m.dlg != nil || d.m.active().Capturing(); i++ {
				if i == 10 {
					t.Fatalf("cannot leave %s:\n%s", d.m.active().Title(), d.view())
				}
				if d.m.dlg != nil {
					d.keys("y")
				} else {
					d.keys("esc")
				}
			}
		}
		d.keys("end")
		check("users", "Ann")
		// Typed text with wide characters in the filter.
		press(k.Filter)
		d.keys("✅⚡山田👩\u200d💻e\u0301")
		check("users filter", "✅⚡山田")
		home()
		for i, id := range users {
			d.send(openUserMsg{id: id})
			check("user", wideNames[i].email)
			d.keys("end")
			check("user history end", wideNames[i].email)
			press(k.Edit)
			d.keys("ctrl+x", "⌚⭐ 山田太郎 👍🏽 e\u0301")
			check("user edit", "⌚⭐ 山田太郎")
			home()
		}
		press(k.New)
		d.keys("ann.le@acme.com")
		check("new user near match", "ann.lee@acme.com")
		d.keys("tab", "Ann ✅ Le ⚡⚡ 山田 👩\u200d💻 e\u0301")
		check("new user name", "Ann ✅ Le ⚡⚡")
		home()
		d.send(openOrgMsg{id: org})
		check("org", "Key account ⭐⭐")
		d.keys("end")
		check("org end", "Members")
		home()
		d.send(openConvMsg{id: conv})
		check("conversation", "Printer ✅")
		press(k.Reply)
		d.keys("Thanks ✅ 山田 👩\u200d💻 e\u0301 ⭐⚡")
		check("reply", "Thanks ✅ 山田")
		home()
		press(k.TabOrgs)
		check("orgs", "山田商事")
		press(k.TabAudit)
		check("audit", "user.update")
		press(k.Inbox)
		check("inbox", "Printer")
		home()
		press(k.TabAudit)
		press(k.Outbox)
		check("outbox", "Outbox")
		home()
		press(k.TabUsers)
		press(k.HelpAnywhere)
		check("help", "Keys: Users")
	}
}
