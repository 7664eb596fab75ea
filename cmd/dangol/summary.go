package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/dangol/dangol/feedback"
)

// summary prints the summary of week (this, last or YYYY-Www, as /summary
// takes it) as plain text, the way the console shows it, and writes its
// chart to pngPath when one is given. Like /summary it is the managers'
// view: customers and staff are named, and follow-ups and regulars at risk
// are judged as of now.
func (m *Main) summary(ctx context.Context, week, pngPath string) error {
	now := m.now()
	w, err := feedback.ParseWeek(week, now, m.Config.Loc)
	if err != nil {
		return m.usage("cli.err.week", map[string]any{"Value": week})
	}
	if pngPath == "-" {
		// The text goes to standard output: a picture there would garble both.
		return m.usage("cli.err.png_stdout", nil)
	}
	if err := m.refuseOwnFile(pngPath); err != nil {
		return err
	}
	if err := m.openExisting(); err != nil {
		return err
	}
	s, err := feedback.Weekly(ctx, m.Store, w, feedback.Options{Loc: m.Config.Loc, Now: now})
	if err != nil {
		return fmt.Errorf("summary %s: %w", w, err)
	}
	var png []byte
	if pngPath != "" {
		// Drawn before anything is printed, so a failure prints nothing.
		if png, err = s.Chart(m.Catalog, m.Config.Lang); err != nil {
			return fmt.Errorf("summary %s: chart: %w", w, err)
		}
	}
	head, sections := s.Render(m.Catalog, m.Config.Lang, feedback.ForStaff)
	out := bufio.NewWriter(m.Stdout)
	fmt.Fprintln(out, head)
	for _, sec := range sections {
		if sec.Title != "" {
			fmt.Fprintln(out, sec.Title)
		}
		for _, l := range sec.Lines {
			fmt.Fprintln(out, "  "+l)
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("summary %s: %w", w, err)
	}
	if pngPath == "" {
		return nil
	}
	err = writeOutput(nil, pngPath, func(w io.Writer) error {
		if len(png) == 0 {
			return errors.New("the chart is empty")
		}
		_, err := w.Write(png)
		return err
	})
	return m.outputProblem(pngPath, err)
}
