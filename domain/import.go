package domain

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// importColumns are the CSV columns an import understands; email is required.
// state lets a desk moving from another tool keep who was already verified
// or disabled; without it imported users are pending.
var importColumns = []string{"email", "name", "organization", "time_zone", "language", "phone", "role", "state"}

const importBatch = 10000

// ImportOptions steer an import.
type ImportOptions struct {
	DryRun bool
	// Source names the file in the audit entry.
	Source string
	// RowError is called for each row that was not imported.
	RowError func(RowError)
	// Progress is called after each batch with the rows read so far.
	Progress func(rows int)
	// AllowNear imports rows whose email may be an existing user written
	// another way (lookalike, typo, dots or +tag, same name at another
	// domain) or mixes scripts; without it they are reported and skipped.
	AllowNear bool
}

// BulkUndone counts what a roll-back of an unfinished import removed, and
// the organizations it kept because someone else put a user in them.
type BulkUndone struct {
	Users, Orgs, OrgsKept int
}

// Note words a roll-back for the audit trail.
func (u BulkUndone) Note() string {
	note := fmt.Sprintf("an import did not finish: its %d users and %d organizations were removed; the desk is as it was before it", u.Users, u.Orgs)
	if u.OrgsKept > 0 {
		note += fmt.Sprintf(", except %d organizations it created that were put to use meanwhile", u.OrgsKept)
	}
	return note
}

// RowError is a CSV row that was not imported, and why.
type RowError struct {
	Line   int    `json:"line"`
	Email  string `json:"email"`
	Reason string `json:"reason"`
}

func (e RowError) String() string {
	if e.Email == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Email, e.Reason)
}

// ImportReport sums up an import.
type ImportReport struct {
	Rows        int      `json:"rows"`
	Imported    int      `json:"imported"`
	Failed      int      `json:"failed"`
	OrgsCreated []string `json:"organizations_created"`
	DryRun      bool     `json:"dry_run"`
	// Near counts the rows skipped as near duplicates (also in Failed).
	Near int `json:"near_duplicates"`
}

// ImportUsers streams users from CSV. Bad rows are reported (line and reason)
// and skipped; the rest are imported, all or nothing: an import that fails
// or is cancelled (ctx) after writing removes what it wrote before it
// returns, and one cut short by a crash is removed when the store reopens,
// organizations it created included; the audit trail says which happened. Records are written in batches and the
// email index once at the end, in sorted order: the store's fast path.
// Memory holds one batch of records and a bounded sort buffer (the rest of
// the sort spills to a temporary file), so it stays flat in the file's size.
// Duplicates inside the file are found in that sorted pass, so they are
// reported after the rows that fail on their own.
func (d *Desk) ImportUsers(ctx context.Context, actor Actor, r io.Reader, opts ImportOptions) (ImportReport, error) {
	if err := actor.require(PermImportExport); err != nil {
		return ImportReport{}, err
	}
	im := &importer{ctx: ctx, desk: d, actor: actor, opts: opts,
		orgs: map[string]ID{}, byDomain: map[string]ID{}, sorted: newEntrySorter(100_000)}
	defer im.sorted.close()
	im.rep.DryRun = opts.DryRun
	if err := im.run(r); err != nil {
		if im.started {
			if rerr := im.rollback(); rerr != nil {
				return im.rep, fmt.Errorf("%w; rolling back what it wrote failed too (%v): the next open of the desk does it", err, rerr)
			}
			im.rep.Imported, im.rep.OrgsCreated = 0, nil
		}
		return im.rep, err
	}
	return im.rep, nil
}

// begin marks the import in progress, in the transaction that writes its
// first organization or batch.
func (im *importer) begin(tx Tx) error {
	if im.started {
		return nil
	}
	return tx.BulkBegin()
}

// rollback removes what a failed import wrote, now rather than at the next
// open, and says so in the audit trail.
func (im *importer) rollback() error {
	return im.desk.update(func(tx Tx, c *commit) error {
		done, err := tx.BulkRollback()
		if err != nil {
			return err
		}
		c.rebuildIndex = true
		c.event("import", 0)
		return audit(tx, AuditEntry{At: im.desk.clock(), Actor: im.actor.String(), Action: "user.import.rollback",
			Note: done.Note() + " (" + im.source() + ")"})
	})
}

type importer struct {
	ctx   context.Context
	desk  *Desk
	actor Actor
	opts  ImportOptions
	rep   ImportReport

	cols     map[string]int
	orgs     map[string]ID // name key -> id; negative ids are orgs a dry run would create
	byDomain map[string]ID
	batch    []User
	pending  []importEntry // index data of batch, in the same order
	sorted   *entrySorter  // every written row's index data, for the final sorted pass
	started  bool
	fakeOrgs ID
	nearOK   bool // the suggestion index's near matches are ready
}

func (im *importer) fail(line int, email, reason string) {
	im.rep.Failed++
	if im.opts.RowError != nil {
		im.opts.RowError(RowError{Line: line, Email: email, Reason: reason})
	}
}

func (im *importer) run(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return invalid("csv", "the file is empty; the first line must name the columns (email, name, ...)")
	}
	if err != nil {
		return invalid("csv", "cannot read the header line: %v", err)
	}
	if err := im.readHeader(header); err != nil {
		return err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if im.rep.Rows%1024 == 0 {
			if err := im.ctx.Err(); err != nil {
				return err
			}
		}
		im.rep.Rows++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				im.fail(pe.Line, "", "not valid CSV: "+pe.Err.Error())
				continue
			}
			return err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(im.cols) {
			im.fail(line, "", fmt.Sprintf("has %d fields; the header has %d", len(rec), len(im.cols)))
			continue
		}
		if col := notUTF8(im.cols, rec); col != "" {
			// Skipped and reported like any bad row, never stored as U+FFFD.
			im.fail(line, "", col+" is not valid UTF-8 (the file may be Latin-1; save it as UTF-8)")
			continue
		}
		if err := im.row(line, rec); err != nil {
			return err
		}
		if len(im.batch) == importBatch {
			if err := im.flush(); err != nil {
				return err
			}
		}
	}
	if err := im.flush(); err != nil {
		return err
	}
	return im.finish()
}

func (im *importer) readHeader(header []string) error {
	im.cols = map[string]int{}
	var unknown []string
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // spreadsheets save a byte-order mark
		}
		name := strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(importColumns, name) {
			unknown = append(unknown, fmt.Sprintf("%q", h))
			continue
		}
		if _, dup := im.cols[name]; dup {
			return invalid("csv", "the column %s appears twice in the header", name)
		}
		im.cols[name] = i
	}
	if len(unknown) > 0 {
		return invalid("csv", "unknown column %s in the header; the columns are %s", strings.Join(unknown, ", "), strings.Join(importColumns, ", "))
	}
	if _, ok := im.cols["email"]; !ok {
		return invalid("csv", "the header has no email column; it is required")
	}
	return nil
}

// notUTF8 names the first column (in importColumns order) whose field in
// rec is not UTF-8, or is "".
func notUTF8(cols map[string]int, rec []string) string {
	for _, name := range importColumns {
		if i, ok := cols[name]; ok && !utf8.ValidString(rec[i]) {
			return name
		}
	}
	return ""
}

func (im *importer) field(rec []string, name string) string {
	if i, ok := im.cols[name]; ok {
		return rec[i]
	}
	return ""
}

func (im *importer) row(line int, rec []string) error {
	in := UserInput{
		Email: im.field(rec, "email"), Name: im.field(rec, "name"), Org: im.field(rec, "organization"),
		TimeZone: im.field(rec, "time_zone"), Language: im.field(rec, "language"),
		Phone: im.field(rec, "phone"), Role: im.field(rec, "role"),
	}
	f, err := validateInput(in)
	if err != nil {
		im.fail(line, strings.TrimSpace(in.Email), err.Error())
		return nil
	}
	state, before := StatePending, State("")
	if raw := strings.TrimSpace(im.field(rec, "state")); raw != "" {
		if state, err = ParseState(raw); err != nil {
			im.fail(line, f.email.Address, err.Error())
			return nil
		}
		if state == StateDisabled {
			before = StateActive // enabling an imported disabled user makes it active
		}
	}
	if skip, err := im.skipNear(line, f.email); skip || err != nil {
		return err
	}
	orgID, err := im.org(f)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			im.fail(line, f.email.Address, err.Error())
			return nil
		}
		return err
	}
	now := im.desk.clock()
	im.pending = append(im.pending, importEntry{IndexEntry: IndexEntry{Key: f.email.Key}, Line: line})
	im.batch = append(im.batch, User{
		Email: f.email.Address, Name: f.name, OrgID: orgID, TimeZone: f.tz, Language: f.lang,
		Phone: f.phone, Role: f.role, State: state, StateBeforeDisable: before, Version: 1,
		CreatedAt: now, UpdatedAt: now, UpdatedBy: im.actor.String(),
	})
	return nil
}

// org resolves the row's organization: named (created when missing) or by
// the email's domain.
func (im *importer) org(f userFields) (ID, error) {
	if f.orgGiven {
		name, err := parseOrgName(f.org)
		if err != nil {
			return 0, invalid("organization", "%s", err.(*ValidationError).Reason)
		}
		key := NameKey(name)
		if id, ok := im.orgs[key]; ok {
			return id, nil
		}
		o, err := im.desk.OrgByName(name)
		switch {
		case err == nil:
		case !IsNotFound(err):
			return 0, err
		case im.opts.DryRun:
			im.fakeOrgs--
			o.ID = im.fakeOrgs
			im.rep.OrgsCreated = append(im.rep.OrgsCreated, name)
		default:
			o, err = im.desk.createOrg(im.actor, OrgInput{Name: name, Notes: "created by import"}, func(tx Tx, o Organization) error {
				if err := im.begin(tx); err != nil {
					return err
				}
				return tx.BulkNoteOrg(o.ID)
			})
			if err != nil {
				return 0, err
			}
			im.started = true
			im.rep.OrgsCreated = append(im.rep.OrgsCreated, name)
		}
		im.orgs[key] = o.ID
		return o.ID, nil
	}
	dom := f.email.Domain
	if id, ok := im.byDomain[dom]; ok {
		return id, nil
	}
	var id ID
	err := im.desk.store.View(func(tx Tx) error {
		var err error
		id, err = orgForDomain(tx, dom)
		return err
	})
	im.byDomain[dom] = id
	return id, err
}

// flush drops the batch's rows whose email is already on the desk and writes
// the rest (records only; the index comes at the end).
func (im *importer) flush() error {
	if len(im.batch) == 0 {
		return nil
	}
	keep := make([]User, 0, len(im.batch))
	entries := make([]importEntry, 0, len(im.batch))
	err := im.desk.store.View(func(tx Tx) error {
		for i, u := range im.batch {
			e := im.pending[i]
			id, err := tx.UserIDByEmail(e.Key)
			if errors.Is(err, ErrNotFound) {
				keep = append(keep, u)
				entries = append(entries, e)
				continue
			}
			if err != nil {
				return err
			}
			im.fail(e.Line, u.Email, fmt.Sprintf("already on the desk (user %d)", id))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !im.opts.DryRun && len(keep) > 0 {
		err = im.desk.store.Update(func(tx Tx) error {
			if err := im.begin(tx); err != nil {
				return err
			}
			return tx.BulkAppendUsers(keep)
		})
		if err != nil {
			return err
		}
		im.started = true
	}
	for i, e := range entries {
		e.ID = keep[i].ID // zero in a dry run
		if err := im.sorted.add(e); err != nil {
			return err
		}
	}
	im.rep.Imported += len(keep)
	im.batch, im.pending = im.batch[:0], im.pending[:0]
	if im.opts.Progress != nil {
		im.opts.Progress(im.rep.Rows)
	}
	return nil
}

// finish walks every written row in email order: a row whose email an
// earlier line of the file already has is a duplicate; the rest get their
// index entries, a chunk per transaction, each chunk touching a contiguous
// key range. The last transaction writes the audit entry and clears the
// import mark.
func (im *importer) finish() error {
	var chunk []importEntry
	dupes := map[ID]bool{}
	var prev importEntry
	err := im.sorted.each(func(e importEntry) error {
		if e.Key == prev.Key {
			im.fail(e.Line, e.Key, fmt.Sprintf("duplicate of line %d in this file", prev.Line))
			im.rep.Imported--
			if im.opts.DryRun {
				return nil
			}
			dupes[e.ID] = true // BulkIndex finds its key taken and removes the record
		} else {
			prev = e
		}
		if im.opts.DryRun {
			return nil
		}
		chunk = append(chunk, e)
		if len(chunk) == importBatch {
			err := im.indexChunk(chunk, dupes, false)
			chunk, dupes = chunk[:0], map[ID]bool{}
			return err
		}
		return nil
	})
	if err != nil || im.opts.DryRun || !im.started {
		return err
	}
	return im.indexChunk(chunk, dupes, true)
}

func (im *importer) indexChunk(chunk []importEntry, dupes map[ID]bool, last bool) error {
	if err := im.ctx.Err(); err != nil {
		return err
	}
	entries := make([]IndexEntry, len(chunk))
	lines := make(map[ID]int, len(chunk))
	for i, e := range chunk {
		entries[i] = e.IndexEntry
		lines[e.ID] = e.Line
	}
	var taken []ID
	err := im.desk.update(func(tx Tx, c *commit) error {
		var err error
		if taken, err = tx.BulkIndex(entries); err != nil {
			return err
		}
		gone := map[ID]bool{}
		for _, id := range taken {
			gone[id] = true
		}
		if len(entries) > maxIndexPuts {
			// So many Puts would fold the suggestion index's delta into a
			// new base again and again: rebuilding it once, from the store
			// at its next use, costs less.
			c.rebuildIndex = true
		} else {
			for _, e := range entries {
				if !gone[e.ID] {
					c.addedEmails = append(c.addedEmails, e)
				}
			}
		}
		if !last {
			return nil
		}
		if err := tx.BulkEnd(); err != nil {
			return err
		}
		c.event("import", 0)
		return audit(tx, AuditEntry{
			At: im.desk.clock(), Actor: im.actor.String(), Action: "user.import",
			Note: fmt.Sprintf("imported %d users from %s", im.rep.Imported-countNotIn(taken, dupes), im.source()),
		})
	})
	if err != nil {
		return err
	}
	for _, id := range taken {
		if !dupes[id] {
			im.fail(lines[id], keyOf(chunk, id), "created by someone else while the import ran")
			im.rep.Imported--
		}
	}
	return nil
}

func countNotIn(ids []ID, set map[ID]bool) int {
	n := 0
	for _, id := range ids {
		if !set[id] {
			n++
		}
	}
	return n
}

func keyOf(chunk []importEntry, id ID) string {
	for _, e := range chunk {
		if e.ID == id {
			return e.Key
		}
	}
	return ""
}

func (im *importer) source() string {
	if im.opts.Source == "" {
		return "standard input"
	}
	return im.opts.Source
}
