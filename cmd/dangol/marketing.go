package main

import (
	"context"

	"github.com/dangol/dangol/dialog"
)

// adJobs are the advertising jobs serve and the console's clock run: the
// birthday greetings at DANGOL_BIRTHDAY_AT (validated by Config, so
// BirthdaySpec cannot fail here) and the daily two-year re-confirmation of
// advertising consent. Both only message customers a channel reaches;
// without DANGOL_SHOP_NAME the greetings are skipped (the law wants the
// sender named), which is said once here.
func (m *Main) adJobs(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	spec, late, err := dialog.BirthdaySpec(m.Config.BirthdayAt)
	if err != nil {
		spec, late, _ = dialog.BirthdaySpec("")
	}
	b := engine.BirthdayJob(spec, late, deliver)
	r := engine.MarketingJob(deliver)
	if m.Config.ShopName == "" {
		m.Logger.Info("birthday greetings are skipped: advertising names the shop, and DANGOL_SHOP_NAME is not set")
	}
	m.Logger.Info("scheduled birthday greetings", "job", b.Name, "cron", b.Spec, "tz", m.Config.TZ)
	m.Logger.Info("scheduled advertising re-confirmation", "job", r.Name, "cron", r.Spec, "tz", m.Config.TZ)
	return []dialog.Job{b, r}
}
