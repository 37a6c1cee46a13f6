package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"helpdesk/domain"
)

func (a *app) importCommand() *cobra.Command {
	var dryRun, allowNear bool
	users := &cobra.Command{
		Use:   "users FILE.csv [--dry-run] [--allow-near]",
		Short: "Import users from CSV (columns: email, name, organization, time_zone, language, phone, role; - reads standard input)",
		Long: `Import users from a CSV file whose first line names the columns. email is
required; name, organization, time_zone, language, phone and role are optional.
Organizations named but missing are created. Users without an organization
join the one owning their email's domain. Rows that fail are reported with
their line number and reason; the rest are imported. A row whose email may be
an existing user written another way (lookalike, typo, dots or +tag, same
name at another domain) is reported and skipped unless --allow-near is given.
--dry-run writes nothing and prints the same report.`,
		Args: exactArgs("FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r io.Reader = a.in
			source := "standard input"
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return fmt.Errorf("cannot read %s: %w", args[0], unwrapPath(err))
				}
				defer f.Close()
				r, source = f, args[0]
			}
			return a.withDesk(func(s *session) error {
				return runImport(cmd, s.desk, a.actor(), a.termErr, bufio.NewReaderSize(r, 1<<16), source, dryRun, allowNear)
			})
		},
	}
	users.Flags().BoolVar(&dryRun, "dry-run", false, "check every row and print the report without writing anything")
	users.Flags().BoolVar(&allowNear, "allow-near", false, "import rows whose email may be an existing user written another way (lookalike, typo, dots or +tag, same name at another domain)")
	return group(&cobra.Command{Use: "import", Short: "Import data from files"}, users)
}

func runImport(cmd *cobra.Command, d *domain.Desk, actor domain.Actor, stderr io.Writer, r io.Reader, source string, dryRun, allowNear bool) error {
	out := cmd.OutOrStdout()
	progress := progressLine(stderr)
	rep, err := d.ImportUsers(cmd.Context(), actor, r, domain.ImportOptions{
		DryRun: dryRun, Source: source, AllowNear: allowNear,
		RowError: func(e domain.RowError) { progress.clear(); fmt.Fprintln(out, e.String()) },
		Progress: progress.update,
	})
	progress.clear()
	if err != nil {
		return fmt.Errorf("import stopped: %w", err)
	}
	verb := "Imported"
	if dryRun {
		verb = "Dry run: would import"
	}
	fmt.Fprintf(out, "%s %d of %d rows; %d failed.\n", verb, rep.Imported, rep.Rows, rep.Failed)
	if rep.Near > 0 {
		if rep.Near == 1 {
			fmt.Fprintln(out, "1 row was skipped as a possible duplicate of an existing user; check it, and import it again with --allow-near if it is another person.")
		} else {
			fmt.Fprintf(out, "%d rows were skipped as possible duplicates of existing users; check them, and import them again with --allow-near if they are other people.\n", rep.Near)
		}
	}
	for _, name := range rep.OrgsCreated {
		if dryRun {
			fmt.Fprintf(out, "Would create organization %s.\n", name)
		} else {
			fmt.Fprintf(out, "Created organization %s.\n", name)
		}
	}
	return nil
}

// progress prints a self-overwriting line on a terminal once an import has
// passed 10,000 rows; on a pipe or file it prints nothing.
type progress struct {
	w     io.Writer
	tty   bool
	shown bool
}

func progressLine(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) update(rows int) {
	if !p.tty || rows <= 10000 {
		return
	}
	fmt.Fprintf(p.w, "\r%d rows read...", rows)
	p.shown = true
}

func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

func (a *app) exportCommand() *cobra.Command {
	var format string
	users := &cobra.Command{
		Use:   "users [--format csv|json]",
		Short: "Write every user to standard output (csv is importable)",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "csv" && format != "json" {
				return usagef("--format must be csv or json, not %q", format)
			}
			return a.withDesk(func(s *session) error {
				if err := s.desk.Authorize(a.actor(), domain.PermImportExport); err != nil {
					return err
				}
				if format == "json" {
					return listUsers(cmd, s.desk, domain.UserFilter{}, true)
				}
				return exportCSV(cmd.OutOrStdout(), s.desk)
			})
		},
	}
	users.Flags().StringVar(&format, "format", "csv", "csv or json")
	return group(&cobra.Command{Use: "export", Short: "Export data"}, users)
}

func exportCSV(w io.Writer, d *domain.Desk) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	names := newOrgNames(d)
	_ = cw.Write([]string{"email", "name", "organization", "time_zone", "language", "phone", "role"})
	var after domain.ID
	for {
		page, next, err := d.Users(domain.UserFilter{}, after, 1000)
		if err != nil {
			return err
		}
		for _, u := range page {
			_ = cw.Write([]string{u.Email, u.Name, names.name(u.OrgID), u.TimeZone, u.Language, u.Phone, string(u.Role)})
		}
		if next == 0 {
			break
		}
		after = next
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// unwrapPath drops the path an *os.PathError repeats, since the message
// already names the file.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
