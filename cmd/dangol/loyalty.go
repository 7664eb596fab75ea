package main

import (
	"context"

	"github.com/dangol/dangol/dialog"
)

// loyaltyJob is the daily loyalty run (dialog.Engine.LoyaltyJob: points
// past their end expire, customers are told of points about to expire,
// coupons past their last day end, tiers are recomputed, and what is
// pending for customers is sent with deliver), said in the log. It runs
// whatever the platforms: the balances and tiers need it even when no
// customer can be told (a message with nowhere to go is dropped by
// deliver, as any scheduled post is).
func (m *Main) loyaltyJob(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	j := engine.LoyaltyJob(deliver)
	m.Logger.Info("scheduled loyalty run", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ)
	return []dialog.Job{j}
}
