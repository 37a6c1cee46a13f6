package tui

import (
	"slices"
	"strings"
	"testing"
)

func zoneMatches(q string) []string {
	var out []string
	for _, m := range matchZones(q, zoneNames) {
		out = append(out, m.Str)
	}
	return out
}

func TestZonePickerFinds(t *testing.T) {
	for _, c := range []struct {
		q     string
		first []string
	}{
		{"new york", []string{"America/New_York"}},
		{"New_York", []string{"America/New_York"}},
		{"new yo", []string{"America/New_York"}},
		{"EST", []string{"America/New_York"}},
		{"est", []string{"America/New_York"}},
		{"PST", []string{"America/Los_Angeles"}},
		{"cet", []string{"Europe/Paris"}},
		{"kolkata", []string{"Asia/Kolkata"}},
		{"IST", []string{"Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"}},
		{"JST", []string{"Asia/Tokyo"}},
		{"AEST", []string{"Australia/Sydney"}},
		{"mumbai", []string{"Asia/Kolkata"}},
		{"san francisco", []string{"America/Los_Angeles"}},
		{"Europe/Paris", []string{"Europe/Paris"}},
		{"pari", []string{"Europe/Paris"}}, // the city starts with it
	} {
		got := zoneMatches(c.q)
		if len(got) < len(c.first) || !slices.Equal(got[:len(c.first)], c.first) {
			t.Errorf("%q: first %v, want %v", c.q, got[:min(len(got), 5)], c.first)
		}
	}
	// Every zone using an abbreviation follows its usual ones.
	got := zoneMatches("CET")
	for _, z := range zoneAbbrevs["CET"] {
		if !slices.Contains(got, z) {
			t.Errorf("CET lacks %s", z)
		}
	}
	if got := zoneMatches("zzqq"); len(got) != 0 {
		t.Errorf("zzqq: %v", got)
	}
}

// The hand-written tables name only zones the picker offers.
func TestZoneTablesNameRealZones(t *testing.T) {
	for ab, zs := range zonePreferred {
		for _, z := range zs {
			if !slices.Contains(zoneNames, z) {
				t.Errorf("zonePreferred[%s]: %s is not in the zone list", ab, z)
			}
		}
	}
	for city, z := range zoneCities {
		if !slices.Contains(zoneNames, z) {
			t.Errorf("zoneCities[%s]: %s is not in the zone list", city, z)
		}
		if city != strings.ToLower(city) {
			t.Errorf("zoneCities key %q must be lower case", city)
		}
	}
}

// Through the form: typing "new york" in the time zone field and taking
// the highlighted entry fills America/New_York.
func TestZonePickerInForm(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 5), 120, 40)
	d.keys("n")
	f := activeAs[*createUserScreen](t, d).form
	for f.Focused().key != "time zone" {
		d.keys("tab")
	}
	d.keys("new york")
	d.mustShow("› America/New_York")
	d.keys("ctrl+x")
	d.keys("EST")
	d.mustShow("› America/New_York")
}
