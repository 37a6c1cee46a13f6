package domain

import (
	"bytes"
	"regexp"
	"strings"
)

// Branding is how an organization's sign-in page looks: the page at
// /signin?branding=SLUG shows its title, accent colour and logo.
type Branding struct {
	Slug  string `json:"slug"`
	Title string `json:"title,omitempty"`
	// Color is the accent, "#RRGGBB" in lower case.
	Color string `json:"color,omitempty"`
	// LogoType is the logo's content type (image/png or image/svg+xml), ""
	// when there is no logo.
	LogoType string `json:"logo_type,omitempty"`
	LogoSize int    `json:"logo_size,omitempty"`
}

// MaxLogoSize is the largest logo an organization may have.
const MaxLogoSize = 200 * 1024

// BrandInput changes an organization's branding; nil fields keep their
// value. Logo, when set, replaces the logo (its type is read from its
// bytes); ClearLogo removes it.
type BrandInput struct {
	Slug, Title, Color *string
	Logo               []byte
	ClearLogo          bool
}

var (
	colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	svgEventAttr = regexp.MustCompile(`\son[a-z]+\s*=`)
)

// Slugify makes a branding slug from a name: lower-case ASCII letters and
// digits, words joined by "-".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

func parseSlug(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 60 || Slugify(s) != s {
		return "", invalid("slug", "%q is not a slug: use lower-case letters, digits and single dashes, such as acme-europe", s)
	}
	return s, nil
}

// logoType names a logo's content type from its bytes: PNG or SVG, and
// refuses anything else, or an SVG that could run script.
func logoType(b []byte) (string, error) {
	if len(b) == 0 {
		return "", invalid("logo", "the file is empty")
	}
	if len(b) > MaxLogoSize {
		return "", invalid("logo", "is %d KB; a logo may have at most %d KB", (len(b)+1023)/1024, MaxLogoSize/1024)
	}
	if bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return "image/png", nil
	}
	lower := bytes.ToLower(b)
	if bytes.Contains(lower, []byte("<svg")) {
		for _, bad := range []string{"<script", "javascript:", "<foreignobject", "<!entity", "<iframe", "<embed", "<object"} {
			if bytes.Contains(lower, []byte(bad)) {
				return "", invalid("logo", "the SVG holds %s; a logo may not run script or load other documents", bad)
			}
		}
		if svgEventAttr.Match(lower) {
			return "", invalid("logo", "the SVG has an event attribute (on...=); a logo may not run script")
		}
		return "image/svg+xml", nil
	}
	return "", invalid("logo", "is neither a PNG nor an SVG image")
}

// SetBranding changes an organization's sign-in branding (orgs.write).
// The slug defaults to one made from the name. Audited as org.brand.
func (d *Desk) SetBranding(actor Actor, orgID ID, in BrandInput) (Organization, error) {
	if err := actor.require(PermOrgsWrite); err != nil {
		return Organization{}, err
	}
	var ctype string
	if in.Logo != nil {
		var err error
		if ctype, err = logoType(in.Logo); err != nil {
			return Organization{}, err
		}
	}
	var o Organization
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadOrg(tx, orgID, 0)
		if err != nil {
			return err
		}
		o = before
		b := Branding{Slug: Slugify(before.Name)}
		if before.Brand != nil {
			b = *before.Brand
		}
		if in.Slug != nil {
			if b.Slug, err = parseSlug(*in.Slug); err != nil {
				return err
			}
		}
		if b.Slug == "" {
			return invalid("slug", "the name %q gives no slug; give one with --slug", before.Name)
		}
		if owner, err := tx.OrgIDBySlug(b.Slug); err == nil && owner != orgID {
			return invalid("slug", "%q is the branding of %s already; choose another with --slug", b.Slug, orgNamer(tx)(owner))
		} else if err != nil && !IsNotFound(err) {
			return err
		}
		if in.Title != nil {
			if b.Title, err = cleanText("title", *in.Title, maxName, false); err != nil {
				return err
			}
		}
		if in.Color != nil {
			col := strings.TrimSpace(*in.Color)
			if col != "" && !colorPattern.MatchString(col) {
				return invalid("color", "%q is not a colour such as #0055aa", col)
			}
			b.Color = strings.ToLower(col)
		}
		switch {
		case in.Logo != nil:
			if err := tx.PutLogo(orgID, in.Logo); err != nil {
				return err
			}
			b.LogoType, b.LogoSize = ctype, len(in.Logo)
		case in.ClearLogo:
			if err := tx.PutLogo(orgID, nil); err != nil {
				return err
			}
			b.LogoType, b.LogoSize = "", 0
		}
		o.Brand = &b
		return d.saveOrg(tx, c, actor, before, &o, "org.brand", "sign-in branding "+b.Slug)
	})
	return o, err
}

// BrandBySlug returns the organization whose sign-in branding has the
// slug, or an error satisfying IsNotFound.
func (d *Desk) BrandBySlug(slug string) (Organization, error) {
	var o Organization
	err := d.store.View(func(tx Tx) error {
		id, err := tx.OrgIDBySlug(strings.ToLower(strings.TrimSpace(slug)))
		if err != nil {
			return err
		}
		o, err = tx.Org(id)
		return err
	})
	return o, err
}

// Logo returns an organization's logo and its content type.
func (d *Desk) Logo(orgID ID) (string, []byte, error) {
	var ctype string
	var b []byte
	err := d.store.View(func(tx Tx) error {
		o, err := tx.Org(orgID)
		if err != nil {
			return err
		}
		if o.Brand == nil || o.Brand.LogoType == "" {
			return notFound("%s has no logo", o.Name)
		}
		ctype = o.Brand.LogoType
		raw, err := tx.Logo(orgID)
		b = bytes.Clone(raw)
		return err
	})
	return ctype, b, err
}
