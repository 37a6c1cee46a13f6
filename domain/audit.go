package domain

import "time"

// Subject kinds an audit entry can be about.
const (
	SubjectUser = "user"
	SubjectOrg  = "org"
)

// Change is one field's value before and after an action.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// AuditEntry records who did what to which record, and when. It is written in
// the same transaction as the change it describes.
type AuditEntry struct {
	ID          ID        `json:"id"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"` // "user.create", "user.disable", "org.domain.add", ...
	SubjectKind string    `json:"subject_kind"`
	SubjectID   ID        `json:"subject_id"`
	Subject     string    `json:"subject"` // email or name at the time, for reading without a join
	Changes     []Change  `json:"changes,omitempty"`
	Note        string    `json:"note,omitempty"`
}

// AuditFilter selects entries; zero fields match everything.
type AuditFilter struct {
	SubjectKind string
	SubjectID   ID
	Actor       string
}

func (f AuditFilter) match(e AuditEntry) bool {
	return (f.SubjectKind == "" || f.SubjectKind == e.SubjectKind) &&
		(f.SubjectID == 0 || f.SubjectID == e.SubjectID) &&
		(f.Actor == "" || f.Actor == e.Actor)
}

// Match reports whether an entry passes the filter.
func (f AuditFilter) Match(e AuditEntry) bool { return f.match(e) }

// diffUser lists the fields that differ between two versions of a user.
func diffUser(before, after User, orgName func(ID) string) []Change {
	var cs []Change
	add := func(field, b, a string) {
		if b != a {
			cs = append(cs, Change{Field: field, Before: b, After: a})
		}
	}
	add("email", before.Email, after.Email)
	add("name", before.Name, after.Name)
	if before.OrgID != after.OrgID {
		add("organization", orgName(before.OrgID), orgName(after.OrgID))
	}
	add("time_zone", before.TimeZone, after.TimeZone)
	add("language", before.Language, after.Language)
	add("phone", before.Phone, after.Phone)
	add("role", string(before.Role), string(after.Role))
	add("state", string(before.State), string(after.State))
	add("notes", before.Notes, after.Notes)
	return cs
}
