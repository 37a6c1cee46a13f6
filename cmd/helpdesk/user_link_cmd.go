package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

// userLinkCommand is "user reset EMAIL" (a set-password link) or "user
// resend EMAIL" (a new verification link for a pending user).
func (a *app) userLinkCommand(resend bool) *cobra.Command {
	use, short := "reset EMAIL", "Queue a set-password link to a user; earlier links keep working until used or expired"
	if resend {
		use, short = "resend EMAIL", "Queue a new verification link to a pending user; its earlier links stop working"
	}
	// Queued, not sent: the mail worker sends it (mail list shows it
	// meanwhile), so the line says no more.
	return a.onUserCommand(use, short, func(cmd *cobra.Command, s *session, u domain.User) error {
		if resend {
			if _, err := s.desk.ResendVerification(a.actor(), u.ID); err != nil {
				return fmt.Errorf("cannot resend to %s: %w", u.Email, err)
			}
			printf(cmd, "resend: new verification link queued for %s; earlier links no longer work\n", u.Email)
			return nil
		}
		if _, err := s.desk.SendReset(a.actor(), u.ID); err != nil {
			return fmt.Errorf("cannot reset %s: %w", u.Email, err)
		}
		printf(cmd, "reset: set-password link queued for %s\n", u.Email)
		return nil
	})
}

// signInJSON is the sign-in state in user show --json; times are RFC 3339,
// "" when there is none.
type signInJSON struct {
	LastAt         string `json:"last_at"`
	LastAddr       string `json:"last_addr"`
	LockedUntil    string `json:"locked_until"`
	RecentFailures int    `json:"recent_failures"`
}

// userShowJSON is user show's --json shape: the user as user list gives
// it, and its sign-in state.
type userShowJSON struct {
	userJSON
	SignIn signInJSON `json:"sign_in"`
}

func toSignInJSON(st domain.SignInState) signInJSON {
	return signInJSON{LastAt: rfc3339(st.LastAt), LastAddr: st.LastAddr, LockedUntil: rfc3339(st.LockedUntil), RecentFailures: st.Failures}
}
