package dialog

import (
	"context"
	"fmt"

	"github.com/dangol/dangol/feedback"
)

// cmdSummary: /summary [this|last|YYYY-Www], managers only. The week is
// computed after the message's transaction commits, from a read
// transaction of its own: a summary never holds the write lock.
func (t *turn) cmdSummary(args string) error {
	w, err := feedback.ParseWeek(args, t.now, t.e.loc)
	if err != nil {
		t.say("core.summary.usage", nil)
		return nil
	}
	e, lang, now := t.e, t.lang, t.now
	t.later = func(ctx context.Context) ([]Reply, error) {
		s, err := feedback.Weekly(ctx, e.store, w, feedback.Options{Loc: e.loc, Now: now})
		if err != nil {
			return nil, fmt.Errorf("dialog: summary %s: %w", w, err)
		}
		head, secs := s.Render(e.cat, lang, feedback.ForStaff)
		r := Reply{Lang: lang, Text: head}
		for _, sec := range secs {
			r.Sections = append(r.Sections, Section{Title: sec.Title, Lines: sec.Lines})
		}
		png, err := s.Chart(e.cat, lang)
		if err != nil {
			// The numbers matter more than the picture.
			e.log.WarnContext(ctx, "dialog: summary chart", "week", w.String(), "err", err)
		} else if len(png) > 0 {
			r.Image = &Image{Name: "week-" + w.String() + ".png", PNG: png}
		}
		return []Reply{r}, nil
	}
	return nil
}
