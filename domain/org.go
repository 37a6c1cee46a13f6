package domain

import (
	"strings"
	"time"
)

// Organization groups users, usually a customer company. Settings on a parent
// apply to its children.
type Organization struct {
	ID       ID       `json:"id"`
	Name     string   `json:"name"`
	Domains  []string `json:"domains,omitempty"` // normalized, sorted
	ParentID ID       `json:"parent_id,omitempty"`
	Active   bool     `json:"active"`
	Notes    string   `json:"notes,omitempty"`
	// Agreement is the terms the users of this organization, and of the
	// organizations under it that have none of their own, must accept.
	Agreement *Agreement `json:"agreement,omitempty"`
	// Brand is the organization's sign-in page look (branding.go); its
	// logo's bytes are stored apart, by organization id.
	Brand *Branding `json:"brand,omitempty"`

	Version   uint64    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// NameKey is the uniqueness key of an organization's name.
func NameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// OrgInput is a new organization. Parent is a name; empty means top level.
type OrgInput struct {
	Name    string
	Domains []string
	Parent  string
	Notes   string
	// Inactive starts the organization inactive; the zero value is active.
	Inactive bool
}

// OrgPatch is a partial update; nil fields are left as they are. Parent set
// to a pointer to "" makes the organization top level.
type OrgPatch struct {
	Name   *string
	Parent *string
	Notes  *string
	Active *bool
}

// DomainPreview is what adding a domain to an organization would do: the
// users without an organization whose email is at that domain (or below it).
type DomainPreview struct {
	Org    Organization
	Domain string
	Users  []User // those that would move (backfill)
	// AlreadyAdded: the organization had the domain before this call.
	AlreadyAdded bool
	// Moved is true when Users were moved to the organization.
	Moved bool
}
