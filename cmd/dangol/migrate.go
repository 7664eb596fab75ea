package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/dangol/dangol/ledger"
)

// dangol migrate encrypts a data file of schema 1 (from before sealing),
// which the first start with a key does too; --dry-run says what it would
// do (ledger.PlanMigration) and writes nothing, not even a key file. A
// long migration (or key rotation) draws a progress bar on standard error
// when that is a terminal, never in tests, services or logs: the ledger
// only reports records done of total (ledger.Options.Progress).

// defaultProgressMin is the smallest job, in records, that gets a progress
// bar: below it a migration takes about a second.
const defaultProgressMin = 20000

// migrate runs `dangol migrate [--dry-run]`.
func (m *Main) migrate(dryRun bool) error {
	db, lang := m.Config.DB, m.Config.Lang
	if err := m.checkDataFile(db, true); err != nil {
		return err
	}
	plan, err := ledger.PlanMigration(db, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		_, err = fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "keys.migrate.no_file", map[string]any{"DB": db}))
		return err
	case errors.Is(err, ledger.ErrLocked):
		return &localError{m.Catalog.Text(lang, "appliance.locked", map[string]any{"DB": db}), err}
	case errors.Is(err, ledger.ErrDamaged):
		return &localError{m.Catalog.Text(lang, "appliance.damaged", map[string]any{"DB": db, "Detail": damageDetail(err, db)}), err}
	case err != nil:
		return err
	}
	counts := map[string]any{
		"DB": db, "From": plan.From, "To": plan.To, "Customers": plan.Customers, "Notes": plan.Notes,
		"Points": plan.Points, "Feedback": plan.Feedback, "Audit": plan.Audit, "Sessions": plan.Sessions,
		"Records": plan.Records, "Size": humanBytes(plan.Size), "Estimated": humanBytes(plan.EstimatedSize),
	}
	switch {
	case plan.From == 0:
		_, err = fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "keys.migrate.no_file", counts))
		return err
	case plan.From == plan.To:
		text := m.Catalog.Text(lang, "keys.migrate.up_to_date", counts)
		if plan.From == 2 {
			text += "\n" + m.Catalog.Text(lang, "keys.migrate.up_to_date_v2", nil)
		}
		_, err = fmt.Fprintln(m.Stdout, text)
		return err
	}
	text := m.Catalog.Text(lang, "keys.migrate.plan", counts)
	keyPath := m.keyName(db)
	id := "keys.migrate.plan_key"
	if _, err := os.Stat(keyPath); m.usesKeyFile(db) && errors.Is(err, fs.ErrNotExist) {
		id = "keys.migrate.plan_new_key"
	}
	text += "\n" + m.Catalog.Text(lang, id, map[string]any{"Key": keyPath})
	if dryRun {
		_, err = fmt.Fprintln(m.Stdout, text+"\n"+m.Catalog.Text(lang, "keys.migrate.dry_run", nil))
		return err
	}
	if _, err := fmt.Fprintln(m.Stdout, text); err != nil {
		return err
	}
	if err := m.openStore(); err != nil { // Open migrates
		return err
	}
	counts["After"] = "?"
	if fi, err := os.Stat(db); err == nil {
		counts["After"] = humanBytes(fi.Size())
	}
	m.Logger.Info("data file encrypted", "db", db, "from", plan.From, "to", plan.To, "records", plan.Records)
	_, err = fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "keys.migrate.done", counts))
	return err
}

// humanBytes writes a size the way a file manager does.
func humanBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1024*1024*1024))
}

// followProgress gives opts a progress bar for the long jobs of Open and
// RotateKey, unless it has a Progress already.
func (m *Main) followProgress(opts *ledger.Options) {
	if opts.Progress == nil {
		opts.Progress = (&progress{m: m}).report
	}
}

// progress draws one job's bar, made at its first report once the job is
// known to be large and standard error a terminal.
type progress struct {
	m       *Main
	decided bool
	bar     *progressbar.ProgressBar
	// label, min and every, when set, are the bar's message id, the
	// smallest job that gets one and how often it is redrawn; else
	// Main's progressLabel and progressMin, and ten times a second.
	label string
	min   int
	every time.Duration
}

// report is an Options.Progress.
func (p *progress) report(done, total int) {
	if !p.decided {
		p.decided = true
		min := p.m.progressMin
		if min <= 0 {
			min = cmp.Or(p.min, defaultProgressMin)
		}
		if total < min || !p.m.isTerminal(p.m.Stderr) {
			return
		}
		label := cmp.Or(p.label, p.m.progressLabel, "keys.progress.migrate")
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.m.Stderr),
			progressbar.OptionSetDescription(p.m.Catalog.Text(p.m.Config.Lang, label, nil)),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(cmp.Or(p.every, 100*time.Millisecond)),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.m.Stderr) }),
		)
	}
	if p.bar == nil {
		return
	}
	p.bar.Set(done)
	if done >= total {
		p.bar.Finish()
		p.bar = nil
	}
}

// isTerminal reports whether w is a terminal: Terminal when set (tests),
// else whether w is an *os.File on one.
func (m *Main) isTerminal(w io.Writer) bool {
	if m.Terminal != nil {
		return m.Terminal(w)
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
