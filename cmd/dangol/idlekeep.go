package main

import (
	"context"

	"github.com/dangol/dangol/dialog"
)

// idleKeepJob saves the notes their writers walked away from before [저장]
// (dialog.Engine.IdleKeepJob) and DMs each writer the saved note, with
// deliver. It runs whatever the platforms: the note is the shop's record
// even when its writer cannot be told (a DM with nowhere to go is dropped
// by deliver, as any scheduled post is, and the writer's next message
// finds no draft to be told about).
func (m *Main) idleKeepJob(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	j := engine.IdleKeepJob(deliver)
	m.Logger.Info("scheduled saving of idle notes", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ)
	return []dialog.Job{j}
}
