package tui

import "helpdesk/domain/textsafe"

// sanitize is the one gate user text (names, notes, emails, audit values,
// imported CSV) passes before it is drawn: textsafe.Block, the rule the
// command line prints through too.
func sanitize(s string) string { return textsafe.Block(s) }

// sanitizeLine is sanitize for text drawn on one line (a list cell, a
// title): newlines become spaces so a name cannot add rows to a table.
func sanitizeLine(s string) string { return textsafe.Line(s) }

// isClean reports whether s can be drawn as it is (textsafe.IsClean).
func isClean(s string) bool { return textsafe.IsClean(s) }

// isControl is C0, DEL and C1 (U+0080-U+009F).
func isControl(r rune) bool { return textsafe.IsControl(r) }

// isBidi reports the bidi controls and directional marks.
func isBidi(r rune) bool { return textsafe.IsBidi(r) }
