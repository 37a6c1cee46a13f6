package domain

import (
	"container/heap"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
)

// Conversations on the portal. What a signed-in user may see is decided by
// one method, portalViewer.sees, used by the list, the thread, the reply and
// the note alike; a conversation it does not see is the same not-found error
// as a missing id. A customer sees its own conversations and, with the
// conversations.org permission, those of its organization and every
// organization below it; a collaborator sees exactly the conversations it
// was added to. Internal notes reach collaborators only.

// ConvPos is a conversation's place in activity order: the Unix time in
// nanoseconds of its ActivityTime, then its id. Newer is greater.
type ConvPos struct {
	At int64
	ID ID
}

// IsZero reports whether p is the zero position ("from the newest").
func (p ConvPos) IsZero() bool { return p == ConvPos{} }

func (p ConvPos) less(q ConvPos) bool {
	return p.At < q.At || p.At == q.At && p.ID < q.ID
}

// ActivityTime is when the conversation last had a public message; a
// record written before ActivityAt existed uses its UpdatedAt.
func (c Conversation) ActivityTime() time.Time {
	if !c.ActivityAt.IsZero() {
		return c.ActivityAt
	}
	if !c.UpdatedAt.IsZero() {
		return c.UpdatedAt
	}
	return c.CreatedAt
}

// ActivityPos is the conversation's position in the portal's indexes.
func (c Conversation) ActivityPos() ConvPos {
	return ConvPos{At: max(c.ActivityTime().UnixNano(), 0), ID: c.ID}
}

// PortalConv is one row of a customer's portal home. Conversation holds
// only what the viewer may see: for a customer, no collaborators, no
// assignee, tags or editor, UpdatedAt is the last activity, and Messages
// is 0 (the stored count includes notes).
type PortalConv struct {
	Conversation
	LastActivity time.Time // the newest public message
	Requester    string    // requester's display name and email, set only when it is not the viewer
}

// PortalThread is what the viewer may see of one conversation.
type PortalThread struct {
	Conv         Conversation  // as in PortalConv; Messages counts the messages given
	Requester    string        // set only when it is not the viewer
	Messages     []ConvMessage // customers: public messages only (Kind == KindReply); collaborators: also notes
	CanReply     bool          // a public reply (customers)
	CanNote      bool          // an internal note (collaborators)
	Collaborator bool          // the viewer is a collaborator of this conversation
}

// PortalRefusedError is a portal action the user may not take, in one
// sentence that says why and what to do.
type PortalRefusedError struct{ Reason string }

func (e *PortalRefusedError) Error() string { return e.Reason }

func refused(format string, args ...any) error {
	return &PortalRefusedError{Reason: fmt.Sprintf(format, args...)}
}

// portalViewer is a signed-in user as the portal's visibility rule needs it.
type portalViewer struct {
	u      User
	collab bool
	perms  CustomerPerms
	orgs   map[ID]bool // the organization subtree a customer sees (conversations.org); nil otherwise
}

// viewerOf loads the user and what it may see. A user who may not sign in
// (disabled, or under an inactive organization) gets a SignInError.
func viewerOf(tx Tx, userID ID) (portalViewer, error) {
	var v portalViewer
	u, err := tx.User(userID)
	if IsNotFound(err) {
		return v, notFound("no user with id %d", userID)
	}
	if err != nil {
		return v, err
	}
	why, err := signInBlock(tx, u)
	if err != nil {
		return v, err
	}
	if why != "" {
		return v, &SignInError{Reason: why}
	}
	v.u, v.collab = u, u.Role == RoleCollaborator
	for gid := range tx.UserGroups(u.ID) {
		g, err := tx.Group(gid)
		if err != nil {
			return v, fmt.Errorf("group %d of user %d: %w", gid, u.ID, err)
		}
		v.perms |= g.Perms
	}
	if !v.collab && v.perms&CustConversationsOrg != 0 && u.OrgID != 0 {
		if v.orgs, err = orgSubtree(tx, u.OrgID); err != nil {
			return v, err
		}
	}
	return v, nil
}

// orgSubtree is an organization and every organization below it, walked
// down through the children index: it reads no organization record, so
// its cost is the subtree's size, not the desk's.
func orgSubtree(tx Tx, root ID) (map[ID]bool, error) {
	out := map[ID]bool{root: true}
	for queue := []ID{root}; len(queue) > 0; queue = queue[1:] {
		for ch := range tx.OrgChildren(queue[0]) {
			if !out[ch] { // a cycle cannot be stored, but never loop on one
				out[ch] = true
				queue = append(queue, ch)
			}
		}
	}
	return out, nil
}

// sees is the portal's one visibility rule.
func (v portalViewer) sees(c Conversation) bool {
	if v.collab {
		return slices.Contains(c.Collaborators, v.u.ID)
	}
	return c.RequesterID == v.u.ID || c.OrgID != 0 && v.orgs[c.OrgID]
}

// writeBlock says why the viewer may not write now ("" when it may): a
// pending user has not verified its address yet.
func (v portalViewer) writeBlock() string {
	if v.u.State != StateActive {
		return fmt.Sprintf("%s is %s: verify the address with the link the desk mailed before writing", v.u.Email, v.u.State)
	}
	return ""
}

// present is what the viewer gets of a conversation record: a collaborator
// the record, a customer only what a customer may know.
func (v portalViewer) present(c Conversation) Conversation {
	if v.collab {
		return c
	}
	return Conversation{
		ID: c.ID, Subject: c.Subject, RequesterID: c.RequesterID, OrgID: c.OrgID, Status: c.Status,
		ThreadID: c.ThreadID, ActivityAt: c.ActivityTime(), CreatedAt: c.CreatedAt, UpdatedAt: c.ActivityTime(),
	}
}

// requesterLabel is "Name <email>" of the requester, "" when it is the
// viewer.
func (v portalViewer) requesterLabel(tx Tx, c Conversation) (string, error) {
	if c.RequesterID == v.u.ID {
		return "", nil
	}
	u, err := tx.User(c.RequesterID)
	if err != nil {
		return "", fmt.Errorf("requester %d of conversation %d: %w", c.RequesterID, c.ID, err)
	}
	if u.Name == "" {
		return u.Email, nil
	}
	return u.Name + " <" + u.Email + ">", nil
}

// visibleConv reads a conversation the viewer sees; anything else is the
// not-found error of a missing id.
func visibleConv(tx Tx, v portalViewer, id ID) (Conversation, error) {
	c, err := loadConv(tx, id, 0)
	if err != nil {
		return c, err
	}
	if !v.sees(c) {
		return Conversation{}, notFound("no conversation with id %d", id)
	}
	return c, nil
}

// streams are the index runs the viewer's conversations are in.
func (v portalViewer) streams(tx Tx, from ConvPos) []iter.Seq[ConvPos] {
	if v.collab {
		return []iter.Seq[ConvPos]{tx.ConvsByCollaborator(v.u.ID, from)}
	}
	out := []iter.Seq[ConvPos]{tx.ConvsByRequesterActivity(v.u.ID, from)}
	for _, o := range slices.Sorted(mapKeys(v.orgs)) {
		out = append(out, tx.ConvsByOrg(o, from))
	}
	return out
}

func mapKeys(m map[ID]bool) iter.Seq[ID] {
	return func(yield func(ID) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// PortalConversations lists what the user sees on its portal home, newest
// activity first: up to limit rows (0: all), starting below the row whose
// id is before (0: the newest), and the before of the next page (0 when
// there is no more). The organization subtree's indexes are merged, so a
// page reads only the records it shows.
func (d *Desk) PortalConversations(userID ID, before ID, limit int) ([]PortalConv, ID, error) {
	var out []PortalConv
	var next ID
	err := d.store.View(func(tx Tx) error {
		out, next = nil, 0
		v, err := viewerOf(tx, userID)
		if err != nil {
			return err
		}
		var from ConvPos
		if before != 0 {
			c, err := tx.Conversation(before)
			if err != nil && !IsNotFound(err) {
				return err
			}
			if err != nil || !v.sees(c) {
				// The row the page ended at is gone, or was never the
				// viewer's: nothing can be placed below it (and another's
				// conversation tells nothing of its activity).
				return nil
			}
			from = c.ActivityPos()
		}
		for pos := range mergeNewest(v.streams(tx, from)) {
			c, err := tx.Conversation(pos.ID)
			if err != nil {
				return fmt.Errorf("conversation %d: %w", pos.ID, err)
			}
			if !v.sees(c) {
				continue
			}
			if limit > 0 && len(out) == limit {
				next = out[len(out)-1].ID
				break
			}
			req, err := v.requesterLabel(tx, c)
			if err != nil {
				return err
			}
			out = append(out, PortalConv{Conversation: v.present(c), LastActivity: c.ActivityTime(), Requester: req})
		}
		return nil
	})
	return out, next, err
}

// PortalConversation is one conversation as the user may see it. A
// conversation it may not see is "no conversation with id N", as for one
// that does not exist.
func (d *Desk) PortalConversation(userID, convID ID) (PortalThread, error) {
	var th PortalThread
	err := d.store.View(func(tx Tx) error {
		th = PortalThread{}
		v, err := viewerOf(tx, userID)
		if err != nil {
			return err
		}
		c, err := visibleConv(tx, v, convID)
		if err != nil {
			return err
		}
		for m, err := range tx.ConvMessages(c.ID) {
			if err != nil {
				return err
			}
			if m.Kind == KindReply || v.collab && m.Kind == KindNote {
				th.Messages = append(th.Messages, m)
			}
		}
		th.Conv = v.present(c)
		if !v.collab {
			th.Conv.Messages = len(th.Messages)
		}
		if th.Requester, err = v.requesterLabel(tx, c); err != nil {
			return err
		}
		canWrite := v.writeBlock() == ""
		th.CanReply, th.CanNote, th.Collaborator = canWrite && !v.collab, canWrite && v.collab, v.collab
		return nil
	})
	return th, err
}

// PortalReply is the customer's public reply on a conversation it sees:
// stored as the customer's (actor customer:EMAIL, FromCustomer, Via
// "portal"), never mailed back, reopening the conversation. A collaborator
// never sends a public reply.
func (d *Desk) PortalReply(userID, convID ID, body string) (ConvMessage, error) {
	return d.portalWrite(userID, convID, body, func(tx Tx, c *commit, v portalViewer, before Conversation, body string) (ConvMessage, error) {
		if v.collab {
			return ConvMessage{}, refused("a collaborator cannot send a public reply; add an internal note instead")
		}
		_, msg, err := d.addCustomerMessage(tx, c, before, v.u, CustomerMessage{Body: body, Via: "portal"}, d.clock())
		return msg, err
	})
}

// portalWrite is the one frame of a portal user's message on a
// conversation: the body cleaned, then in one transaction the viewer read,
// the conversation found only if the viewer sees it (else the not-found of
// a missing id), write's own check, the viewer's write block, and write.
func (d *Desk) portalWrite(userID, convID ID, body string, write func(tx Tx, c *commit, v portalViewer, before Conversation, body string) (ConvMessage, error)) (ConvMessage, error) {
	body, err := parseConvBody(body)
	if err != nil {
		return ConvMessage{}, err
	}
	var msg ConvMessage
	err = d.update(func(tx Tx, c *commit) error {
		v, err := viewerOf(tx, userID)
		if err != nil {
			return err
		}
		before, err := visibleConv(tx, v, convID)
		if err != nil {
			return err
		}
		if why := v.writeBlock(); why != "" {
			return refused("%s", why)
		}
		msg, err = write(tx, c, v, before, body)
		return err
	})
	return msg, err
}

// collaboratorActor names a collaborator's own writes: "collaborator:EMAIL",
// never an agent.
func collaboratorActor(u User) Actor {
	return Actor{Name: "collaborator:" + u.Email, AgentID: customerAgentID}
}

// PortalNote is a collaborator's internal note on a conversation it was
// added to: stored as KindNote with actor collaborator:EMAIL, never mailed,
// never shown to the customer. Audited as conv.note.
func (d *Desk) PortalNote(userID, convID ID, body string) (ConvMessage, error) {
	return d.portalWrite(userID, convID, body, func(tx Tx, c *commit, v portalViewer, before Conversation, body string) (ConvMessage, error) {
		if !v.collab {
			return ConvMessage{}, refused("only a collaborator can add an internal note; write a reply instead")
		}
		actor := collaboratorActor(v.u)
		conv := before
		conv.MailRefs = slices.Clone(before.MailRefs)
		now := d.clock()
		requester, err := tx.User(conv.RequesterID)
		if err != nil {
			return ConvMessage{}, fmt.Errorf("requester %d of conversation %d: %w", conv.RequesterID, before.ID, err)
		}
		msg, err := d.addMessage(tx, c, &conv, requester, actor, KindNote, body, now)
		if err != nil {
			return msg, err
		}
		if err := d.saveConv(tx, c, actor, before, &conv, now); err != nil {
			return msg, err
		}
		return msg, audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "conv.note", SubjectKind: SubjectConv, SubjectID: before.ID,
			Subject: conv.Subject, Note: fmt.Sprintf("message %d; internal note by a collaborator on the portal", msg.Seq),
		})
	})
}

// PortalCanOpen reports whether the user may open a conversation on the
// portal (whether /new is offered): an active customer whose groups give
// conversations.create.
func (d *Desk) PortalCanOpen(userID ID) (bool, error) {
	var ok bool
	err := d.store.View(func(tx Tx) error {
		v, err := viewerOf(tx, userID)
		if err != nil {
			return err
		}
		ok = v.openBlock() == ""
		return nil
	})
	return ok, err
}

func (v portalViewer) openBlock() string {
	switch {
	case v.collab:
		return "a collaborator cannot open conversations; the desk adds you to the ones you help with"
	case v.perms&CustConversationsCreate == 0:
		return "your account may not open conversations on the portal; ask the desk to add you to a group with conversations.create, or write to the desk by email"
	}
	return v.writeBlock()
}

// PortalNewConversation opens a conversation whose first message is the
// customer's, with the subject and body cleaned as NewConversation's.
// It needs the conversations.create permission from the customer's groups.
func (d *Desk) PortalNewConversation(userID ID, subject, body string) (Conversation, error) {
	subject, err := cleanText("subject", subject, maxSubject, false)
	if err != nil {
		return Conversation{}, err
	}
	subject = strings.Join(strings.Fields(subject), " ")
	if subject == "" {
		return Conversation{}, invalid("subject", "is empty")
	}
	if body, err = parseConvBody(body); err != nil {
		return Conversation{}, err
	}
	var conv Conversation
	err = d.update(func(tx Tx, c *commit) error {
		v, err := viewerOf(tx, userID)
		if err != nil {
			return err
		}
		if why := v.openBlock(); why != "" {
			return refused("%s", why)
		}
		conv, _, err = d.newCustomerConversation(tx, c, v.u, subject, CustomerMessage{Body: body, Via: "portal"}, d.clock())
		conv = v.present(conv)
		conv.Messages = 1
		return err
	})
	return conv, err
}

// mergeNewest merges runs that are each newest first into one, newest
// first, dropping a position met twice in a row (a conversation both the
// requester's and in its organization).
func mergeNewest(runs []iter.Seq[ConvPos]) iter.Seq[ConvPos] {
	return func(yield func(ConvPos) bool) {
		h := &posHeap{}
		var stops []func()
		defer func() {
			for _, stop := range stops {
				stop()
			}
		}()
		for _, r := range runs {
			next, stop := iter.Pull(r)
			stops = append(stops, stop)
			if p, ok := next(); ok {
				h.items = append(h.items, posHead{p, next})
			}
		}
		heap.Init(h)
		var last ConvPos
		for h.Len() > 0 {
			top := &h.items[0]
			p := top.pos
			if p, ok := top.next(); ok {
				top.pos = p
				heap.Fix(h, 0)
			} else {
				heap.Pop(h)
			}
			if p == last {
				continue
			}
			last = p
			if !yield(p) {
				return
			}
		}
	}
}

type posHead struct {
	pos  ConvPos
	next func() (ConvPos, bool)
}

// posHeap keeps the newest head on top.
type posHeap struct{ items []posHead }

func (h *posHeap) Len() int           { return len(h.items) }
func (h *posHeap) Less(i, j int) bool { return h.items[j].pos.less(h.items[i].pos) }
func (h *posHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *posHeap) Push(x any)         { h.items = append(h.items, x.(posHead)) }
func (h *posHeap) Pop() any {
	n := len(h.items) - 1
	x := h.items[n]
	h.items = h.items[:n]
	return x
}
