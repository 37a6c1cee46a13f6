package tui

import (
	"strings"
	"testing"

	"helpdesk/domain"
)

// The templates list says which languages a template is translated into.
func TestTemplatesListTheirTranslations(t *testing.T) {
	desk := newTestDesk(t, 1)
	subject, body := "Bestätigen Sie Ihre E-Mail", "Hallo {FIRST_NAME}: {MESSAGE}"
	for _, lang := range []string{"de", "pt-BR"} {
		if _, err := desk.SetTemplate(testActor, "verify", domain.TemplateEdit{Language: lang, Subject: &subject, Body: &body}); err != nil {
			t.Fatal(err)
		}
	}
	d := newDriver(t, desk, 140, 30)
	d.keys("4", "t")
	activeAs[*templatesScreen](t, d)
	d.mustShow("shipped default · also in de, pt-BR")
	if n := strings.Count(d.view(), "also in"); n != 1 {
		t.Errorf("%d templates listed with translations, want only verify:\n%s", n, d.view())
	}
}
