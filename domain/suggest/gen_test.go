package suggest_test

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
)

// The generator makes a desk of realistic, unique, normalized emails:
// first.last-style local parts in several styles, some with digits, over
// about 2,000 domains with a Zipf-skewed distribution, the top ranks being
// public providers (so gmail.com holds well over 100k of a million). It is
// seeded, so every run sees the same desk.

var firstNames = strings.Fields(`james mary john patricia robert jennifer michael linda
william elizabeth david barbara richard susan joseph jessica thomas sarah charles karen
christopher lisa daniel nancy matthew betty anthony margaret mark sandra donald ashley
steven kimberly paul emily andrew donna joshua michelle kenneth carol kevin amanda brian
dorothy george melissa timothy deborah ronald stephanie edward rebecca jason sharon
jeffrey laura ryan cynthia jacob kathleen gary amy nicholas angela eric shirley jonathan
anna stephen brenda larry pamela justin emma scott nicole brandon helen benjamin samantha
samuel katherine gregory christine alexander debra frank rachel patrick carolyn raymond
janet jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie adam
olivia nathan joyce henry virginia douglas victoria zachary kelly peter lauren kyle
christina ethan joan walter evelyn noah judith jeremy megan christian andrea keith cheryl
roger hannah terry jacqueline gerald martha harold gloria sean teresa austin ann carl
sara arthur madison lawrence frances dylan kathryn jesse janice jordan jean bryan abigail
billy alice joe judy bruce sophia gabriel grace logan denise albert amber willie doris
alan marilyn juan danielle wayne beverly elijah isabella randy theresa roy diana vincent
natalie ralph brittany eugene charlotte russell marie bobby kayla mason alexis philip
lori luis ana sofia mateo lucas yuki hiroshi wei li fatima omar ahmed priya arjun
raj anil sven lars ingrid klaus jurgen pierre amelie chloe hugo lea giulia marco`)

var lastNames = strings.Fields(`smith johnson williams brown jones garcia miller davis
rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson
martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young
allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera
campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards
collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper
peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood
james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long
ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson
barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton graham
reynolds griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina
aguilar stevens murray ford castro marshall owens harrison fernandez mcdonald woods
washington kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson
simpson porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes
palmer wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt
garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn kelley
spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight elliott
cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray delgado berry
perkins hoffman johnston matthews pena richards willis carpenter lawrence sandoval
mueller schneider fischer weber becker dubois moreau laurent rossi russo ferrari bianchi
tanaka suzuki watanabe wang zhang liu singh kumar sharma khan ali ivanov petrov novak`)

var publicDomains = []string{"gmail.com", "yahoo.com", "outlook.com", "hotmail.com",
	"icloud.com", "aol.com", "proton.me", "gmx.de", "web.de", "mail.ru"}

var syllables = strings.Fields(`ac me glo bex ini tech um bre lla sta rk way ne ent
cor vo lux tron ix data soft net sys gen bio med fin cap pro max nova terra sol astra
blue red green peak north south east west river lake hill stone iron gold`)

var tlds = []string{"com", "com", "com", "com", "net", "org", "io", "co.uk", "de", "fr", "es", "co"}

// genDomains returns n distinct domains, public providers first: the Zipf
// draw favours low ranks, so those are the biggest.
func genDomains(r *rand.Rand, n int) []string {
	seen := map[string]bool{}
	out := slices.Clone(publicDomains)
	for _, d := range out {
		seen[d] = true
	}
	for len(out) < n {
		k := 2 + r.IntN(2)
		var sb strings.Builder
		for range k {
			sb.WriteString(syllables[r.IntN(len(syllables))])
		}
		d := sb.String() + "." + tlds[r.IntN(len(tlds))]
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

func genLocal(r *rand.Rand) string {
	f := firstNames[r.IntN(len(firstNames))]
	l := lastNames[r.IntN(len(lastNames))]
	var s string
	switch x := r.IntN(100); {
	case x < 38:
		s = f + "." + l
	case x < 50:
		s = f[:1] + "." + l
	case x < 62:
		s = f + l
	case x < 70:
		s = f + "_" + l
	case x < 80:
		s = f[:1] + l
	case x < 86:
		s = l + "." + f
	case x < 92:
		s = f + "-" + l
	default:
		s = f
	}
	if r.IntN(100) < 15 {
		if r.IntN(2) == 0 {
			s += fmt.Sprint(1950 + r.IntN(60))
		} else {
			s += fmt.Sprint(r.IntN(100))
		}
	}
	return s
}

type desk struct {
	emails []string // sorted
	ids    []uint64
}

// genDesk returns n unique emails sorted, with ids in creation order.
func genDesk(n int, seed uint64) desk {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	domains := genDomains(r, 2000)
	zipf := rand.NewZipf(r, 1.1, 1.5, uint64(len(domains)-1))
	type rec struct {
		email string
		id    uint64
	}
	seen := make(map[string]struct{}, n)
	recs := make([]rec, 0, n)
	for len(recs) < n {
		local := genLocal(r)
		dom := domains[zipf.Uint64()]
		e := local + "@" + dom
		for tries := 0; ; tries++ {
			if _, dup := seen[e]; !dup {
				break
			}
			// Taken: do what people do and add a number.
			e = fmt.Sprintf("%s%d@%s", local, r.IntN(1000), dom)
		}
		seen[e] = struct{}{}
		recs = append(recs, rec{e, uint64(len(recs) + 1)})
	}
	slices.SortFunc(recs, func(a, b rec) int { return strings.Compare(a.email, b.email) })
	d := desk{emails: make([]string, n), ids: make([]uint64, n)}
	for i, rc := range recs {
		d.emails[i], d.ids[i] = rc.email, rc.id
	}
	return d
}

// seq yields the desk like a store cursor: each key in a buffer that is
// overwritten by the next one, so an index that keeps the slice breaks.
func (d desk) seq() iter.Seq2[[]byte, uint64] {
	return func(yield func([]byte, uint64) bool) {
		var buf []byte
		for i, e := range d.emails {
			buf = append(buf[:0], e...)
			if !yield(buf, d.ids[i]) {
				return
			}
		}
		clear(buf)
	}
}
