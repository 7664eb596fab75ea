package main

import (
	"context"

	"github.com/dangol/dangol/dialog"
)

// winBackJobs are the win-back's jobs (issue 14), among the advertising
// jobs serve and the console's clock run: the automatic win-back daily at
// DANGOL_WINBACK_AT (the engine's Config.WinBackAt), which sends only while a manager has turned it
// on (/program winback), and the 08:00 sending of the [안부 메시지] staff
// pressed in the night. Both only message customers with advertising
// consent that a channel reaches, and nothing without DANGOL_SHOP_NAME and
// DANGOL_SHOP_CONTACT.
func (m *Main) winBackJobs(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	auto := engine.WinBackJob(deliver)
	morning := engine.WinBackMorningJob(deliver)
	m.Logger.Info("scheduled win-back", "job", auto.Name, "cron", auto.Spec, "tz", m.Config.TZ, "morning_job", morning.Name, "morning_cron", morning.Spec)
	return []dialog.Job{auto, morning}
}
