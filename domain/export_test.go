package domain

// Sendable is a queued message as a worker would send it now: composed
// with the settings in force, with a link whose token is minted now (the
// previous one of the message dies), as ClaimNext does, but leaving the
// message queued. Tests read links the way a customer does, from the mail.
func (d *Desk) Sendable(id ID) OutboxMessage {
	var m OutboxMessage
	_ = d.update(func(tx Tx, c *commit) error {
		var err error
		if m, err = tx.Message(id); err != nil {
			return err
		}
		s, err := tx.Settings()
		if err != nil {
			return err
		}
		now := d.clock()
		if err := revokeToken(tx, &m, now); err != nil {
			return err
		}
		token := ""
		if m.Compose && m.Event.NeedsLink() {
			if token, err = mintToken(tx, &m, now, s.ttl()); err != nil {
				return err
			}
		}
		if err := tx.PutMessage(&m); err != nil {
			return err
		}
		m = d.composeForSending(m, s, token)
		return nil
	})
	return m
}
