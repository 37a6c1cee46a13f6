package tui

// Prefs are one agent's own console settings: read from
// $XDG_CONFIG_HOME/helpdesk/config.toml on a local terminal, or from the
// agent's stored preferences over SSH (never from the server's home). The
// zero value is the defaults.
type Prefs struct {
	// Keys rebinds actions by name (kebab-case of the keyMap field:
	// "down", "page-down", "force-quit"): action -> keys.
	Keys map[string][]string
	// Theme is "auto" (from the terminal's background), "dark", "light"
	// or "high-contrast"; empty is "auto".
	Theme string
	// Columns chooses and orders the columns of the Users and Inbox
	// lists; empty keeps the defaults.
	Columns Columns
	// Mouse: nil or true tracks the mouse (click, double click, wheel);
	// false leaves it to the terminal so its own text selection works.
	Mouse *bool
}

// Columns are the list columns an agent chose, by name.
type Columns struct {
	Users []string
	Inbox []string
}

// mouseOn reports whether the console tracks the mouse.
func (p Prefs) mouseOn() bool { return p.Mouse == nil || *p.Mouse }
