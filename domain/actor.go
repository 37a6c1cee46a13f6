package domain

// Actor is who performs a use-case; its name goes into every audit entry
// and into UpdatedBy, so a conflict can say who changed a record.
type Actor struct {
	Name string
}

// String is the actor's name as the audit trail shows it.
func (a Actor) String() string {
	if a.Name == "" {
		return "unknown"
	}
	return a.Name
}
