package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// adJobs are the advertising jobs serve and the console's clock run: the
// birthday greetings at DANGOL_BIRTHDAY_AT (validated by Config, so
// BirthdaySpec cannot fail here) and the daily two-year re-confirmation of
// advertising consent, and the campaigns' delivery every minute
// (/campaign), and the win-back's two (winback.go). All only message
// customers a channel reaches;
// without DANGOL_SHOP_NAME or DANGOL_SHOP_CONTACT the greetings are
// skipped (the law wants the sender named with a contact), which is said
// once here.
func (m *Main) adJobs(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	spec, late, err := dialog.BirthdaySpec(m.Config.BirthdayAt)
	if err != nil {
		spec, late, _ = dialog.BirthdaySpec("")
	}
	b := engine.BirthdayJob(spec, late, deliver)
	r := engine.MarketingJob(deliver)
	c := engine.CampaignJob(0, 0, deliver)
	if m.Config.ShopName == "" {
		m.Logger.Info("birthday greetings are skipped: advertising names the shop, and DANGOL_SHOP_NAME is not set")
	} else if m.Config.ShopContact == "" {
		m.Logger.Info("birthday greetings are skipped: advertising gives the shop's contact, and DANGOL_SHOP_CONTACT is not set")
	}
	m.Logger.Info("scheduled birthday greetings", "job", b.Name, "cron", b.Spec, "tz", m.Config.TZ)
	m.Logger.Info("scheduled advertising re-confirmation", "job", r.Name, "cron", r.Spec, "tz", m.Config.TZ)
	m.Logger.Info("scheduled campaign delivery", "job", c.Name, "cron", c.Spec, "tz", m.Config.TZ)
	return append([]dialog.Job{b, r, c}, m.winBackJobs(engine, deliver)...) // winback.go
}

// exportMarketing is a customer's advertising consent in the JSON export:
// what a shop must be able to show for 정보통신망법 제50조 (when it was
// given, last confirmed, withdrawn or lapsed, and how it last changed).
type exportMarketing struct {
	Given       bool    `json:"given"`
	GivenAt     *string `json:"given_at"`
	ConfirmedAt *string `json:"confirmed_at"`
	WithdrawnAt *string `json:"withdrawn_at"`
	Lapsed      bool    `json:"lapsed"`
	Via         string  `json:"via"` // start, command, optout, reconfirm, lapse, erasure
	AskedAt     *string `json:"asked_at"`
	// ReconfirmAskedAt is set while the two-year question waits for an
	// answer.
	ReconfirmAskedAt *string `json:"reconfirm_asked_at"`
	BirthdayOn       *string `json:"birthday_greeted_on"` // the last birthday greeting's day
}

// exportMarketingOf is customer id's advertising consent, nil when never
// asked. An erased customer's reads withdrawn at the erasure if it was
// given (ledger.ViaErasure).
func exportMarketingOf(tx *ledger.Tx, id string, loc *time.Location) (*exportMarketing, error) {
	m, err := tx.Marketing(id)
	if err != nil {
		return nil, fmt.Errorf("export advertising consent: %w", err)
	}
	if m.AskedAt.IsZero() && m.GivenAt.IsZero() && m.WithdrawnAt.IsZero() {
		return nil, nil
	}
	return &exportMarketing{
		Given: m.Given, GivenAt: optTime(m.GivenAt, loc), ConfirmedAt: optTime(m.ConfirmedAt, loc),
		WithdrawnAt: optTime(m.WithdrawnAt, loc), Lapsed: m.Lapsed, Via: string(m.Via),
		AskedAt: optTime(m.AskedAt, loc), ReconfirmAskedAt: optTime(m.ReconfirmAskedAt, loc),
		BirthdayOn: optDate(m.BirthdayOn, loc),
	}, nil
}
