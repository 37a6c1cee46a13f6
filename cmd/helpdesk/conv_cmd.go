package main

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

func (a *app) convCommand() *cobra.Command {
	return group(&cobra.Command{Use: "conv", Short: "Conversations with customers: start, list, show, reply, set status, assign"},
		a.convNewCommand(), a.convListCommand(), a.convShowCommand(), a.convReplyCommand(),
		a.convStatusCommand(), a.convAssignCommand(), a.convCollaboratorCommand(), a.convAttachmentCommand())
}

// convJSON is the --json shape of a conversation: a contract with scripts.
// requester is the requester's email; organization the name of the
// requester's organization when the conversation began ("" for none);
// assignee the assigned agent's email ("" when unassigned); tags is always
// an array; times are RFC 3339 in UTC. conv show adds messages, oldest
// first.
type convJSON struct {
	ID           domain.ID         `json:"id"`
	Subject      string            `json:"subject"`
	Requester    string            `json:"requester"`
	Organization string            `json:"organization"`
	Status       string            `json:"status"`
	Assignee     string            `json:"assignee"`
	Tags         []string          `json:"tags"`
	CreatedAt    string            `json:"created_at"`
	UpdatedAt    string            `json:"updated_at"`
	Messages     []convMessageJSON `json:"messages,omitempty"`
	// Collaborators are the emails of the conversation's collaborators,
	// in conv show only, and only when there are any.
	Collaborators []string `json:"collaborators,omitempty"`
}

// convMessageJSON is one message in conv show --json: id is its number in
// the thread (1, 2, ...), kind "reply" (public) or "note" (internal),
// author the agent who wrote it, mailed whether it was queued to the
// requester.
type convMessageJSON struct {
	ID        int    `json:"id"`
	Kind      string `json:"kind"`
	Author    string `json:"author"`
	Body      string `json:"body"`
	CreatedAt string `json:"created_at"`
	Mailed    bool   `json:"mailed"`
	// A customer's message (portal or mail): from_customer, via "portal"
	// or "email"; a mail's cut quote, its attachments (n numbers them
	// across the conversation, as conv attachment takes it) and why it is
	// flagged. Empty or absent otherwise.
	FromCustomer bool                 `json:"from_customer,omitempty"`
	Via          string               `json:"via,omitempty"`
	Quoted       string               `json:"quoted,omitempty"`
	Attachments  []convAttachmentJSON `json:"attachments,omitempty"`
	Flag         string               `json:"flag,omitempty"`
}

type convAttachmentJSON struct {
	N    int    `json:"n"`
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

// convNames resolves the ids a conversation names, caching them while a
// list prints.
type convNames struct {
	desk   *domain.Desk
	orgs   *orgNames
	users  map[domain.ID]string
	agents map[domain.ID]string
}

func newConvNames(d *domain.Desk) *convNames {
	return &convNames{desk: d, orgs: newOrgNames(d), users: map[domain.ID]string{}}
}

func (n *convNames) user(id domain.ID) string {
	e, ok := n.users[id]
	if !ok {
		if u, err := n.desk.User(id); err == nil {
			e = u.Email
		} else {
			e = fmt.Sprintf("#%d", id)
		}
		n.users[id] = e
	}
	return e
}

func (n *convNames) agent(id domain.ID) string {
	if id == 0 {
		return ""
	}
	if n.agents == nil {
		n.agents = map[domain.ID]string{}
		if as, err := n.desk.Agents(); err == nil {
			for _, a := range as {
				n.agents[a.ID] = a.Email
			}
		}
	}
	if e, ok := n.agents[id]; ok {
		return e
	}
	return fmt.Sprintf("#%d", id)
}

func (n *convNames) toJSON(c domain.Conversation) convJSON {
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	return convJSON{
		ID: c.ID, Subject: c.Subject, Requester: n.user(c.RequesterID), Organization: n.orgs.name(c.OrgID),
		Status: string(c.Status), Assignee: n.agent(c.AssigneeID), Tags: tags,
		CreatedAt: convTime(c.CreatedAt), UpdatedAt: convTime(c.UpdatedAt),
	}
}

func convTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func parseConvID(s string) (domain.ID, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || id == 0 {
		return 0, usagef("%q is not a conversation id (a number, as conv list shows)", s)
	}
	return domain.ID(id), nil
}

// readBody reads --body-file, which is required.
func (a *app) readBody(name string) (string, error) {
	if name == "" {
		return "", usagef("--body-file is required (- reads standard input)")
	}
	b, err := readFileOrStdin(a, name)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// mailSentence says what happened to a message's mail: for a queued
// reply, the state its outbox message is in, in the domain's words.
func (a *app) mailSentence(d *domain.Desk, m domain.ConvMessage, to string) (string, error) {
	switch {
	case m.Kind == domain.KindNote:
		return "Internal note: not mailed.", nil
	case !m.Mailed():
		return fmt.Sprintf("Not mailed: %s; the message is kept in the conversation.", m.NotMailed), nil
	}
	say, err := a.mailStatuses(d, []domain.ConvMessage{m})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Mail to %s %s (outbox message %d).", to, say(m), m.OutboxID), nil
}

// mailStatuses reads the outbox messages of a thread's replies and returns
// the domain's sentence for each message's mail, as this process sees it:
// a queued message is held when this command line configures no SMTP (or
// no SMS gateway for an SMS).
func (a *app) mailStatuses(d *domain.Desk, msgs []domain.ConvMessage) (func(domain.ConvMessage) string, error) {
	out, err := d.MailStatuses(msgs)
	if err != nil {
		return nil, err
	}
	why, err := a.whyNotSent(d)
	if err != nil {
		return nil, err
	}
	return func(m domain.ConvMessage) string {
		o := out[m.OutboxID]
		return domain.MessageMailStatus(m, o, rfc3339, strings.TrimPrefix(why.of(o), "not sent: "))
	}, nil
}

func (a *app) convNewCommand() *cobra.Command {
	var in domain.ConvInput
	var bodyFile string
	cmd := &cobra.Command{
		Use:   "new --requester EMAIL --subject S --body-file F [--tag T]...",
		Short: "Start a conversation with a user; the body is mailed to them as its first message",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(in.Requester) == "" {
				return usagef("--requester is required")
			}
			if strings.TrimSpace(in.Subject) == "" {
				return usagef("--subject is required")
			}
			body, err := a.readBody(bodyFile)
			if err != nil {
				return err
			}
			in.Body = body
			return a.withDesk(func(s *session) error {
				c, m, err := s.desk.NewConversation(a.actor(), in)
				if err != nil {
					return fmt.Errorf("cannot start the conversation: %w", err)
				}
				to := newConvNames(s.desk).user(c.RequesterID)
				say, err := a.mailSentence(s.desk, m, to)
				if err != nil {
					return err
				}
				printf(cmd, "Created conversation %d with %s: %s\n%s\n", c.ID, to, oneLine(c.Subject, 0), say)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Requester, "requester", "", "the user's email (required)")
	f.StringVar(&in.Subject, "subject", "", "subject (required; replies are \"Re: \" it)")
	f.StringVar(&bodyFile, "body-file", "", "file holding the first message (required; - reads standard input)")
	f.StringArrayVar(&in.Tags, "tag", nil, "a tag (repeat for several): lower-case letters, digits, - _ . :")
	return cmd
}

func (a *app) convListCommand() *cobra.Command {
	var status, requester string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--status open|pending|resolved|closed] [--requester EMAIL] [--json]",
		Short: "List conversations, newest first",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			var f domain.ConvFilter
			if status != "" {
				st, err := domain.ParseConvStatus(status)
				if err != nil {
					return usageError{err}
				}
				f.Status = st
			}
			return a.withDesk(func(s *session) error {
				if requester != "" {
					u, err := s.desk.UserByEmail(requester)
					if err != nil {
						return err
					}
					f.RequesterID = u.ID
				}
				return listConvs(cmd, s.desk, f, asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only conversations in this status: open, pending, resolved or closed")
	cmd.Flags().StringVar(&requester, "requester", "", "only this user's conversations")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

// listConvs prints a page at a time, so memory stays flat.
func listConvs(cmd *cobra.Command, d *domain.Desk, f domain.ConvFilter, asJSON bool) error {
	w := bufio.NewWriter(cmd.OutOrStdout())
	defer w.Flush()
	names := newConvNames(d)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if asJSON {
		w.WriteString("[")
	} else {
		fmt.Fprintln(tw, "ID\tSTATUS\tREQUESTER\tORGANIZATION\tASSIGNEE\tSUBJECT\tUPDATED")
	}
	n := 0
	var before domain.ID
	for {
		page, next, err := d.Conversations(f, before, 500)
		if err != nil {
			return err
		}
		for _, c := range page {
			j := names.toJSON(c)
			if asJSON {
				b, err := marshalJSON(j, false)
				if err != nil {
					return err
				}
				if n > 0 {
					w.WriteString(",")
				}
				w.WriteString("\n  ")
				w.Write(b)
			} else {
				cellf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Status, oneLine(j.Requester, 40), oneLine(j.Organization, 30),
					oneLine(j.Assignee, 30), oneLine(c.Subject, 60), j.UpdatedAt)
			}
			n++
		}
		if next == 0 {
			break
		}
		before = next
		if !asJSON {
			tw.Flush()
		}
	}
	if asJSON {
		if n > 0 {
			w.WriteString("\n")
		}
		w.WriteString("]\n")
		return nil
	}
	return tw.Flush()
}

func (a *app) convShowCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "Show a conversation and its messages",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseConvID(args[0])
			if err != nil {
				return err
			}
			return a.withDesk(func(s *session) error {
				c, msgs, err := s.desk.Conversation(id)
				if err != nil {
					return err
				}
				j := newConvNames(s.desk).toJSON(c)
				collabs, err := s.desk.Collaborators(id)
				if err != nil {
					return err
				}
				for _, u := range collabs {
					j.Collaborators = append(j.Collaborators, u.Email)
				}
				j.Messages = []convMessageJSON{}
				natt := 0
				for _, m := range msgs {
					mj := convMessageJSON{
						ID: m.Seq, Kind: string(m.Kind), Author: m.Author, Body: m.Body,
						CreatedAt: convTime(m.CreatedAt), Mailed: m.Mailed(),
						FromCustomer: m.FromCustomer, Via: m.Via, Quoted: m.Quoted, Flag: m.Flag,
					}
					for _, at := range m.Attachments {
						natt++
						mj.Attachments = append(mj.Attachments, convAttachmentJSON{N: natt, Name: at.Name, Type: at.Type, Size: at.Size})
					}
					j.Messages = append(j.Messages, mj)
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), j)
				}
				w := bufio.NewWriter(cmd.OutOrStdout())
				defer w.Flush()
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				assignee := j.Assignee
				if assignee == "" {
					assignee = "(none)"
				}
				for _, row := range [][2]string{
					{"id", fmt.Sprint(c.ID)}, {"subject", oneLine(c.Subject, 0)}, {"requester", j.Requester},
					{"organization", j.Organization}, {"status", j.Status}, {"assignee", assignee},
					{"tags", strings.Join(j.Tags, ", ")}, {"collaborators", strings.Join(j.Collaborators, ", ")}, {"created", j.CreatedAt},
					{"updated", j.UpdatedAt + " by " + oneLine(c.UpdatedBy, 0)}, {"version", fmt.Sprint(c.Version)},
				} {
					cellf(tw, "%s:\t%s\n", row[0], row[1])
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				say, err := a.mailStatuses(s.desk, msgs)
				if err != nil {
					return err
				}
				for i, m := range msgs {
					mail := say(m)
					if m.Kind == domain.KindNote {
						mail = "internal"
					}
					fmt.Fprintf(w, "\n--- #%d %s by %s, %s (%s)\n", m.Seq, m.Kind, oneLine(m.Author, 0), convTime(m.CreatedAt), mail)
					if m.Flag != "" {
						fmt.Fprintf(w, "flagged: %s\n", oneLine(m.Flag, 0))
					}
					w.WriteString(strings.ReplaceAll(m.Body, "\t", "    "))
					w.WriteString("\n")
					if m.Quoted != "" {
						// Collapsed: the earlier text the mail quoted.
						fmt.Fprintf(w, "[%d quoted line(s) hidden; conv show --json has them]\n", strings.Count(m.Quoted, "\n")+1)
					}
					for _, at := range j.Messages[i].Attachments {
						fmt.Fprintf(w, "%s\n", attachmentLine(at.N, domain.Attachment{Name: at.Name, Type: at.Type, Size: at.Size}))
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object with the messages")
	return cmd
}

func (a *app) convReplyCommand() *cobra.Command {
	var bodyFile string
	var internal bool
	cmd := &cobra.Command{
		Use:   "reply ID --body-file F [--internal]",
		Short: "Add a public reply (mailed to the requester) or, with --internal, a note for agents",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseConvID(args[0])
			if err != nil {
				return err
			}
			body, err := a.readBody(bodyFile)
			if err != nil {
				return err
			}
			return a.withDesk(func(s *session) error {
				m, err := s.desk.Reply(a.actor(), id, body, internal)
				if err != nil {
					return fmt.Errorf("cannot add to conversation %d: %w", id, err)
				}
				c, _, err := s.desk.Conversation(id)
				if err != nil {
					return err
				}
				what := "Reply"
				if internal {
					what = "Note"
				}
				say, err := a.mailSentence(s.desk, m, newConvNames(s.desk).user(c.RequesterID))
				if err != nil {
					return err
				}
				printf(cmd, "%s #%d added to conversation %d.\n%s\n", what, m.Seq, id, say)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&bodyFile, "body-file", "", "file holding the message (required; - reads standard input)")
	cmd.Flags().BoolVar(&internal, "internal", false, "an internal note: kept for agents, never mailed")
	return cmd
}

func (a *app) convStatusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status ID STATUS",
		Short: "Set a conversation's status: open, pending, resolved or closed",
		Args:  exactArgs("ID", "STATUS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseConvID(args[0])
			if err != nil {
				return err
			}
			st, err := domain.ParseConvStatus(args[1])
			if err != nil {
				return usageError{err}
			}
			return a.withDesk(func(s *session) error {
				before, _, err := s.desk.Conversation(id)
				if err != nil {
					return err
				}
				c, err := s.desk.SetStatus(a.actor(), id, before.Version, st)
				if err != nil {
					return fmt.Errorf("cannot set the status of conversation %d: %w", id, err)
				}
				if c.Version == before.Version {
					printf(cmd, "Conversation %d is already %s.\n", id, st)
					return nil
				}
				printf(cmd, "Conversation %d: %s -> %s.\n", id, before.Status, c.Status)
				return nil
			})
		},
	}
}

func (a *app) convAssignCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "assign ID AGENT_EMAIL",
		Short: "Assign a conversation to an agent (\"none\" or \"\" unassigns it)",
		Args:  exactArgs("ID", "AGENT_EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseConvID(args[0])
			if err != nil {
				return err
			}
			email := strings.TrimSpace(args[1])
			if strings.EqualFold(email, "none") {
				email = ""
			}
			return a.withDesk(func(s *session) error {
				c, err := s.desk.Assign(a.actor(), id, email)
				if err != nil {
					return fmt.Errorf("cannot assign conversation %d: %w", id, err)
				}
				if c.AssigneeID == 0 {
					printf(cmd, "Conversation %d is unassigned.\n", id)
					return nil
				}
				printf(cmd, "Conversation %d is assigned to %s.\n", id, newConvNames(s.desk).agent(c.AssigneeID))
				return nil
			})
		},
	}
}

func (a *app) convCollaboratorCommand() *cobra.Command {
	return group(&cobra.Command{Use: "collaborator", Short: "Add or remove a collaborator: a user with the collaborator role who sees the conversation and its notes on the portal"},
		a.convCollaboratorSetCommand(true), a.convCollaboratorSetCommand(false))
}

func (a *app) convCollaboratorSetCommand(add bool) *cobra.Command {
	use, short := "add ID EMAIL", "Add a collaborator to a conversation (the user must have the collaborator role)"
	if !add {
		use, short = "remove ID EMAIL", "Remove a collaborator from a conversation"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs("ID", "EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseConvID(args[0])
			if err != nil {
				return err
			}
			return a.withDesk(func(s *session) error {
				before, _, err := s.desk.Conversation(id)
				if err != nil {
					return err
				}
				if add {
					c, err := s.desk.AddCollaborator(a.actor(), id, args[1])
					if err != nil {
						return fmt.Errorf("cannot add a collaborator to conversation %d: %w", id, err)
					}
					if c.Version == before.Version {
						printf(cmd, "%s is already a collaborator of conversation %d.\n", strings.TrimSpace(args[1]), id)
						return nil
					}
					printf(cmd, "Added %s to conversation %d as a collaborator.\n", strings.TrimSpace(args[1]), id)
					return nil
				}
				if _, err := s.desk.RemoveCollaborator(a.actor(), id, args[1]); err != nil {
					return fmt.Errorf("cannot remove a collaborator from conversation %d: %w", id, err)
				}
				printf(cmd, "Removed %s from conversation %d.\n", strings.TrimSpace(args[1]), id)
				return nil
			})
		},
	}
}
