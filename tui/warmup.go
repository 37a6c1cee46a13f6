package tui

import (
	"math"
	"runtime/debug"

	"helpdesk/domain"
)

// WarmUp builds the desk's suggestion index (Desk.WarmSuggest), waits for
// its near-match structures, builds the name index (Desk.WarmNames), then
// hands the build's scratch memory back to
// the operating system. Run it in the background when the console starts:
// the first frame does not need the index, and the first keystroke in the
// new user form waits for it only if it comes before the build is done.
//
// Why FreeOSMemory: on a 1,000,000-user desk the build peaks near three
// times the index it leaves (about 90 MiB live); Go's scavenger returns the
// difference only gradually, so for minutes the process would hold twice
// the memory it uses.
func WarmUp(desk *domain.Desk) error {
	// While the index builds, a soft memory limit makes the collector keep
	// the heap near what is live instead of letting it double: the build's
	// garbage would otherwise lift the process above its RSS budget for a
	// few seconds. The previous limit (GOMEMLIMIT, or none) comes back after.
	prev := debug.SetMemoryLimit(buildMemoryLimit)
	defer debug.SetMemoryLimit(prev)
	if err := desk.WarmSuggest(); err != nil {
		return err
	}
	if err := desk.WaitSuggestReady(); err != nil {
		return err
	}
	// The name index behind the users list's / reads every user record:
	// seconds on a large desk, so after the email index, which the new
	// user form needs first.
	if err := desk.WarmNames(); err != nil {
		return err
	}
	debug.FreeOSMemory()
	return nil
}

// buildMemoryLimit is the soft limit during the index build; a GOMEMLIMIT
// set lower by the operator wins.
var buildMemoryLimit = min(200<<20, limitFromEnv())

func limitFromEnv() int64 {
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		return l
	}
	return math.MaxInt64
}
