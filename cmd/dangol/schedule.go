package main

import (
	"context"
	"fmt"

	"github.com/dangol/dangol/bots/slack"
	"github.com/dangol/dangol/bots/telegram"
	"github.com/dangol/dangol/dialog"
)

// The settings of each scheduled post, for messages that say what to fix;
// what is the locale id of the schedule's name.
var scheduleSettings = map[string]struct{ what, setting, example string }{
	dialog.SummaryJob:  {"cli.err.cron.summary", "--summary-cron, DANGOL_SUMMARY_CRON", dialog.DefaultSummarySpec},
	dialog.FollowUpJob: {"cli.err.cron.followup", "--followup-cron, DANGOL_FOLLOWUP_CRON", dialog.DefaultFollowUpSpec},
}

// scheduler builds serve's scheduled work: the daily retention run and
// its notice a month before (DANGOL_RETENTION, unless 0), the weekly summary to Slack's staff
// channel, the morning follow-up DMs to staff in Slack, and the backups to
// DANGOL_BACKUP_DIR (backupSchedule). A schedule
// that does not parse is a *usageError naming its setting. A post with
// nowhere to go is left out, and said so once: the summary without a Slack
// staff channel, the DMs without Slack. Running a job that can never be
// delivered would only record, day after day, posts nobody got. The
// scheduler is nil when nothing is left to schedule.
func (m *Main) scheduler(engine *dialog.Engine, r *router) (*dialog.Scheduler, error) {
	jobs := engine.Jobs(m.Config.SummaryCron, m.Config.FollowUpCron, r.scheduled)
	// One job at a time, so the error names the setting to fix.
	for _, j := range jobs {
		_, err := dialog.NewScheduler(dialog.SchedulerConfig{Store: m.Store, Jobs: []dialog.Job{j}, Now: m.Now})
		if err != nil {
			s := scheduleSettings[j.Name]
			return nil, m.usage("cli.err.cron", map[string]any{
				"What": m.Catalog.Text(m.Config.Lang, s.what, nil), "Value": j.Spec,
				"Example": s.example, "Setting": s.setting, "Err": err,
			})
		}
	}

	slackOn := r.Serves(slack.Channel)
	staffOn := r.Staff() == slack.Channel
	var keep []dialog.Job
	for _, j := range jobs {
		switch {
		case j.Name == dialog.SummaryJob && !slackOn:
			m.Logger.Info("the weekly summary post is off: it goes to Slack's staff channel, and Slack is not configured")
		case j.Name == dialog.SummaryJob && !staffOn:
			m.Logger.Info("the weekly summary post is off: DANGOL_SLACK_STAFF_CHANNEL is not set")
		case j.Name == dialog.FollowUpJob && !slackOn:
			m.Logger.Info("the morning follow-up DMs are off: they go to staff in Slack, and Slack is not configured")
		default:
			keep = append(keep, j)
			m.Logger.Info("scheduled post", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ)
		}
	}
	for _, name := range []string{dialog.SummaryJob, dialog.FollowUpJob} {
		if !hasJob(jobs, name) {
			m.Logger.Info("scheduled post off by configuration", "job", name, "setting", scheduleSettings[name].setting)
		}
	}
	backup, err := m.backupSchedule(r.scheduled)
	if err != nil {
		return nil, err
	}
	if backup != nil {
		keep = append(keep, *backup)
	}
	if len(keep) == 0 && len(r.byChannel) == 0 {
		// Nothing to serve: serve runs the console, whose clock has the
		// retention run among its own (consoleSchedule).
		return nil, nil
	}
	// First, so that a follow-up DM due at the same time reports it.
	keep = append(m.retentionJob(engine), keep...)
	keep = append(keep, m.periodicJobs(engine, r.scheduled, r.Serves(telegram.Channel))...)
	keep = append(keep, m.diskJob(r.scheduled, func() (uint64, error) { return diskFreeAt(m.Store.Path()) })...) // diskfree.go
	if len(keep) == 0 {
		return nil, nil
	}
	s, err := dialog.NewScheduler(dialog.SchedulerConfig{
		Store:  m.Store,
		Jobs:   m.metrics.jobs(keep),
		Loc:    m.Config.Loc,
		Logger: m.Logger,
		Now:    m.Now,
		After:  m.After,
	})
	if err != nil {
		return nil, fmt.Errorf("start the scheduled posts: %w", err)
	}
	return s, nil
}

// periodicJobs are the jobs serve and the console's rehearsal clock both
// run besides the retention run, the weekly summary and the follow-up DMs,
// in this order, delivered with deliver: the retention notice, the loyalty
// run, the SLA check, advertising (birthdays, re-confirmation, campaigns,
// win-backs), the rating requests and the keeping of idle flows. One list,
// so a job added for serve is rehearsed too. The rating requests go only
// where customers are (customers: Telegram served, or the console): a
// request queued for a platform that never takes it would wait in the
// outbox for ever.
func (m *Main) periodicJobs(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error, customers bool) []dialog.Job {
	jobs := m.retentionNoticeJob(engine, deliver)
	jobs = append(jobs, m.loyaltyJob(engine, deliver)...) // loyalty.go
	jobs = append(jobs, m.slaJob(engine, deliver)...)     // threads.go
	jobs = append(jobs, m.adJobs(engine, deliver)...)     // marketing.go
	if customers {
		jobs = append(jobs, m.ratingJob(engine, deliver)...) // care.go
	} else {
		m.Logger.Info("rating requests off: they go to customers in Telegram, and Telegram is not configured")
	}
	return append(jobs, m.idleKeepJob(engine, deliver)...) // idlekeep.go
}

// retentionJob is the daily retention run, said in the log, or none (and
// that said) when DANGOL_RETENTION is 0. It runs whatever the platforms:
// erasing needs none.
func (m *Main) retentionJob(engine *dialog.Engine) []dialog.Job {
	j, ok := engine.RetentionJob()
	if !ok {
		m.Logger.Info("retention off: customers are kept until erased on request", "setting", "DANGOL_RETENTION")
		return nil
	}
	m.Logger.Info("scheduled retention run", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ, "retention", m.Config.Retention.String())
	return []dialog.Job{j}
}

// retentionNoticeJob is the daily notice a month before a retention
// erasure, to the customer and the managers, sent with deliver; none when
// DANGOL_RETENTION is 0. Without it nobody is erased for retention: the
// erasure waits for the notice (ledger.RetentionNotice).
func (m *Main) retentionNoticeJob(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	j, ok := engine.RetentionNoticeJob(deliver)
	if !ok {
		return nil
	}
	m.Logger.Info("scheduled retention notice", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ)
	return []dialog.Job{j}
}

func hasJob(jobs []dialog.Job, name string) bool {
	for _, j := range jobs {
		if j.Name == name {
			return true
		}
	}
	return false
}

// scheduleRunner runs the scheduled posts as one of serve's runners, so
// serve returns, and the ledger closes, only after a post in flight is sent
// and recorded.
type scheduleRunner struct{ s *dialog.Scheduler }

// Run makes the posts due until ctx is done.
func (r scheduleRunner) Run(ctx context.Context) error {
	r.s.Run(ctx)
	return nil
}
