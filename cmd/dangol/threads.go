package main

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
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

// exportThread is one of a customer's questions or complaints in the JSON
// export, with every message, oldest first.
type exportThread struct {
	Number     int64           `json:"number"`
	Kind       string          `json:"kind"` // "question" or "complaint"
	State      string          `json:"state"`
	OpenedAt   string          `json:"opened_at"`
	ClaimedBy  string          `json:"claimed_by,omitempty"`
	AnsweredAt *string         `json:"answered_at"`
	ClosedAt   *string         `json:"closed_at"`
	ClosedBy   string          `json:"closed_by,omitempty"`
	Note       string          `json:"note,omitempty"`
	Messages   []exportMessage `json:"messages"`
	Photos     []exportPhoto   `json:"photos,omitempty"`
}

// exportPhoto is a photo the customer sent in a thread: its name as the
// staff saw it, when, its type and size. The picture itself is not in the
// export (it is a file of its own in the staff's thread).
type exportPhoto struct {
	Name  string `json:"name"`
	At    string `json:"at"`
	Mime  string `json:"mime"`
	Bytes int    `json:"bytes"`
}

// exportMessage is one message of a thread: "in" from the customer, "out"
// from the staff member named.
type exportMessage struct {
	At    string `json:"at"`
	Dir   string `json:"dir"`
	Staff string `json:"staff,omitempty"`
	Text  string `json:"text"`
}

var threadStates = map[ledger.ThreadState]string{
	ledger.ThreadOpen: "open", ledger.ThreadClaimed: "claimed", ledger.ThreadAnswered: "answered", ledger.ThreadClosed: "closed",
}

// exportThreadsOf lists a customer's threads, oldest first.
func exportThreadsOf(tx *ledger.Tx, customerID string, loc *time.Location) ([]exportThread, error) {
	ths, err := tx.ThreadsOf(customerID, 0)
	if err != nil {
		return nil, err
	}
	slices.Reverse(ths)
	var out []exportThread
	for _, th := range ths {
		ms, err := tx.ThreadMessages(th.Number)
		if err != nil {
			return nil, err
		}
		kind := "question"
		if th.Kind == ledger.ThreadComplaint {
			kind = "complaint"
		}
		et := exportThread{
			Number: th.Number, Kind: kind, State: threadStates[th.State], OpenedAt: rfc3339(th.OpenedAt, loc),
			ClaimedBy: th.ClaimedBy, AnsweredAt: optTime(th.AnsweredAt, loc), ClosedAt: optTime(th.ClosedAt, loc),
			ClosedBy: th.ClosedBy, Note: th.CloseNote, Messages: []exportMessage{},
		}
		for _, m := range ms {
			em := exportMessage{At: rfc3339(m.At, loc), Dir: "in", Text: m.Text}
			if m.Out {
				em.Dir, em.Staff = "out", m.StaffID
			}
			et.Messages = append(et.Messages, em)
		}
		photos, err := tx.ThreadPhotos(th.Number, false)
		if err != nil {
			return nil, err
		}
		for _, p := range photos {
			et.Photos = append(et.Photos, exportPhoto{Name: p.FileName(), At: rfc3339(p.At, loc), Mime: p.Mime, Bytes: p.Size})
		}
		out = append(out, et)
	}
	return out, nil
}
