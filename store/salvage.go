package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"helpdesk/domain"
)

// SalvageCount is what Salvage kept and lost of one kind of record.
type SalvageCount struct {
	Kind       string // plural, as people say it
	Kept, Lost int
}

// SalvageReport says what Salvage copied: a count per kind, and notes on
// what it had to change or could not read.
type SalvageReport struct {
	Counts []SalvageCount
	Notes  []string
	// Incomplete is set when a damaged page stopped a walk: the records
	// after it are lost and not counted.
	Incomplete bool
}

// Lost is the number of records lost, of every kind.
func (r SalvageReport) Lost() int {
	n := 0
	for _, c := range r.Counts {
		n += c.Lost
	}
	return n
}

// salvaged is one record that verified: its key and its JSON.
type salvaged struct{ k, js []byte }

// Salvage copies every record of the file src that still verifies and
// decodes into the new file dst, rebuilding every index from the records,
// and reports per kind what it kept and lost. It opens src read-only and
// tolerates damage; it refuses a dst that exists. The new file passes
// Check, or Salvage says why not.
func Salvage(ctx context.Context, src, dst string) (SalvageReport, error) {
	var rep SalvageReport
	if _, err := os.Lstat(dst); err == nil {
		return rep, fmt.Errorf("%s already exists: salvage writes a new file, so name one that does not exist", dst)
	}
	info, err := os.Stat(src)
	if err != nil {
		return rep, fmt.Errorf("cannot salvage %s: %w", src, err)
	}
	if info.Size() == 0 {
		return rep, fmt.Errorf("cannot salvage %s: the file is empty, so there is nothing to copy", src)
	}
	var in *bolt.DB
	what, damaged := recoverDamage(func() {
		in, err = bolt.Open(src, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	})
	if damaged {
		return rep, fmt.Errorf("cannot salvage %s: bbolt cannot open it (%s); restore the last backup", src, what)
	}
	if errors.Is(err, berrors.ErrTimeout) {
		return rep, fmt.Errorf("cannot salvage %s: a helpdesk process holds it; stop that process first", src)
	}
	if err != nil {
		return rep, fmt.Errorf("cannot salvage %s: bbolt cannot open it (%v); restore the last backup", src, err)
	}
	defer in.Close()

	got := map[string][]salvaged{}
	lost := map[string]int{}
	var settings, importMark []byte
	schema := SchemaVersion()
	seqs := map[string]uint64{}
	var members [][]byte // group_members keys
	logos := map[domain.ID][]byte{}
	atts := map[string][]byte{} // attachments' bytes by key
	kinds := map[string]recordKind{}
	for _, rk := range recordKinds {
		kinds[string(rk.bucket)] = rk
	}
	// The pages are read from the file, not through bbolt's mapping and
	// cursors: a damaged page can neither fault nor send a walk round in a
	// loop. Every element that lies inside its page is looked at.
	var broken []string
	err = in.View(func(btx *bolt.Tx) error {
		w := &pageWalker{bucket: func(name []byte, seq uint64) { seqs[string(name)] = seq }}
		w.leaf = func(bucket, k, v []byte) {
			if ctx.Err() != nil {
				return
			}
			switch name := string(bucket); {
			case kinds[name].kind != "":
				rk := kinds[name]
				js, err := unseal(v)
				if err == nil {
					err = json.Unmarshal(js, rk.zero())
				}
				if err != nil {
					lost[rk.kind]++
					return
				}
				got[rk.kind] = append(got[rk.kind], salvaged{k: bytes.Clone(k), js: bytes.Clone(js)})
			case name == string(bucketMeta):
				switch string(k) {
				case string(keySettings):
					if js, err := unseal(v); err == nil && json.Unmarshal(js, new(domain.Settings)) == nil {
						settings = bytes.Clone(js)
					} else {
						rep.Notes = append(rep.Notes, "the desk settings fail their checksum and are lost")
					}
				case string(keyImport):
					importMark = bytes.Clone(v)
				case string(keySchema):
					if v := int(btoi(v)); v > 0 {
						schema = v
					}
				}
			case name == string(bucketGroupMembers):
				if len(k) == 16 {
					members = append(members, bytes.Clone(k))
				}
			case name == string(bucketOrgLogos):
				logos[domain.ID(btoi(k))] = bytes.Clone(v)
			case name == string(bucketAttachments):
				if len(k) == 24 {
					atts[string(k)] = bytes.Clone(v)
				}
			}
		}
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		w.f, w.pageSize, w.seen = f, uint64(btx.DB().Info().PageSize), map[uint64]bool{}
		w.highMark = uint64(btx.Size()) / w.pageSize
		w.page(uint64(btx.Cursor().Bucket().Root()), "the root bucket", 0, 0, nil)
		broken = w.problems
		return ctx.Err()
	})
	if err != nil {
		return rep, fmt.Errorf("cannot salvage %s: %w", src, err)
	}
	for _, p := range broken {
		rep.Notes = append(rep.Notes, "damaged: "+p+"; what it held is lost")
		rep.Incomplete = true
	}
	// Records with the same key are the same record reached twice (a
	// damaged branch): keep the first.
	for kind, rs := range got {
		seen := map[string]bool{}
		got[kind] = slices.DeleteFunc(rs, func(r salvaged) bool {
			dup := seen[string(r.k)]
			seen[string(r.k)] = true
			return dup
		})
		slices.SortFunc(got[kind], func(a, b salvaged) int { return bytes.Compare(a.k, b.k) })
	}
	total := 0
	for _, kept := range got {
		total += len(kept)
	}
	if total == 0 && rep.Incomplete {
		return rep, fmt.Errorf("cannot salvage %s: no record could be read past its damaged pages; restore the last backup", src)
	}
	if schema > SchemaVersion() {
		return rep, fmt.Errorf("cannot salvage %s: it has schema version %d, newer than this helpdesk understands (%d); use a newer helpdesk", src, schema, SchemaVersion())
	}
	out, err := createAt(dst, SchemaVersion())
	if err != nil {
		return rep, err
	}
	w := &salvageWriter{got: got, lost: lost, logos: logos, atts: atts, members: members, seqs: seqs, rep: &rep}
	if mark := btoi(importMark); mark != 0 {
		w.importFrom = domain.ID(mark)
	}
	err = out.guard(func() error {
		return out.bolt.Update(func(btx *bolt.Tx) error {
			if err := w.write(ctx, &tx{btx: btx}, settings); err != nil {
				return err
			}
			// Records of an older file go through the migrations they
			// have not seen yet (each tolerates records already in the
			// newer form).
			for _, m := range migrations {
				if m.version > schema {
					if err := m.apply(btx); err != nil {
						return fmt.Errorf("migrate to version %d (%s): %w", m.version, m.what, err)
					}
				}
			}
			return nil
		})
	})
	if err == nil {
		err = out.bolt.Sync()
	}
	if err == nil {
		var problems []Problem
		if problems, err = out.Check(ctx); err == nil && len(problems) > 0 {
			err = fmt.Errorf("the salvaged file does not pass check: %s", problems[0])
		}
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return rep, fmt.Errorf("salvage %s into %s: %w", src, dst, err)
	}
	for _, rk := range recordKinds {
		rep.Counts = append(rep.Counts, SalvageCount{Kind: rk.plural, Kept: w.kept[rk.kind], Lost: w.lost[rk.kind]})
	}
	return rep, nil
}

// salvageWriter writes what Salvage read into the new file, through the
// store's own Put methods, which build every index.
type salvageWriter struct {
	got        map[string][]salvaged
	lost, kept map[string]int
	logos      map[domain.ID][]byte
	atts       map[string][]byte
	members    [][]byte
	importFrom domain.ID
	seqs       map[string]uint64
	rep        *SalvageReport
}

func (w *salvageWriter) note(format string, args ...any) {
	w.rep.Notes = append(w.rep.Notes, fmt.Sprintf(format, args...))
}

// each decodes the kept records of one kind into T and hands them to put;
// a record put refuses is lost.
func each[T any](w *salvageWriter, kind string, put func(k []byte, v *T) (bool, error)) error {
	for _, r := range w.got[kind] {
		var v T
		if err := json.Unmarshal(r.js, &v); err != nil {
			w.lost[kind]++
			continue
		}
		ok, err := put(r.k, &v)
		if err != nil {
			return err
		}
		if ok {
			w.kept[kind]++
		} else {
			w.lost[kind]++
		}
	}
	return nil
}

// raw puts the kept records of one kind under their own keys, sealed again.
func (w *salvageWriter) raw(t *tx, kind string, bucket []byte) error {
	b := t.bucket(bucket)
	for _, r := range w.got[kind] {
		if err := b.Put(r.k, seal(r.js)); err != nil {
			return err
		}
		w.kept[kind]++
	}
	return nil
}

func (w *salvageWriter) write(ctx context.Context, t *tx, settings []byte) error {
	w.kept = map[string]int{}
	if settings != nil {
		if err := t.bucket(bucketMeta).Put(keySettings, seal(settings)); err != nil {
			return err
		}
	}
	// Organizations, each after the parent it names (a parent may be newer
	// than its child: an organization can be moved under a later one).
	w.got["organization"] = parentsFirst(w.got["organization"])
	orgs := map[domain.ID]bool{}
	err := each(w, "organization", func(_ []byte, o *domain.Organization) (bool, error) {
		if o.ParentID != 0 && !orgs[o.ParentID] {
			w.note("organization %d (%s): its parent %d was lost; it is now a top-level organization", o.ID, o.Name, o.ParentID)
			o.ParentID = 0
		}
		logo := w.logos[o.ID]
		if o.Brand != nil && o.Brand.LogoType != "" && len(logo) != o.Brand.LogoSize {
			w.note("organization %d (%s): its logo was lost", o.ID, o.Name)
			o.Brand.LogoType, o.Brand.LogoSize, logo = "", 0, nil
		}
		if t.PutOrg(o) != nil {
			return false, nil // its name, domain or slug is taken by another kept one
		}
		orgs[o.ID] = true
		if o.Brand != nil && logo != nil {
			if err := t.PutLogo(o.ID, logo); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	users := map[domain.ID]bool{}
	err = each(w, "user", func(_ []byte, u *domain.User) (bool, error) {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if w.importFrom != 0 && u.ID >= w.importFrom {
			return false, nil // an unfinished import is all or nothing
		}
		if u.OrgID != 0 && !orgs[u.OrgID] {
			w.note("user %d (%s): organization %d was lost; the user is kept without it", u.ID, u.Email, u.OrgID)
			u.OrgID = 0
		}
		if t.PutUser(u) != nil {
			return false, nil // its email is taken by another kept one
		}
		users[u.ID] = true
		return true, nil
	})
	if err != nil {
		return err
	}
	if w.importFrom != 0 {
		w.note("an import was unfinished: its users (from id %d on) are left out, as opening the file would have rolled them back", w.importFrom)
	}
	entries := t.bucket(bucketAudit)
	entries.FillPercent = 1.0
	err = each(w, "audit entry", func(_ []byte, e *domain.AuditEntry) (bool, error) {
		v, err := encode(e)
		if err == nil {
			err = entries.Put(idKey(e.ID), v)
		}
		if err == nil && e.SubjectID != 0 {
			err = t.bucket(bucketAuditBySubject).Put(subjectKey(e.SubjectKind, e.SubjectID, e.ID), nil)
		}
		return err == nil, err
	})
	if err != nil {
		return err
	}
	outbox := map[domain.ID]bool{}
	err = each(w, "outbox message", func(_ []byte, m *domain.OutboxMessage) (bool, error) {
		if t.PutMessage(m) != nil {
			return false, nil
		}
		outbox[m.ID] = true
		return true, nil
	})
	if err != nil {
		return err
	}
	err = each(w, "agent", func(_ []byte, a *domain.Agent) (bool, error) {
		return t.PutAgent(a) == nil, nil
	})
	if err != nil {
		return err
	}
	groups := map[domain.ID]bool{}
	err = each(w, "group", func(_ []byte, g *domain.Group) (bool, error) {
		if g.OrgID != 0 && !orgs[g.OrgID] {
			w.note("group %d (%s): organization %d was lost; the group is kept without it", g.ID, g.Name, g.OrgID)
			g.OrgID = 0
		}
		if t.PutGroup(g) != nil {
			return false, nil
		}
		groups[g.ID] = true
		return true, nil
	})
	if err != nil {
		return err
	}
	for _, k := range w.members {
		g, u := domain.ID(btoi(k[:8])), domain.ID(btoi(k[8:]))
		if groups[g] && users[u] {
			if err := t.AddGroupMember(g, u); err != nil {
				return err
			}
		}
	}
	// Conversations keep the run of messages 1, 2, ... that survived.
	msgs := map[domain.ID][]domain.ConvMessage{}
	for _, r := range w.got["conversation message"] {
		var m domain.ConvMessage
		if json.Unmarshal(r.js, &m) == nil && len(r.k) == 16 && m.ConvID == domain.ID(btoi(r.k[:8])) && m.Seq == int(btoi(r.k[8:])) {
			msgs[m.ConvID] = append(msgs[m.ConvID], m)
		} else {
			w.lost["conversation message"]++
		}
	}
	err = each(w, "conversation", func(_ []byte, c *domain.Conversation) (bool, error) {
		ms := msgs[c.ID]
		delete(msgs, c.ID)
		if !users[c.RequesterID] {
			w.lost["conversation message"] += len(ms)
			return false, nil
		}
		slices.SortFunc(ms, func(a, b domain.ConvMessage) int { return a.Seq - b.Seq })
		n := 0
		for _, m := range ms {
			if m.Seq != n+1 {
				break
			}
			if m.OutboxID != 0 && !outbox[m.OutboxID] {
				m.OutboxID = 0
			}
			if err := w.attachments(t, &m); err != nil {
				return false, err
			}
			if err := t.PutConvMessage(&m); err != nil {
				return false, err
			}
			n++
		}
		w.kept["conversation message"] += n
		w.lost["conversation message"] += len(ms) - n
		if n != c.Messages {
			w.note("conversation %d: %d of its %d messages are kept", c.ID, n, c.Messages)
			c.Messages = n
		}
		if kept := slices.DeleteFunc(slices.Clone(c.Collaborators), func(u domain.ID) bool { return !users[u] }); len(kept) != len(c.Collaborators) {
			w.note("conversation %d: %d of its %d collaborators are kept", c.ID, len(kept), len(c.Collaborators))
			c.Collaborators = kept
		}
		if t.PutConversation(c) != nil {
			return false, t.deleteInbound(c.ID)
		}
		// Threading goes on: the Message-IDs it kept are indexed again.
		return true, indexConvMailIDs(t, *c)
	})
	if err != nil {
		return err
	}
	for _, ms := range msgs {
		w.lost["conversation message"] += len(ms)
	}
	for _, kb := range []struct {
		kind   string
		bucket []byte
	}{{"template", bucketTemplates}, {"token", bucketTokens}, {"portal session", bucketSessions}, {"sign-in record", bucketSignIn}} {
		if err := w.raw(t, kb.kind, kb.bucket); err != nil {
			return err
		}
	}
	// New ids go on after the highest one kept.
	for _, b := range sequenced {
		bk := t.bucket(b)
		seq := max(w.seqs[string(b)], bk.Sequence())
		if k, _ := bk.Cursor().Last(); k != nil {
			seq = max(seq, btoi(k))
		}
		if err := bk.SetSequence(seq); err != nil {
			return err
		}
	}
	return nil
}

// sequenced are the buckets whose ids come from NextSequence.
var sequenced = [][]byte{bucketUsers, bucketOrgs, bucketAudit, bucketOutbox, bucketAgents, bucketConversations, bucketGroups}

// createAt creates a new database file at schema version v and opens it.
func createAt(path string, v int) (*DB, error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	err = b.Update(func(btx *bolt.Tx) error {
		for _, m := range migrations {
			if m.version > v {
				break
			}
			if err := m.apply(btx); err != nil {
				return err
			}
		}
		return btx.Bucket(bucketMeta).Put(keySchema, itob(uint64(v)))
	})
	if err != nil {
		b.Close()
		os.Remove(path)
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &DB{bolt: b, path: path}, nil
}

// parentsFirst orders organization records (in id order) so that each
// comes after the parent it names: top-level ones and those whose parent
// is not among them first, then down the tree, breadth first. A cycle
// (only damage can write one) follows, from its lowest id, which loses
// its parent when written; records that do not decode come last.
func parentsFirst(rs []salvaged) []salvaged {
	ids := make([]domain.ID, len(rs))
	present := map[domain.ID]bool{}
	children := map[domain.ID][]int{}
	var queue, undecoded []int
	parents := make([]domain.ID, len(rs))
	bad := make([]bool, len(rs))
	for i, r := range rs {
		var o domain.Organization
		if json.Unmarshal(r.js, &o) != nil {
			undecoded, bad[i] = append(undecoded, i), true
			continue
		}
		ids[i], parents[i] = o.ID, o.ParentID
		present[o.ID] = true
	}
	for i := range rs {
		if bad[i] {
			continue
		}
		if p := parents[i]; p == 0 || p == ids[i] || !present[p] {
			queue = append(queue, i)
		} else {
			children[p] = append(children[p], i)
		}
	}
	out := make([]salvaged, 0, len(rs))
	placed := make([]bool, len(rs))
	walk := func(queue []int) {
		for ; len(queue) > 0; queue = queue[1:] {
			i := queue[0]
			if placed[i] {
				continue
			}
			placed[i] = true
			out = append(out, rs[i])
			queue = append(queue, children[ids[i]]...)
			delete(children, ids[i]) // two records with one id: their children once
		}
	}
	walk(queue)
	for i := range rs {
		if !placed[i] && !bad[i] {
			walk([]int{i}) // a cycle: start at its lowest id
		}
	}
	for _, i := range undecoded {
		out = append(out, rs[i])
	}
	return out
}

// attachments writes the bytes of a kept message's attachments; one whose
// bytes were lost (or do not match its size) leaves the message's list.
func (w *salvageWriter) attachments(t *tx, m *domain.ConvMessage) error {
	var kept []domain.Attachment
	for i, a := range m.Attachments {
		b, ok := w.atts[string(attachmentKey(m.ConvID, m.Seq, i+1))]
		if !ok || int64(len(b)) != a.Size {
			w.note("conversation %d: message %d: attachment %s was lost", m.ConvID, m.Seq, a.Name)
			continue
		}
		if err := t.PutAttachment(m.ConvID, m.Seq, len(kept)+1, b); err != nil {
			return err
		}
		kept = append(kept, a)
	}
	m.Attachments = kept
	return nil
}
