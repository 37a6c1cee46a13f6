package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"helpdesk/store"
)

func (a *app) salvageCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "salvage FILE OUT",
		Short: "Copy every record of a damaged database FILE that still verifies into a new file OUT, with a count of what was lost",
		Long: `salvage reads the database FILE read-only, tolerating damage, and copies
every record whose checksum verifies and that decodes into the new file OUT
(it refuses an OUT that exists), rebuilding every index from the records.
It prints, per kind of record, how many were kept and how many lost. OUT
passes helpdesk check; use it with --db OUT, or move it into place.`,
		Args: exactArgs("FILE", "OUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := store.Salvage(cmd.Context(), args[0], args[1])
			for _, n := range rep.Notes {
				printf(cmd, "%s\n", n)
			}
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "KIND\tKEPT\tLOST\t\n")
			for _, c := range rep.Counts {
				fmt.Fprintf(tw, "%s\t%d\t%d\t\n", c.Kind, c.Kept, c.Lost)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			printf(cmd, "Salvaged %s into %s: %s lost.\n", args[0], args[1], plural(rep.Lost(), "record"))
			return nil
		},
	}
}
