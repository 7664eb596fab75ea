package main

import (
	"context"
	"strings"
	"time"

	"github.com/dangol/dangol/dialog"
)

// The care messages' wiring (issue 14): the rating request after a visit,
// DANGOL_FEEDBACK_AFTER after it, checked every ten minutes in serve and
// by the console's clock (:time) alike.

// parseFeedbackAfter reads DANGOL_FEEDBACK_AFTER: a Go duration from a
// minute to a week ("3h", "90m"); "" is dialog's default (3h); "0" and
// "off" turn the requests off (returned as a negative duration).
func parseFeedbackAfter(s string) (time.Duration, bool) {
	switch s = strings.TrimSpace(s); strings.ToLower(s) {
	case "":
		return dialog.DefaultFeedbackAfter, true
	case "0", "off":
		return -1, true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d >= time.Minute && d <= 7*24*time.Hour
}

// ratingJob is the rating requests' Check job, said in the log, or none
// (and that said) when DANGOL_FEEDBACK_AFTER is off.
func (m *Main) ratingJob(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	j, ok := engine.RatingRequestJob(m.Config.FeedbackAfter, deliver)
	if !ok {
		m.Logger.Info("rating requests off", "setting", "DANGOL_FEEDBACK_AFTER")
		return nil
	}
	m.Logger.Info("scheduled rating requests", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ, "after", m.Config.FeedbackAfter.String())
	return []dialog.Job{j}
}
