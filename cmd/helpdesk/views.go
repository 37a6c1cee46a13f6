package main

import (
	"strings"
	"time"

	"helpdesk/domain"
	"helpdesk/domain/textsafe"
)

// userJSON is the --json shape of a user: a contract with scripts, so its
// fields are exactly these.
type userJSON struct {
	ID           domain.ID `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Organization string    `json:"organization"`
	TimeZone     string    `json:"time_zone"`
	Language     string    `json:"language"`
	Phone        string    `json:"phone"`
	Role         string    `json:"role"`
	State        string    `json:"state"`
	CreatedAt    string    `json:"created_at"`
	UpdatedAt    string    `json:"updated_at"`
}

func toUserJSON(u domain.User, org string) userJSON {
	return userJSON{
		ID: u.ID, Email: u.Email, Name: u.Name, Organization: org, TimeZone: u.TimeZone,
		Language: u.Language, Phone: u.Phone, Role: string(u.Role), State: string(u.State),
		CreatedAt: u.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: u.UpdatedAt.UTC().Format(time.RFC3339),
	}
}

type orgJSON struct {
	ID        domain.ID `json:"id"`
	Name      string    `json:"name"`
	Domains   []string  `json:"domains"`
	Parent    string    `json:"parent"`
	Active    bool      `json:"active"`
	Notes     string    `json:"notes"`
	Members   int       `json:"members"`
	CreatedAt string    `json:"created_at"`
	UpdatedAt string    `json:"updated_at"`
}

func toOrgJSON(o domain.OrgSummary) orgJSON {
	domains := o.Domains
	if domains == nil {
		domains = []string{}
	}
	return orgJSON{
		ID: o.ID, Name: o.Name, Domains: domains, Parent: o.Parent, Active: o.Active, Notes: o.Notes,
		Members: o.Members, CreatedAt: o.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: o.UpdatedAt.UTC().Format(time.RFC3339),
	}
}

// orgNames caches organization names by id while a command prints users.
type orgNames struct {
	desk  *domain.Desk
	names map[domain.ID]string
}

func newOrgNames(d *domain.Desk) *orgNames { return &orgNames{desk: d, names: map[domain.ID]string{}} }

func (c *orgNames) name(id domain.ID) string {
	if id == 0 {
		return ""
	}
	n, ok := c.names[id]
	if !ok {
		n = c.desk.OrgName(id)
		c.names[id] = n
	}
	return n
}

// oneLine keeps a table cell on one line, its runs of spaces folded, and
// free of terminal control sequences (textsafe.Line), whatever a name or
// an SMTP server's reply holds.
func oneLine(s string, limit int) string {
	s = strings.Join(strings.Fields(textsafe.Line(s)), " ")
	if limit > 0 && len([]rune(s)) > limit {
		s = string([]rune(s)[:limit-1]) + "…"
	}
	return s
}
