package domain

// Sendable is a queued message as the worker would send it: composed with
// the settings in force, the link with its token included. Tests read
// links the way a customer does, from the mail.
func (d *Desk) Sendable(id ID) OutboxMessage {
	var m OutboxMessage
	_ = d.store.View(func(tx Tx) error {
		var err error
		if m, err = tx.Message(id); err != nil {
			return err
		}
		s, err := tx.Settings()
		m = d.composeForSending(m, s)
		return err
	})
	return m
}
