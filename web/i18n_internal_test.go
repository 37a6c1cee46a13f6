package web

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
	"time"

	"golang.org/x/text/language"

	"helpdesk/domain"
	"helpdesk/store"
)

// templateKeys are the literal keys of every {{$.T "..."}} in the
// portal's templates, by template file.
func templateKeys(t *testing.T) map[string][]string {
	t.Helper()
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v %v", names, err)
	}
	out := map[string][]string{}
	for _, name := range names {
		b, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		set, err := template.New(name).Parse(string(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, tm := range set.Templates() {
			if tm.Tree != nil {
				walkT(tm.Tree.Root, func(key string) { out[name] = append(out[name], key) })
			}
		}
	}
	return out
}

// walkT finds the string arguments of calls to $.T (or .T) in a tree.
func walkT(n parse.Node, found func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkT(c, found)
		}
	case *parse.ActionNode:
		walkT(n.Pipe, found)
	case *parse.IfNode:
		walkT(n.Pipe, found)
		walkT(n.List, found)
		walkT(n.ElseList, found)
	case *parse.RangeNode:
		walkT(n.Pipe, found)
		walkT(n.List, found)
		walkT(n.ElseList, found)
	case *parse.WithNode:
		walkT(n.Pipe, found)
		walkT(n.List, found)
		walkT(n.ElseList, found)
	case *parse.TemplateNode:
		walkT(n.Pipe, found)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkT(c, found)
		}
	case *parse.CommandNode:
		if len(n.Args) >= 2 && isT(n.Args[0]) {
			if s, ok := n.Args[1].(*parse.StringNode); ok {
				found(s.Text)
			}
		}
		for _, a := range n.Args {
			walkT(a, found)
		}
	}
}

func isT(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.VariableNode:
		return len(n.Ident) == 2 && n.Ident[0] == "$" && n.Ident[1] == "T"
	case *parse.FieldNode:
		return len(n.Ident) == 1 && n.Ident[0] == "T"
	}
	return false
}

// handlerKeys are the literal keys of every s.tr(r, "...") in the
// package's Go files.
func handlerKeys(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "tr" {
				return true
			}
			if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					out[f] = append(out[f], s)
				}
			}
			return true
		})
	}
	return out
}

// TestCatalogsCoverEveryText: every fixed text of the portal has a
// translation in every shipped catalogue, so a page added later fails
// here until it is translated.
func TestCatalogsCoverEveryText(t *testing.T) {
	want := map[string][]string{}
	for file, keys := range templateKeys(t) {
		want["templates/"+filepath.Base(file)] = keys
	}
	for file, keys := range handlerKeys(t) {
		want[file] = keys
	}
	for status, msg := range failures {
		want["render.go failures"] = append(want["render.go failures"], msg, http.StatusText(status))
	}
	for _, w := range eventWords {
		want["account.go eventWords"] = append(want["account.go eventWords"], w)
	}
	for _, ch := range domain.Channels {
		want["profile channels"] = append(want["profile channels"], string(ch))
	}
	// Texts templates take from data ({{$.T .State}}, {{$.T .}}).
	for _, st := range domain.States {
		want["account states"] = append(want["account states"], string(st))
	}
	for _, w := range permissionWords {
		want["account.go permissionWords"] = append(want["account.go permissionWords"], w)
	}
	for _, n := range sentNotices {
		want["conversations.go sentNotices"] = append(want["conversations.go sentNotices"], n)
	}
	want["i18n.go"] = append(months[:], dateFormat)
	for _, sentence := range []error{domain.ErrSignInFailed, domain.ErrTokenInvalid} {
		want["domain sentences"] = append(want["domain sentences"], sentence.Error()+".")
	}
	if n := len(want["templates/signin.html"]); n < 5 {
		t.Fatalf("found %d texts in signin.html; the walk is broken", n)
	}
	if n := len(want["auth.go"]); n < 5 {
		t.Fatalf("found %d texts in auth.go; the scan is broken", n)
	}
	files := make([]string, 0, len(want))
	for f := range want {
		files = append(files, f)
	}
	sort.Strings(files)
	for tag, cat := range catalogs {
		for _, f := range files {
			for _, key := range want[f] {
				if _, ok := cat[key]; !ok {
					t.Errorf("%s: %q has no %s translation", f, key, tag)
				}
			}
		}
	}
	if catalogs[language.German] == nil {
		t.Error("no German catalogue")
	}
}

func TestPickLanguage(t *testing.T) {
	for _, c := range []struct{ own, accept, desk, want string }{
		{"de", "en-US", "", "de"},
		{"de-AT", "", "", "de"},
		{"fr", "de", "", "en"}, // the customer's own language, not the browser's
		{"fr", "", "de", "de"}, // no French catalogue: the desk's default
		{"", "de-CH,de;q=0.9,en;q=0.5", "", "de"},
		{"", "fr,en;q=0.5", "de", "en"},
		{"", "fr", "de", "de"},
		{"", "", "de", "de"},
		{"", "", "", "en"},
		{"", "garbage;;q=x", "", "en"},
	} {
		if got := pickLanguage(c.own, c.accept, c.desk); got.String() != c.want {
			t.Errorf("own %q, Accept-Language %q, desk %q: %s, want %s", c.own, c.accept, c.desk, got, c.want)
		}
	}
}

func TestTimeInTheVisitorsZone(t *testing.T) {
	at := time.Date(2026, 12, 3, 14, 4, 0, 0, time.UTC)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	ls := locales()
	for _, c := range []struct {
		tag  language.Tag
		loc  *time.Location
		want string
	}{
		{language.English, berlin, "3 Dec 2026 15:04 CET"},
		{language.English, ny, "3 Dec 2026 09:04 EST"},
		{language.English, nil, "3 Dec 2026 14:04 UTC"},
		{language.German, berlin, "3. Dez. 2026, 15:04 CET"},
	} {
		l := locale{tag: c.tag, loc: c.loc, p: newPrinter(ls, c.tag)}
		if got := (view{l: l}).Time(at); got != c.want {
			t.Errorf("%s in %v: %q, want %q", c.tag, c.loc, got, c.want)
		}
	}
}

// TestLocaleOfTheSignedInCustomer: a signed-in customer's page takes the
// language and time zone from their record; a visitor not signed in gets
// UTC, named.
func TestLocaleOfTheSignedInCustomer(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s := &server{desk: domain.NewDesk(db)}
	at := time.Date(2026, 7, 3, 14, 4, 0, 0, time.UTC)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Language", "en")
	for _, c := range []struct {
		user *domain.User
		want string
	}{
		{nil, "3 Jul 2026 14:04 UTC"},
		{&domain.User{Language: "de", TimeZone: "Europe/Berlin"}, "3. Juli 2026, 16:04 CEST"},
		{&domain.User{TimeZone: "America/Los_Angeles"}, "3 Jul 2026 07:04 PDT"},
		{&domain.User{TimeZone: "Asia/Kolkata", Language: "de-CH"}, "3. Juli 2026, 19:34 IST"},
	} {
		req := r
		if c.user != nil {
			req = r.WithContext(context.WithValue(r.Context(), visitorKey{}, visitor{user: *c.user}))
		}
		if got := s.locale(req).formatTime(at); got != c.want {
			t.Errorf("%+v: %q, want %q", c.user, got, c.want)
		}
	}
}
