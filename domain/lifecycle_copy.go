package domain

import "strings"

// CopyOptions choose what a copy of an organization carries besides its
// name. Users and domains are never copied: a domain belongs to one
// organization, and users stay where they are.
type CopyOptions struct {
	Parent    bool // under the same parent
	Agreement bool // the same agreement (title, text and version)
	Notes     bool // the same notes
}

// CopyOrg creates a new, inactive organization named newName from another
// one, carrying what opts chose; activate it when it is ready. Audited as
// org.create with a note naming the source.
func (d *Desk) CopyOrg(actor Actor, orgID ID, newName string, opts CopyOptions) (Organization, error) {
	if err := actor.require(PermOrgsWrite); err != nil {
		return Organization{}, err
	}
	name, err := parseOrgName(newName)
	if err != nil {
		return Organization{}, err
	}
	var o Organization
	err = d.update(func(tx Tx, c *commit) error {
		src, err := loadOrg(tx, orgID, 0)
		if err != nil {
			return err
		}
		if err := ensureNameFree(tx, name, 0); err != nil {
			return err
		}
		now := d.clock()
		o = Organization{Name: name, Active: false, Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: actor.String()}
		var carried []string
		if opts.Parent && src.ParentID != 0 {
			o.ParentID = src.ParentID
			carried = append(carried, "parent")
		}
		if opts.Agreement && src.Agreement != nil {
			a := *src.Agreement
			a.SetAt, a.SetBy = now, actor.String()
			o.Agreement = &a
			carried = append(carried, "agreement "+a.Label())
		}
		if opts.Notes && src.Notes != "" {
			o.Notes = src.Notes
			carried = append(carried, "notes")
		}
		if err := tx.PutOrg(&o); err != nil {
			return err
		}
		c.event(SubjectOrg, o.ID)
		note := "copy of " + src.Name + ", inactive; no users or domains"
		if len(carried) > 0 {
			note = "copy of " + src.Name + " with its " + strings.Join(carried, ", ") + "; inactive; no users or domains"
		}
		return audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "org.create", SubjectKind: SubjectOrg,
			SubjectID: o.ID, Subject: o.Name, Changes: diffOrg(Organization{}, o, orgNamer(tx)), Note: note,
		})
	})
	return o, err
}
