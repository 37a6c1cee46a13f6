package web

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The portal's fixed texts are written in English in the templates
// ({{$.T "Sign in"}}) and in the handlers (s.tr(r, "Saved.")); the English
// text is the key of every message catalogue. A catalogue is one file,
// catalog_LANG.go, whose init calls addCatalog: adding a language is
// adding a file. A text missing from a catalogue shows in English.

// catalogs are the translations by language, English being the keys.
var catalogs = map[language.Tag]map[string]string{}

// addCatalog registers a language's translations; called from the init of
// a catalog_*.go file.
func addCatalog(tag language.Tag, msgs map[string]string) {
	catalogs[tag] = msgs
}

// locales is what the catalogues give at run time, built once.
var locales = sync.OnceValue(func() localeSet {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	tags := []language.Tag{language.English}
	for tag, msgs := range catalogs {
		tags = append(tags, tag)
		for key, msg := range msgs {
			if err := b.SetString(tag, key, msg); err != nil {
				panic("web: catalogue " + tag.String() + ": " + err.Error())
			}
		}
	}
	slices.SortFunc(tags[1:], func(a, b language.Tag) int { return strings.Compare(a.String(), b.String()) })
	return localeSet{cat: b, tags: tags, matcher: language.NewMatcher(tags)}
})

type localeSet struct {
	cat     *catalog.Builder
	tags    []language.Tag // English first: what a visitor gets when nothing matches
	matcher language.Matcher
}

// locale is how one visitor reads the portal: the language's printer and
// the time zone.
type locale struct {
	tag language.Tag
	p   *message.Printer
	loc *time.Location
}

// pickLanguage is the catalogue for a visitor: their own language when
// they set one, else what the browser asks for (Accept-Language), else the
// desk's default language, else English.
func pickLanguage(own, acceptLanguage, deskDefault string) language.Tag {
	ls := locales()
	var prefs []language.Tag
	if t, err := language.Parse(own); own != "" && err == nil {
		prefs = append(prefs, t)
	} else if ts, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil {
		prefs = append(prefs, ts...)
	}
	if t, err := language.Parse(deskDefault); deskDefault != "" && err == nil {
		prefs = append(prefs, t)
	}
	_, i, conf := ls.matcher.Match(prefs...)
	if conf == language.No {
		return ls.tags[0]
	}
	return ls.tags[i]
}

// browserLanguage is the catalogue language the browser asks for
// (Accept-Language), if the portal has one it asks for.
func browserLanguage(acceptLanguage string) (language.Tag, bool) {
	ts, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(ts) == 0 {
		return language.Tag{}, false
	}
	ls := locales()
	_, i, conf := ls.matcher.Match(ts...)
	if conf == language.No {
		return language.Tag{}, false
	}
	return ls.tags[i], true
}

// locale is the visitor's: the signed-in customer's language and time
// zone, the browser's language for a visitor who is not signed in, the
// desk's default language, and UTC when no zone is known.
func (s *server) locale(r *http.Request) locale {
	var own, zone string
	if v, ok := visitorOf(r); ok {
		own, zone = v.user.Language, v.user.TimeZone
	}
	deskDefault := ""
	if st, err := s.desk.DeskSettings(); err == nil {
		deskDefault = st.Language
	}
	tag := pickLanguage(own, r.Header.Get("Accept-Language"), deskDefault)
	loc := time.UTC
	if zone != "" {
		if l, err := time.LoadLocation(zone); err == nil {
			loc = l
		}
	}
	return locale{tag: tag, p: newPrinter(locales(), tag), loc: loc}
}

func newPrinter(ls localeSet, tag language.Tag) *message.Printer {
	return message.NewPrinter(tag, message.Catalog(ls.cat))
}

// tr is a fixed sentence of a handler in the visitor's language.
func (s *server) tr(r *http.Request, key string, args ...any) string {
	return s.locale(r).p.Sprintf(key, args...)
}

// say is an error as a sentence in the visitor's language: the domain's
// fixed sentences (a failed sign-in, a dead link) are in the catalogues,
// and a sentence that is not (one naming a value) stays as the domain
// wrote it.
func (s *server) say(r *http.Request, err error) string {
	return translated(s.locale(r).tag, sentence(err))
}

// translated is a text's exact translation, or the text itself; it never
// reads the text as a format, so a value holding "%" shows as typed.
func translated(tag language.Tag, text string) string {
	if msg, ok := catalogs[tag][text]; ok {
		return msg
	}
	return text
}

// months are the short month names, translated as keys of their own.
var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// formatTime is a moment in a zone, saying which: "3 Dec 2026 15:04 CET".
func (l locale) formatTime(t time.Time) string {
	loc := l.loc
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if l.p == nil {
		return t.Format("2 Jan 2006 15:04 MST")
	}
	return l.p.Sprintf(dateFormat, t.Day(), translated(l.tag, months[t.Month()-1]), t.Format("2006"), t.Format("15:04 MST"))
}

// dateFormat is day, month, year and the time with its zone; a catalogue
// may order them as its language does.
const dateFormat = "%[1]d %[2]s %[3]s %[4]s"
