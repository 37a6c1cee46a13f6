package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/ssh"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/store"
)

// mailReceiveCommand takes one message from standard input, for a desk
// whose mail arrives elsewhere: an MTA pipes each message to it (Postfix
// pipe(8), an aliases "|helpdesk mail receive" line, fetchmail's mda).
func (a *app) mailReceiveCommand() *cobra.Command {
	var to []string
	cmd := &cobra.Command{
		Use:   "receive [--to ADDR]... < message.eml",
		Short: "Take one customer mail (RFC 5322) from standard input, as the SMTP listener would",
		Long: `Take one RFC 5322 message from standard input, by the same rules as
serve --smtp-listen: a reply to the desk's mail joins its conversation,
other mail opens a conversation (an unknown sender becomes a pending
user), auto-replies are stored but never answered, and nothing is mailed
back.

--to gives the envelope recipients (repeat it, or separate with commas);
each must be one of the desk's inbound addresses. Without it the
message's To or Cc must name one.

Exit 0 when the message is stored, or dropped as a loop, a repeated
delivery or automatic mail (a bounce, an auto-reply) from an unknown
address that answers no conversation (the line says which); 75
(EX_TEMPFAIL: the MTA keeps the message and tries again) while no
inbound-address is set or the database is held by another process; 1
with a sentence when it is refused for good (not for this desk, over
inbound-max-size, unreadable) or cannot be stored.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := a.withDesk(func(s *session) error {
				res, err := mailer.Receive(cmd.Context(), s.desk, mailer.Envelope{To: to}, a.in, 0)
				if err != nil {
					return fmt.Errorf("message refused: %w", err)
				}
				printf(cmd, "%s\n", res)
				return nil
			})
			if receiveTemporary(err) {
				return tempFailError{fmt.Errorf("%w; the mail system should try again later", err)}
			}
			return err
		},
	}
	cmd.Flags().StringSliceVar(&to, "to", nil, "an envelope recipient: one of the desk's inbound addresses")
	return cmd
}

// receiveTemporary reports whether a refused message may be taken later:
// no inbound-address yet, the database held by another process, the
// command cut short.
func receiveTemporary(err error) bool {
	var ie *domain.InboundError
	return errors.As(err, &ie) && ie.Temporary() ||
		errors.Is(err, store.ErrLocked) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// convAttachmentCommand writes one attachment's bytes to standard output.
// They bypass the text-safe writer every other command prints through:
// they are the customer's file, byte for byte. For the same reason they
// never go to a terminal, where a file's bytes could carry escape
// sequences (the very thing the writer keeps out): redirect the output.
func (a *app) convAttachmentCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "attachment ID N > FILE",
		Short: "Write attachment N of a conversation (numbered as conv show lists them) to standard output",
		Long: `Write attachment N of conversation ID, numbered 1, 2, ... across the
conversation as conv show lists them, to standard output byte for byte:

  helpdesk conv attachment 12 1 > invoice.pdf

The bytes are written only to a file or a pipe, never to a terminal.
Its name, type and size go to standard error.`,
		Args: exactArgs("ID", "N"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseConvID(args[0])
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(strings.TrimSpace(args[1]))
			if err != nil || n <= 0 {
				return usagef("%q is not an attachment number (1, 2, ... as conv show lists them)", args[1])
			}
			if a.rawToTerminal() {
				return fmt.Errorf("standard output is a terminal; redirect the attachment to a file: helpdesk conv attachment %d %d > FILE", id, n)
			}
			return a.withDesk(func(s *session) error {
				att, data, err := s.desk.ConversationAttachment(id, n)
				if err != nil {
					return err
				}
				if _, err := a.term.Write(data); err != nil {
					return fmt.Errorf("cannot write the attachment: %w", err)
				}
				fmt.Fprintf(a.err, "Attachment %d of conversation %d: %s (%s, %d bytes).\n", n, id, att.Name, att.Type, att.Size)
				return nil
			})
		},
	}
}

// rawToTerminal reports whether raw bytes written to a.term would land on
// a terminal: this process's own, or an SSH session with a PTY.
func (a *app) rawToTerminal() bool {
	switch w := a.term.(type) {
	case *os.File:
		return term.IsTerminal(int(w.Fd()))
	case ssh.Session:
		_, _, isPty := w.Pty()
		return isPty
	}
	return false
}

// attachmentLine is how conv show lists one attachment.
func attachmentLine(n int, att domain.Attachment) string {
	return fmt.Sprintf("attachment %d: %s (%s, %s)", n, oneLine(att.Name, 0), oneLine(att.Type, 0), byteCount(att.Size))
}

func byteCount(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
