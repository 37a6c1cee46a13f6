package demo

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"golang.org/x/crypto/ssh"

	"helpdesk/domain"
)

// Agents are the demo's agents, who answer and are assigned
// conversations. Their keys are made from fixed seeds: they sign in to
// nothing but the demo.
var Agents = []domain.AgentInput{
	{Name: "Tess Walker", Email: "tess@helpdesk.example", Role: "admin"},
	{Name: "Omar Diaz", Email: "omar@helpdesk.example", Role: "agent"},
	{Name: "Priya Raman", Email: "priya@helpdesk.example", Role: "agent"},
}

// Groups are the demo's customer groups; "Customers" lets its members
// open conversations on the portal.
var Groups = []domain.GroupInput{
	{Name: "Customers", Perms: domain.CustConversationsCreate},
	{Name: "Acme admins", Org: "Acme", Perms: domain.CustConversationsCreate | domain.CustConversationsOrg | domain.CustColleaguesManage | domain.CustBilling},
	{Name: "Globex billing", Org: "Globex", Perms: domain.CustConversationsCreate | domain.CustBilling},
}

// agreement is the Acme agreement some of its users have accepted.
const (
	agreementTitle = "Acme Support Terms v3"
	agreementText  = "Support is provided on business days. Urgent issues are answered within four hours."
)

// Full says what LoadFull created, beyond Summary.
type Full struct {
	Summary
	// States counts the users created in each state.
	States        map[domain.State]int
	Accepted      int // users who accepted the Acme agreement
	Agents        int
	Groups        int
	Members       int // group memberships
	Conversations int
	Replies       int // agents' public replies
	Customer      int // customers' messages after their first
	Notes         int // internal notes
}

// topics are what the demo's customers write about: a subject, the first
// message, the customer's follow-up, the agent's reply and an internal note.
var topics = []struct{ subject, first, follow, reply, note string }{
	{"Cannot sign in after password reset", "I reset my password this morning and the portal still says it is wrong.", "Tried again in a private window, same thing.", "We have cleared the lock on your account; please try once more.", "Lock came from 5 failed attempts; not an attack."},
	{"Invoice shows the wrong VAT number", "Our invoice for last month carries an old VAT number.", "The correct number is on our purchase order.", "A corrected invoice is on its way.", "Billing fixed the template for this organization."},
	{"Export to CSV times out", "Exporting our tickets to CSV stops after a minute.", "It is about 40,000 rows.", "The export now runs in the background and mails you the file.", "Known issue with large exports; linked to the backlog item."},
	{"Add two colleagues to our account", "Please add two new team members to our organization.", "They start on Monday.", "Both are added; they will receive a verification mail.", "Checked their domains match the organization."},
	{"Printer on fire", "The printer on the third floor is smoking.", "Facilities say it is not theirs.", "Please step away from the printer; help is on the way.", "Escalated to facilities by phone."},
	{"How do I change my notification settings?", "I get too many mails about updates.", "Ideally only one digest a day.", "You can choose SMS or mail under Account, Notifications.", "Customer asked twice; consider a FAQ entry."},
	{"Agreement question", "Does the new agreement cover weekend support?", "We need it for a product launch.", "Weekend cover is an add-on; I have asked sales to call you.", "Sales lead created."},
	{"Data deletion request", "Please delete the account of a former employee.", "Their address is in our organization.", "The account is disabled and will be deleted after 30 days.", "GDPR request logged."},
}

// LoadFull fills a desk for a demo worth seeing: the organizations (a
// parent with a child, one inactive) with an agreement on Acme, n users in
// every state (some of Acme's having accepted the agreement), the demo
// agents, customer groups with members, and about 1.5 conversations per
// user with customers' messages, agents' replies, internal notes, several
// statuses and assignees. The same n always gives the same desk. The
// users are the same as Load's, with their states.
func LoadFull(d *domain.Desk, actor domain.Actor, n int) (Full, error) {
	f := Full{States: map[domain.State]int{}}
	for _, o := range Orgs {
		if _, err := d.OrgByName(o.Name); err == nil {
			continue
		}
		if _, err := d.CreateOrg(actor, o); err != nil {
			return f, fmt.Errorf("demo organization %s: %w", o.Name, err)
		}
		f.Orgs++
	}
	acme, err := d.OrgByName("Acme")
	if err != nil {
		return f, err
	}
	if acme.Agreement == nil || acme.Agreement.Title == "" {
		if _, err := d.SetAgreement(actor, acme.ID, agreementTitle, agreementText); err != nil {
			return f, fmt.Errorf("demo agreement: %w", err)
		}
	}

	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeUsers(pw, n, true)) }()
	rep, err := d.ImportUsers(context.Background(), actor, pr, domain.ImportOptions{Source: "demo data"})
	pr.Close()
	f.Users = rep.Imported
	if err != nil {
		return f, err
	}

	var agents []domain.Agent
	for i, in := range Agents {
		if a, err := d.AgentByEmail(in.Email); err == nil {
			agents = append(agents, a)
			continue
		}
		in.Keys = []string{agentKey(i)}
		a, err := d.AddAgent(actor, in)
		if err != nil {
			return f, fmt.Errorf("demo agent %s: %w", in.Email, err)
		}
		agents = append(agents, a)
		f.Agents++
	}
	groups := map[string]domain.Group{}
	for _, in := range Groups {
		g, err := d.GroupByName(in.Name)
		if err != nil {
			if g, err = d.CreateGroup(actor, in); err != nil {
				return f, fmt.Errorf("demo group %s: %w", in.Name, err)
			}
			f.Groups++
		}
		groups[in.Name] = g
	}

	// Members of an inactive organization cannot write on the portal.
	inactive := map[domain.ID]bool{}
	for _, o := range Orgs {
		if o.Inactive {
			org, err := d.OrgByName(o.Name)
			if err != nil {
				return f, err
			}
			inactive[org.ID] = true
		}
	}

	// Walk the users created, in order: states, agreements, groups.
	r := rand.New(rand.NewPCG(5, 6))
	var active []domain.User
	var after domain.ID
	for {
		page, next, err := d.Users(domain.UserFilter{}, after, 500)
		if err != nil {
			return f, err
		}
		for _, u := range page {
			f.States[u.State]++
			if u.State != domain.StateActive {
				continue
			}
			if u.Role == domain.RoleCustomer && !inactive[u.OrgID] {
				active = append(active, u) // collaborators open no conversations
			}
			g := groups["Customers"]
			switch {
			case u.OrgID == acme.ID && r.IntN(3) == 0:
				g = groups["Acme admins"]
			case u.OrgID != 0 && u.OrgID == groups["Globex billing"].OrgID && r.IntN(2) == 0:
				g = groups["Globex billing"]
			}
			if err := d.AddToGroup(actor, g.ID, u.ID); err != nil {
				return f, fmt.Errorf("demo group member %s: %w", u.Email, err)
			}
			f.Members++
			if u.OrgID == acme.ID && r.IntN(2) == 0 {
				if _, err := d.AcceptAgreement(u.ID); err != nil {
					return f, fmt.Errorf("demo agreement of %s: %w", u.Email, err)
				}
				f.Accepted++
			}
		}
		if next == 0 || len(page) == 0 {
			break
		}
		after = next
	}
	if len(active) == 0 {
		return f, nil
	}

	// Conversations: opened by the customer on the portal, answered by an
	// agent, often followed up by the customer, some with an internal
	// note; then a status and an assignee.
	statuses := []domain.ConvStatus{domain.ConvOpen, domain.ConvOpen, domain.ConvPending, domain.ConvResolved, domain.ConvClosed}
	for i := range n + n/2 {
		u := active[r.IntN(len(active))]
		t := topics[r.IntN(len(topics))]
		conv, err := d.PortalNewConversation(u.ID, t.subject, t.first)
		if err != nil {
			return f, fmt.Errorf("demo conversation of %s: %w", u.Email, err)
		}
		f.Conversations++
		agent := agents[r.IntN(len(agents))]
		steps := r.IntN(4) // 0: nobody answered yet
		if steps >= 1 {
			if _, err := d.Reply(agent.Actor(), conv.ID, t.reply, false); err != nil {
				return f, fmt.Errorf("demo reply: %w", err)
			}
			f.Replies++
		}
		if steps >= 2 {
			if _, err := d.PortalReply(u.ID, conv.ID, t.follow); err != nil {
				return f, fmt.Errorf("demo follow-up: %w", err)
			}
			f.Customer++
		}
		if steps == 3 || i%5 == 0 {
			if _, err := d.Reply(agent.Actor(), conv.ID, t.note, true); err != nil {
				return f, fmt.Errorf("demo note: %w", err)
			}
			f.Notes++
		}
		if r.IntN(4) != 0 {
			if _, err := d.Assign(actor, conv.ID, agent.Email); err != nil {
				return f, fmt.Errorf("demo assign: %w", err)
			}
		}
		if st := statuses[r.IntN(len(statuses))]; st != domain.ConvOpen && steps >= 1 {
			if _, err := d.SetStatus(agent.Actor(), conv.ID, 0, st); err != nil {
				return f, fmt.Errorf("demo status: %w", err)
			}
		}
	}
	return f, nil
}

// agentKey is demo agent i's SSH public key, from a fixed seed.
func agentKey(i int) string {
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, fmt.Sprintf("helpdesk demo agent %d", i))
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		panic(err) // an ed25519 key is always accepted
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
}

// stateOf gives demo user i a state: most active, some pending, a few
// disabled, from its own generator so the users stay Load's.
func stateOf(r *rand.Rand) domain.State {
	switch n := r.IntN(20); {
	case n < 12:
		return domain.StateActive
	case n < 17:
		return domain.StatePending
	default:
		return domain.StateDisabled
	}
}
