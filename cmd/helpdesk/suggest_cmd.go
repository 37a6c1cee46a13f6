package main

import (
	"fmt"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"
)

// suggestionJSON is the --json shape of one suggestion (a contract).
type suggestionJSON struct {
	Email        string `json:"email"`
	Name         string `json:"name"`
	Organization string `json:"organization"`
	Kind         string `json:"kind"`
	// Positions are character (not byte) indexes into email.
	Positions []int  `json:"positions"`
	Reason    string `json:"reason,omitempty"`
}

func (a *app) userSuggestCommand() *cobra.Command {
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "suggest QUERY [--limit N] [--json]",
		Short: "List existing users whose email matches QUERY: exact, prefix, near (possible duplicate) or fuzzy",
		Args:  exactArgs("QUERY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return usagef("--limit must be at least 1, not %d", limit)
			}
			return a.withDesk(func(s *session) error {
				// A script wants the complete answer, near matches included.
				if err := s.desk.WaitSuggestReady(); err != nil {
					return err
				}
				res, err := s.desk.Suggest(args[0], limit)
				if err != nil {
					return err
				}
				out := make([]suggestionJSON, 0, len(res.Items))
				for _, it := range res.Items {
					out = append(out, suggestionJSON{Email: it.User.Email, Name: it.User.Name, Organization: it.Org,
						Kind: it.Kind, Positions: runePositions(it.User.Email, it.Positions), Reason: it.Reason})
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), out)
				}
				return printSuggestions(cmd, out)
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 8, "how many suggestions at most")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func printSuggestions(cmd *cobra.Command, out []suggestionJSON) error {
	if len(out) == 0 {
		printf(cmd, "No existing user matches.\n")
		return nil
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tEMAIL\tNAME\tORGANIZATION\tWHY")
	for _, s := range out {
		why := s.Reason
		if s.Kind == "exact" {
			why = "this email exists: open that user instead"
		}
		cellf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Kind, s.Email, s.Name, s.Organization, why)
	}
	return tw.Flush()
}

// runePositions turns byte offsets into character indexes.
func runePositions(s string, bytePos []int) []int {
	out := make([]int, 0, len(bytePos))
	for _, b := range bytePos {
		if b >= 0 && b <= len(s) {
			out = append(out, utf8.RuneCountInString(s[:b]))
		}
	}
	return out
}
