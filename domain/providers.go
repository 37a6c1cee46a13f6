package domain

// publicProviders are mail services whose users have nothing in common but
// their mailbox provider: such a domain can never identify an organization.
// The list holds the largest consumer providers worldwide; the check also
// covers their subdomains.
var publicProviders = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true,
	"hotmail.co.uk": true, "hotmail.fr": true, "hotmail.de": true, "hotmail.it": true,
	"live.com": true, "live.co.uk": true, "msn.com": true, "passport.com": true,
	"yahoo.com": true, "yahoo.co.uk": true, "yahoo.fr": true, "yahoo.de": true,
	"yahoo.co.jp": true, "yahoo.com.br": true, "yahoo.co.in": true, "ymail.com": true,
	"rocketmail.com": true, "aol.com": true, "aim.com": true, "icloud.com": true,
	"me.com": true, "mac.com": true, "protonmail.com": true, "proton.me": true,
	"pm.me": true, "zoho.com": true, "zohomail.com": true, "gmx.com": true,
	"gmx.net": true, "gmx.de": true, "gmx.at": true, "web.de": true, "mail.com": true,
	"email.com": true, "yandex.ru": true, "yandex.com": true, "ya.ru": true,
	"mail.ru": true, "inbox.ru": true, "list.ru": true, "bk.ru": true, "rambler.ru": true,
	"qq.com": true, "163.com": true, "126.com": true, "sina.com": true, "sohu.com": true,
	"yeah.net": true, "aliyun.com": true, "naver.com": true, "daum.net": true,
	"hanmail.net": true, "fastmail.com": true, "fastmail.fm": true, "hey.com": true,
	"tutanota.com": true, "tuta.io": true, "mailbox.org": true, "posteo.de": true,
	"orange.fr": true, "wanadoo.fr": true, "free.fr": true, "laposte.net": true,
	"sfr.fr": true, "libero.it": true, "virgilio.it": true, "t-online.de": true,
	"freenet.de": true, "seznam.cz": true, "wp.pl": true, "o2.pl": true, "interia.pl": true,
	"btinternet.com": true, "sky.com": true, "virginmedia.com": true, "comcast.net": true,
	"verizon.net": true, "att.net": true, "sbcglobal.net": true, "cox.net": true,
	"charter.net": true, "bellsouth.net": true, "earthlink.net": true, "rediffmail.com": true,
	"uol.com.br": true, "bol.com.br": true, "terra.com.br": true, "optonline.net": true,
	"shaw.ca": true, "rogers.com": true, "sympatico.ca": true, "bigpond.com": true,
	"optusnet.com.au": true, "telstra.com": true, "xtra.co.nz": true, "hushmail.com": true,
}

// IsPublicProvider reports whether a normalized domain, or a parent of it,
// is a public mail provider.
func IsPublicProvider(domain string) bool {
	for d := domain; d != ""; d = parentDomain(d) {
		if publicProviders[d] {
			return true
		}
	}
	return false
}

func parentDomain(d string) string {
	for i := 0; i < len(d); i++ {
		if d[i] == '.' {
			return d[i+1:]
		}
	}
	return ""
}
