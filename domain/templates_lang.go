package domain

import (
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// A translation of a template is a Template with a Language: the same
// name, its own subject and body, and the event of the base template it
// translates. It is stored beside its base, under NAME/LANG.

// translationKey is the store key of a template's translation.
func translationKey(name, lang string) string {
	if lang == "" {
		return name
	}
	return name + "/" + lang
}

// baseLanguage is a tag's language without region or script ("de-AT" ->
// "de"), or "" when the tag has none.
func baseLanguage(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return ""
	}
	b, conf := t.Base()
	if conf == language.No {
		return ""
	}
	return b.String()
}

// languageChain is the order in which languages are tried for one mail:
// the customer's, its base language, then the desk's default and its base.
func languageChain(customer, desk string) []string {
	var out []string
	for _, l := range []string{customer, baseLanguage(customer), desk, baseLanguage(desk)} {
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// templateIn is the template an event's mail goes out with for a
// recipient who reads lang: the desk's template for the event, in lang
// (or lang's base language) if it has that translation, else as written
// for an English reader, else in the desk's default language, else the
// base template as written. This is
// the one place the choice is made, when the mail is queued: the queued
// text is what the customer gets and what agents see.
func templateIn(tx Tx, settings Settings, event MailEvent, lang string) (Template, error) {
	base, err := templateByName(tx, settings.template(event))
	if err != nil {
		return base, err
	}
	for _, l := range languageChain(lang, settings.Language) {
		t, err := tx.Template(translationKey(base.Name, l))
		if err == nil && t.Language != "" {
			t.Event = base.Event
			return t, nil
		}
		if err != nil && !IsNotFound(err) {
			return base, err
		}
		if baseLanguage(l) == writtenIn {
			// The template as written is in this language already.
			return base, nil
		}
	}
	return base, nil
}

// writtenIn is the language templates are taken to be written in: the
// shipped ones are English. A customer who reads it gets the template as
// written (unless it has a translation for their exact language, such as
// en-GB), whatever the desk's default language.
const writtenIn = "en"

// TemplateTranslation returns a template's translation into a language.
func (d *Desk) TemplateTranslation(name, lang string) (Template, error) {
	lang, err := ParseLanguage(lang)
	if err != nil {
		return Template{}, err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	var t Template
	err = d.store.View(func(tx Tx) error {
		base, err := templateByName(tx, name)
		if err != nil {
			return err
		}
		if lang == "" {
			t = base
			return nil
		}
		t, err = tx.Template(translationKey(name, lang))
		if IsNotFound(err) || err == nil && t.Language == "" {
			return notFound("template %s has no %s translation; add one with template set %s --language %s", name, lang, name, lang)
		}
		t.Event = base.Event
		return err
	})
	return t, err
}

// Translations lists the stored translations of every template, by
// template name then language.
func (d *Desk) Translations() ([]Template, error) {
	var out []Template
	err := d.store.View(func(tx Tx) error {
		out = nil
		for t, err := range tx.StoredTemplates() {
			if err != nil {
				return err
			}
			if t.Language != "" {
				out = append(out, t)
			}
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b Template) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Language, b.Language)
	})
	return out, err
}

// TranslationLanguages are the languages a template has translations in.
func TranslationLanguages(all []Template, name string) []string {
	var out []string
	for _, t := range all {
		if t.Name == name && t.Language != "" {
			out = append(out, t.Language)
		}
	}
	return out
}

// setTranslation saves a template's translation into e.Language: the
// base template must exist and gives the event; subject and body follow
// the same rules as the base's.
func (d *Desk) setTranslation(actor Actor, name string, e TemplateEdit) (Template, error) {
	lang, err := ParseLanguage(e.Language)
	if err != nil {
		return Template{}, err
	}
	var t Template
	err = d.update(func(tx Tx, c *commit) error {
		base, err := templateByName(tx, name)
		if IsNotFound(err) {
			return notFound("no template named %q to translate; create it first (template set %s --event ...)", name, name)
		}
		if err != nil {
			return err
		}
		if e.Event != nil && *e.Event != base.Event {
			return invalid("event", "template %s is for %s mail; its translations are too", name, base.Event)
		}
		before, err := tx.Template(translationKey(name, lang))
		isNew := IsNotFound(err) || err == nil && before.Language == ""
		if err != nil && !IsNotFound(err) {
			return err
		}
		if isNew {
			before = Template{}
		}
		if e.Version != nil && *e.Version != before.Version {
			return &ConflictError{What: "template " + name + " (" + lang + ")", By: before.UpdatedBy, At: before.UpdatedAt, Version: before.Version, Requested: *e.Version}
		}
		if isNew && (e.Subject == nil || e.Body == nil) {
			return invalid("template", "a new %s translation of %s needs both a subject and a body", lang, name)
		}
		t = before
		t.Name, t.Language, t.Event = name, lang, base.Event
		return d.saveTemplate(tx, c, actor, before, &t, e, translationKey(name, lang))
	})
	return t, err
}
