package web

import "golang.org/x/text/language"

// The German catalogue: every fixed text of the portal, keyed by its
// English. TestCatalogsCoverEveryText fails for a text missing here.
func init() {
	addCatalog(language.German, map[string]string{
		// layout, error page
		"Sign out":                 "Abmelden",
		"Go to the start page":     "Zur Startseite",
		"Bad Request":              "Ungültige Anfrage",
		"Forbidden":                "Verboten",
		"Not Found":                "Nicht gefunden",
		"Method Not Allowed":       "Methode nicht erlaubt",
		"Request Entity Too Large": "Anfrage zu groß",
		"Internal Server Error":    "Interner Fehler",
		"The request could not be read; go back and try again.":                                  "Die Anfrage konnte nicht gelesen werden; gehen Sie zurück und versuchen Sie es erneut.",
		"This request came from another site and was refused; open the page here and try again.": "Diese Anfrage kam von einer anderen Website und wurde abgelehnt; öffnen Sie die Seite hier und versuchen Sie es erneut.",
		"There is no page at this address.":                                                      "Unter dieser Adresse gibt es keine Seite.",
		"This page does not take that kind of request.":                                          "Diese Seite nimmt diese Art von Anfrage nicht an.",
		"What was sent is too large for this page.":                                              "Was gesendet wurde, ist für diese Seite zu groß.",
		"Something went wrong on our side; try again in a moment.":                               "Bei uns ist etwas schiefgegangen; versuchen Sie es gleich noch einmal.",

		// sign-in
		"Sign in":  "Anmelden",
		"Email":    "E-Mail",
		"Password": "Passwort",
		"Forgot your password, or never set one?": "Passwort vergessen oder noch keines gesetzt?",
		"Create an account":                       "Konto anlegen",
		"that email and password do not match an account; check both, or set a new password.":           "E-Mail und Passwort passen zu keinem Konto; prüfen Sie beide oder setzen Sie ein neues Passwort.",
		"too many failed sign-ins: try again after %s, or set a new password.":                          "Zu viele fehlgeschlagene Anmeldungen: versuchen Sie es nach %s erneut oder setzen Sie ein neues Passwort.",
		"this link is not valid: it may have expired or been used already; ask the desk for a new one.": "Dieser Link ist ungültig: Er ist vielleicht abgelaufen oder wurde schon benutzt; bitten Sie den Helpdesk um einen neuen.",

		// set a password
		"Set your password":                          "Passwort setzen",
		"This link does not work":                    "Dieser Link funktioniert nicht",
		"Ask for a new link":                         "Einen neuen Link anfordern",
		"Finish creating your account":               "Konto fertig anlegen",
		"Confirm your address and choose a password": "Adresse bestätigen und Passwort wählen",
		"Choose a new password":                      "Neues Passwort wählen",
		"This link is for %s.":                       "Dieser Link gilt für %s.",
		"New password":                               "Neues Passwort",
		"At least %d characters; a few words in a row make a good one.": "Mindestens %d Zeichen; einige Wörter hintereinander ergeben ein gutes.",
		"The same password again": "Dasselbe Passwort noch einmal",
		"Set password":            "Passwort setzen",
		"The two passwords differ; type the same password in both boxes.": "Die beiden Passwörter unterscheiden sich; geben Sie in beide Felder dasselbe Passwort ein.",

		// reset
		"Set a new password": "Neues Passwort setzen",
		"If an account exists for that address, we sent a link to set a new password. It works once, for 7 days.": "Falls es für diese Adresse ein Konto gibt, haben wir einen Link zum Setzen eines neuen Passworts geschickt. Er funktioniert einmal, 7 Tage lang.",
		"Type the address of your account; we will mail you a link to set a new password.":                        "Geben Sie die Adresse Ihres Kontos ein; wir schicken Ihnen einen Link, um ein neues Passwort zu setzen.",
		"Send the link": "Link senden",

		// signup
		"Check your mail": "Sehen Sie in Ihre E-Mails",
		"Check your mail: we sent a link to finish creating your account.": "Sehen Sie in Ihre E-Mails: Wir haben einen Link geschickt, mit dem Sie Ihr Konto fertig anlegen.",
		"Your name":          "Ihr Name",
		"Organization":       "Organisation",
		"Time zone":          "Zeitzone",
		"Language":           "Sprache",
		"Create the account": "Konto anlegen",

		// agreement
		"Version %d, from %s. Read it and accept it to go on.": "Version %d, von %s. Lesen und akzeptieren Sie sie, um fortzufahren.",
		"Version %d. Read it and accept it to go on.":          "Version %d. Lesen und akzeptieren Sie sie, um fortzufahren.",
		"I accept %s (version %d)":                             "Ich akzeptiere %s (Version %d)",
		"Accept":                                               "Akzeptieren",
		"Tick the box to accept, or sign out.":                 "Setzen Sie das Häkchen, um zu akzeptieren, oder melden Sie sich ab.",

		// profile
		"Your profile":                           "Ihr Profil",
		"Name":                                   "Name",
		"Mobile phone":                           "Mobiltelefon",
		"In international form; needed for SMS.": "In internationaler Form; nötig für SMS.",
		"How we tell you":                        "Wie wir Sie benachrichtigen",
		"Confirming your address":                "Bestätigung Ihrer Adresse",
		"Welcome messages":                       "Willkommensnachrichten",
		"Password links":                         "Passwort-Links",
		"Replies from the desk":                  "Antworten des Helpdesks",
		"email":                                  "E-Mail",
		"sms":                                    "SMS",
		"none":                                   "keine",
		"Save":                                   "Speichern",
		"Back to your account":                   "Zurück zu Ihrem Konto",
		"Saved.":                                 "Gespeichert.",
		"This form is out of date; open your profile again and make your change.":                            "Dieses Formular ist veraltet; öffnen Sie Ihr Profil erneut und nehmen Sie Ihre Änderung vor.",
		"Your profile was changed elsewhere since this page was opened; open it again and make your change.": "Ihr Profil wurde anderswo geändert, seit diese Seite geöffnet wurde; öffnen Sie es erneut und nehmen Sie Ihre Änderung vor.",

		// demo mailbox
		"Demo mailbox": "Demo-Postfach",
		"The mail this demo desk sent, newest first. It went nowhere else: nothing leaves this computer. Follow a link to continue as the customer.": "Die Mails, die dieser Demo-Helpdesk geschickt hat, neueste zuerst. Sie gingen nirgendwohin sonst: Nichts verlässt diesen Computer. Folgen Sie einem Link, um als Kunde weiterzumachen.",
		"To %s":                      "An %s",
		"Open the link in this mail": "Den Link dieser Mail öffnen",
		"No mail yet. Create a user in the console, or send one a set-password link (R on the user's screen).": "Noch keine Mail. Legen Sie in der Konsole einen Benutzer an oder schicken Sie einem einen Link zum Passwortsetzen (R in der Benutzeransicht).",

		// the account page and the conversations (home, conversation, newconv)
		"Account":                           "Konto",
		"Agreement":                         "Vereinbarung",
		"What you may do":                   "Was Sie tun dürfen",
		"view and manage your own account":  "Ihr eigenes Konto ansehen und verwalten",
		"Your account":                      "Ihr Konto",
		"Your profile and notifications":    "Ihr Profil und Benachrichtigungen",
		"Signed in as %s (%s)":              "Angemeldet als %s (%s)",
		"Your conversations":                "Ihre Anfragen",
		"New conversation":                  "Neue Anfrage",
		"last activity %s":                  "zuletzt aktiv %s",
		"requested by %s":                   "angefragt von %s",
		"Newest":                            "Neueste",
		"Older conversations":               "Ältere Anfragen",
		"There are no older conversations.": "Es gibt keine älteren Anfragen.",
		"You have no conversations with the desk yet.": "Sie haben noch keine Anfragen an den Helpdesk.",
		"Start one with New conversation.":             "Beginnen Sie eine mit „Neue Anfrage“.",
		"This conversation has no messages yet.":       "Diese Anfrage hat noch keine Nachrichten.",
		"You":                                          "Sie",
		"Earlier text quoted in this mail":             "In dieser Mail zitierter früherer Text",
		"Your reply":                                   "Ihre Antwort",
		"Send reply":                                   "Antwort senden",
		"Your reply opens this conversation again.":    "Ihre Antwort öffnet diese Anfrage wieder.",
		"Internal note":                                "Interne Notiz",
		"Seen by the desk and its collaborators only; never by the customer.": "Nur für den Helpdesk und seine Mitwirkenden sichtbar, nie für den Kunden.",
		"Add note":                   "Notiz hinzufügen",
		"Subject":                    "Betreff",
		"Message":                    "Nachricht",
		"Send":                       "Senden",
		"Back to your conversations": "Zurück zu Ihren Anfragen",
		"Give your conversation a subject, then send it again.": "Geben Sie Ihrer Anfrage einen Betreff und senden Sie sie noch einmal.",
		"Write your message, then send it again.":               "Schreiben Sie Ihre Nachricht und senden Sie sie noch einmal.",
		"Your reply was sent; the desk sees it now.":            "Ihre Antwort wurde gesendet; der Helpdesk sieht sie jetzt.",
		"Your internal note was added.":                         "Ihre interne Notiz wurde hinzugefügt.",
		"Open":                                                  "Offen",
		"Waiting for your answer":                               "Wartet auf Ihre Antwort",
		"Resolved":                                              "Gelöst",
		"Closed":                                                "Geschlossen",

		// times: "3. Dez. 2026, 15:04 CET"
		dateFormat: "%[1]d. %[2]s %[3]s, %[4]s",
		"Jan":      "Jan.", "Feb": "Feb.", "Mar": "März", "Apr": "Apr.", "May": "Mai", "Jun": "Juni",
		"Jul": "Juli", "Aug": "Aug.", "Sep": "Sept.", "Oct": "Okt.", "Nov": "Nov.", "Dec": "Dez.",
	})
}
