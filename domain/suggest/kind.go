package suggest

// Kind says why an email was suggested. The UI needs it to label the row and
// to decide what to do: an Exact match blocks the save, the others only warn.
type Kind uint8

const (
	// Exact means the typed address already exists.
	Exact Kind = iota
	// Prefix means an existing address starts with what was typed so far,
	// which is what the agent most likely wants while still typing.
	Prefix
	// Near means the address is probably the same person written
	// differently: dots or a +tag, a typo or two, or another domain.
	Near
	// Fuzzy means the typed characters appear in order in the address; a
	// last resort that catches initials and abbreviations.
	Fuzzy
	// Lookalike means the address reads like an existing one but is
	// written with other characters (Unicode TS #39 confusables), such as a
	// Cyrillic "а" for a Latin "a".
	Lookalike
)

// String returns the lower-case word the UI and logs show for the kind.
func (k Kind) String() string {
	switch k {
	case Exact:
		return "exact"
	case Prefix:
		return "prefix"
	case Near:
		return "near"
	case Fuzzy:
		return "fuzzy"
	case Lookalike:
		return "lookalike"
	}
	return "unknown"
}

// Match is one suggested existing user.
type Match struct {
	// Email is the existing address, as stored.
	Email string
	// ID is the existing user's id, so the UI can open that user instead of
	// creating a new one.
	ID uint64
	// Kind says why the address was suggested.
	Kind Kind
	// Positions are the byte offsets into Email of the first byte of each
	// character that matched the query, in increasing order, so the UI can
	// highlight them without knowing how the match was found.
	Positions []int
	// Reason explains a Near match in a few words for the agent, e.g.
	// "2 letters swapped"; it is empty for the other kinds, whose reason is
	// obvious from the highlight.
	Reason string
}

// Result is the answer to one keystroke.
type Result struct {
	// Matches are best first, no email twice, at most the requested limit.
	Matches []Match
	// NearPending is true while the structures behind near and fuzzy
	// matches are still being built in the background, so the UI can say
	// "near matches still loading" instead of implying there are none.
	NearPending bool
}
