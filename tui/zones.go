package tui

//go:generate go run ./internal/zonegen -o zones_gen.go

import (
	"slices"
	"strings"

	"github.com/sahilm/fuzzy"
)

// zonePreferred is the zone an agent most likely means by a common
// abbreviation, first, before the others that use it (zoneAbbrevs, from
// the tz database): "EST" is New York before Detroit or Cancún, "IST" is
// India before Ireland and Israel. The tz database also lacks a few
// abbreviations people still type (AEST is there; "CEST" for every CET zone
// is, "HST" too), so these lists may name zones zoneAbbrevs does not have
// under that abbreviation.
var zonePreferred = map[string][]string{
	"EST":  {"America/New_York", "America/Toronto"},
	"EDT":  {"America/New_York", "America/Toronto"},
	"ET":   {"America/New_York"},
	"CST":  {"America/Chicago", "America/Mexico_City", "Asia/Shanghai"},
	"CDT":  {"America/Chicago"},
	"CT":   {"America/Chicago"},
	"MST":  {"America/Denver", "America/Phoenix", "America/Edmonton"},
	"MDT":  {"America/Denver", "America/Edmonton"},
	"MT":   {"America/Denver"},
	"PST":  {"America/Los_Angeles", "America/Vancouver"},
	"PDT":  {"America/Los_Angeles", "America/Vancouver"},
	"PT":   {"America/Los_Angeles"},
	"AKST": {"America/Anchorage"},
	"HST":  {"Pacific/Honolulu"},
	"GMT":  {"Europe/London", "Europe/Dublin"},
	"BST":  {"Europe/London"},
	"WET":  {"Europe/Lisbon"},
	"CET":  {"Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam"},
	"CEST": {"Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam"},
	"EET":  {"Europe/Athens", "Europe/Helsinki", "Europe/Kyiv", "Africa/Cairo"},
	"EEST": {"Europe/Athens", "Europe/Helsinki", "Europe/Kyiv"},
	"MSK":  {"Europe/Moscow"},
	"IST":  {"Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"},
	"PKT":  {"Asia/Karachi"},
	"SGT":  {"Asia/Singapore"},
	"HKT":  {"Asia/Hong_Kong"},
	"JST":  {"Asia/Tokyo"},
	"KST":  {"Asia/Seoul"},
	"AEST": {"Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"},
	"AEDT": {"Australia/Sydney", "Australia/Melbourne"},
	"ACST": {"Australia/Adelaide", "Australia/Darwin"},
	"AWST": {"Australia/Perth"},
	"NZST": {"Pacific/Auckland"},
	"NZDT": {"Pacific/Auckland"},
	"SAST": {"Africa/Johannesburg"},
	"WAT":  {"Africa/Lagos"},
	"EAT":  {"Africa/Nairobi"},
	"BRT":  {"America/Sao_Paulo"},
	"ART":  {"America/Argentina/Buenos_Aires"},
	"UTC":  {"UTC"},
}

// zoneCities are cities people name that are not the city of their zone.
var zoneCities = map[string]string{
	"san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles", "san diego": "America/Los_Angeles",
	"boston": "America/New_York", "washington": "America/New_York", "miami": "America/New_York", "atlanta": "America/New_York",
	"philadelphia": "America/New_York", "dallas": "America/Chicago", "houston": "America/Chicago", "austin": "America/Chicago",
	"montreal": "America/Toronto", "ottawa": "America/Toronto", "salt lake city": "America/Denver",
	"rio de janeiro": "America/Sao_Paulo", "munich": "Europe/Berlin", "frankfurt": "Europe/Berlin", "hamburg": "Europe/Berlin",
	"milan": "Europe/Rome", "barcelona": "Europe/Madrid", "geneva": "Europe/Zurich", "manchester": "Europe/London",
	"edinburgh": "Europe/London", "kiev": "Europe/Kyiv", "st petersburg": "Europe/Moscow",
	"mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
	"bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "chennai": "Asia/Kolkata",
	"beijing": "Asia/Shanghai", "shenzhen": "Asia/Shanghai", "guangzhou": "Asia/Shanghai",
	"osaka": "Asia/Tokyo", "kyoto": "Asia/Tokyo", "tel aviv": "Asia/Jerusalem", "abu dhabi": "Asia/Dubai",
	"canberra": "Australia/Sydney", "wellington": "Pacific/Auckland", "saigon": "Asia/Ho_Chi_Minh",
}

// isZoneList reports whether a picker's items are the time zone list, so
// the picker matches them as zones (matchZones) and not only fuzzily.
func isZoneList(items []string) bool {
	return len(items) == len(zoneNames) && len(items) > 0 && &items[0] == &zoneNames[0]
}

// zoneKey is how a zone name or a typed query is compared: lower case,
// spaces as underscores ("new york" is "new_york").
func zoneKey(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.Join(strings.Fields(s), " ")), " ", "_")
}

// matchZones ranks the zones for what an agent typed: an abbreviation
// first (its usual zone, then every zone that uses it), then a zone or a
// city named exactly ("new york", "kolkata", "mumbai"), then cities that
// start with it, then fuzzy matches of the whole name with spaces read as
// underscores.
func matchZones(q string, items []string) fuzzy.Matches {
	key := zoneKey(q)
	if key == "" {
		return nil
	}
	index := make(map[string]int, len(items))
	for i, z := range items {
		index[z] = i
	}
	var out fuzzy.Matches
	seen := map[int]bool{}
	add := func(z string, pos []int) {
		if i, ok := index[z]; ok && !seen[i] {
			seen[i] = true
			out = append(out, fuzzy.Match{Str: z, Index: i, MatchedIndexes: pos})
		}
	}
	city := func(z string) string { return strings.ToLower(z[strings.LastIndexByte(z, '/')+1:]) }
	cityPos := func(z string, n int) []int {
		start := strings.LastIndexByte(z, '/') + 1
		pos := make([]int, 0, n)
		for j := start; j < start+n && j < len(z); j++ {
			pos = append(pos, j)
		}
		return pos
	}

	// 1. Abbreviations, exact.
	if ab := strings.ToUpper(key); len(ab) <= 5 {
		for _, z := range zonePreferred[ab] {
			add(z, nil)
		}
		for _, z := range zoneAbbrevs[ab] {
			add(z, nil)
		}
	}
	// 2. A zone, city or alias named exactly.
	for _, z := range items {
		if strings.ToLower(z) == key {
			add(z, cityPos(z, len(z)))
		}
	}
	for _, z := range items {
		if city(z) == key {
			add(z, cityPos(z, len(key)))
		}
	}
	alias := strings.ReplaceAll(key, "_", " ")
	if z, ok := zoneCities[alias]; ok {
		add(z, nil)
	}
	// 3. Cities (and aliases) that start with it.
	for _, z := range items {
		if strings.HasPrefix(city(z), key) {
			add(z, cityPos(z, len(key)))
		}
	}
	aliases := make([]string, 0, len(zoneCities))
	for a := range zoneCities {
		if strings.HasPrefix(a, alias) {
			aliases = append(aliases, a)
		}
	}
	slices.Sort(aliases)
	for _, a := range aliases {
		add(zoneCities[a], nil)
	}
	// 4. Fuzzy, over the names in any letter case.
	for _, m := range fuzzy.Find(key, lowerZones(items)) {
		add(items[m.Index], m.MatchedIndexes)
	}
	return out
}

var lowerZoneNames = func() []string {
	out := make([]string, len(zoneNames))
	for i, z := range zoneNames {
		out[i] = strings.ToLower(z)
	}
	return out
}()

func lowerZones(items []string) []string {
	if isZoneList(items) {
		return lowerZoneNames
	}
	out := make([]string, len(items))
	for i, z := range items {
		out[i] = strings.ToLower(z)
	}
	return out
}
