package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/dialog"
)

// slaJob is the check of the threads' service levels (dialog.Engine.SLAJob:
// a question unanswered past DANGOL_REPLY_SLA, a complaint unresolved past
// DANGOL_RESOLVE_SLA, counted in opening hours, told once to each manager
// by DM), said in the log. It runs whatever the platforms: a DM with
// nowhere to go is dropped by deliver, as any scheduled post is.
func (m *Main) slaJob(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	j := engine.SLAJob(deliver)
	m.Logger.Info("scheduled SLA check", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ)
	return []dialog.Job{j}
}

// parseSLA reads DANGOL_REPLY_SLA or DANGOL_RESOLVE_SLA: a Go duration
// ("2h", "90m") or whole days ("2d"); "" is dialog's default (0).
func parseSLA(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		return time.Duration(n) * 24 * time.Hour, err == nil && n > 0 && n <= 365
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d >= time.Minute && d <= 365*24*time.Hour
}
