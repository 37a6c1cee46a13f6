package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

func (a *app) orgBrandCommand() *cobra.Command {
	var slug, title, color, logo string
	var noLogo bool
	cmd := &cobra.Command{
		Use:   "brand NAME [--title T] [--color #RRGGBB] [--logo FILE.png|FILE.svg] [--slug SLUG] [--no-logo]",
		Short: "Set how an organization's sign-in page looks: title, accent colour, logo",
		Long: `Set an organization's sign-in branding: the portal page
<portal>/signin?branding=SLUG shows its title, accent colour and logo.

The slug defaults to one made from the organization's name. The logo is a
PNG or an SVG of at most 200 KB; an SVG that could run script is refused.
Flags not given keep their value; an empty --title or --color removes it,
--no-logo removes the logo. Needs the orgs.write permission.`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			var in domain.BrandInput
			if f.Changed("slug") {
				in.Slug = &slug
			}
			if f.Changed("title") {
				in.Title = &title
			}
			if f.Changed("color") {
				in.Color = &color
			}
			if f.Changed("logo") && noLogo {
				return usagef("--logo and --no-logo contradict each other: give one")
			}
			in.ClearLogo = noLogo
			if f.Changed("logo") {
				if logo == "" {
					return usagef("--logo needs a file (- reads standard input); --no-logo removes the logo")
				}
				b, err := readLogo(a, logo)
				if err != nil {
					return err
				}
				in.Logo = b
			}
			return a.withDesk(func(s *session) error {
				o, err := s.desk.OrgByName(args[0])
				if err != nil {
					return err
				}
				name := o.Name
				o, err = s.desk.SetBranding(a.actor(), o.ID, in)
				if err != nil {
					return fmt.Errorf("cannot brand %s: %w", name, err)
				}
				printf(cmd, "Sign-in branding of %s:\n", o.Name)
				b := o.Brand
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				for _, row := range [][2]string{
					{"slug", b.Slug}, {"title", orNone(b.Title)}, {"color", orNone(b.Color)},
					{"logo", logoLabel(*b)}, {"sign-in", signInURL(s.desk, b.Slug)},
				} {
					cellf(tw, "  %s:\t%s\n", row[0], row[1])
				}
				return tw.Flush()
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&slug, "slug", "", "the name in the sign-in link, e.g. acme-europe (default: made from the organization's name)")
	fl.StringVar(&title, "title", "", "title on the sign-in page (empty: none)")
	fl.StringVar(&color, "color", "", "accent colour, #RRGGBB (empty: the portal's own)")
	fl.StringVar(&logo, "logo", "", "logo file, PNG or SVG of at most 200 KB (- reads standard input)")
	fl.BoolVar(&noLogo, "no-logo", false, "remove the logo")
	return cmd
}

// readLogo reads a logo file, or standard input for "-", reading no more
// than a logo may hold (and one byte more, for the domain to refuse).
func readLogo(a *app, name string) ([]byte, error) {
	var r io.Reader = a.in
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", name, unwrapPath(err))
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Size() > domain.MaxLogoSize {
			return nil, fmt.Errorf("logo: %s is %d KB; a logo may have at most %d KB", name, (fi.Size()+1023)/1024, domain.MaxLogoSize/1024)
		}
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, domain.MaxLogoSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, unwrapPath(err))
	}
	if len(b) > domain.MaxLogoSize {
		return nil, fmt.Errorf("logo: more than %d KB; a logo may have at most %d KB", domain.MaxLogoSize/1024, domain.MaxLogoSize/1024)
	}
	return b, nil
}

// logoLabel is "image/png, 1234 bytes" or "none".
func logoLabel(b domain.Branding) string {
	if b.LogoType == "" {
		return "none"
	}
	return fmt.Sprintf("%s, %d bytes", b.LogoType, b.LogoSize)
}

// signInURL is the branded sign-in page on the portal.
func signInURL(d *domain.Desk, slug string) string {
	return strings.TrimRight(d.PortalURL(), "/") + "/signin?branding=" + url.QueryEscape(slug)
}

// brandingRows are org show's lines for an organization's branding, none
// when it has none.
func brandingRows(d *domain.Desk, o domain.Organization) [][2]string {
	b := o.Brand
	if b == nil {
		return nil
	}
	parts := []string{b.Slug}
	if b.Title != "" {
		parts = append(parts, fmt.Sprintf("title %q", b.Title))
	}
	if b.Color != "" {
		parts = append(parts, "color "+b.Color)
	}
	if b.LogoType != "" {
		parts = append(parts, "logo "+logoLabel(*b))
	}
	return [][2]string{{"branding", strings.Join(parts, ", ")}, {"sign-in", signInURL(d, b.Slug)}}
}
