package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"helpdesk/domain"
)

// brandView is an organization's sign-in branding as the page shows it.
type brandView struct {
	Slug       string
	Title      string
	Logo       bool
	Stylesheet bool
}

func (b *brandView) slug() string {
	if b == nil {
		return ""
	}
	return b.Slug
}

var accentPattern = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// brandOrg finds the organization whose branding has the slug; false when
// none has (a store failure is logged and counts as none: the plain page
// still works).
func (s *server) brandOrg(r *http.Request, slug string) (domain.Organization, bool) {
	slug = strings.TrimSpace(slug)
	if slug == "" || len(slug) > 100 {
		return domain.Organization{}, false
	}
	o, err := s.desk.BrandBySlug(slug)
	if err != nil {
		if !domain.IsNotFound(err) {
			s.logf(r, "find branding: %v", err)
		}
		return domain.Organization{}, false
	}
	if o.Brand == nil || o.Brand.Slug == "" {
		return domain.Organization{}, false
	}
	return o, true
}

// brand is the branding for a sign-in page, nil for the plain page.
func (s *server) brand(r *http.Request, slug string) *brandView {
	o, ok := s.brandOrg(r, slug)
	if !ok {
		return nil
	}
	b := &brandView{Slug: o.Brand.Slug, Title: o.Brand.Title, Logo: o.Brand.LogoType != "",
		Stylesheet: accentPattern.MatchString(o.Brand.Color)}
	if strings.TrimSpace(b.Title) == "" {
		b.Title = o.Name
	}
	return b
}

func (s *server) stylesheet(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Content-Length", strconv.Itoa(len(styleCSS)))
	_, _ = w.Write(styleCSS)
}

// brandStylesheet is /brand/SLUG.css: the organization's accent colour, a
// stylesheet so the pages need no inline style.
func (s *server) brandStylesheet(w http.ResponseWriter, r *http.Request) {
	slug, ok := strings.CutSuffix(r.PathValue("file"), ".css")
	o, found := s.brandOrg(r, slug)
	if !ok || !found || !accentPattern.MatchString(o.Brand.Color) {
		s.fail(w, r, http.StatusNotFound, nil)
		return
	}
	css := ":root { --accent: " + o.Brand.Color + "; }\n"
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Length", strconv.Itoa(len(css)))
	_, _ = w.Write([]byte(css))
}

// brandLogo is /brand/SLUG/logo. An SVG gets a policy of its own that
// lets it run nothing, even opened on its own.
func (s *server) brandLogo(w http.ResponseWriter, r *http.Request) {
	o, found := s.brandOrg(r, r.PathValue("slug"))
	if !found || o.Brand.LogoType == "" {
		s.fail(w, r, http.StatusNotFound, nil)
		return
	}
	ctype, b, err := s.desk.Logo(o.ID)
	if domain.IsNotFound(err) {
		s.fail(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	h := w.Header()
	switch ctype {
	case "image/png":
	case "image/svg+xml":
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	default:
		s.fail(w, r, http.StatusNotFound, nil)
		return
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
