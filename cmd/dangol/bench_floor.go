package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// floorHandler stands in for the engine under --floor: it answers each
// update at once with what the scenario expects of the engine, reading and
// writing nothing, keeping no state. /points gets the seeded balance, a
// one-line feedback the thank-you; the four steps of a feedback get the
// engine's questions with its buttons (the stars, the NPS score, [Skip]),
// a press's answer in place of the pressed message as the engine shows
// it, and the comment or the last press the thank-you. What a run then
// costs is the rig's alone (the real adapter and relay, the fake Bot API,
// the virtual customers), the most any engine could reach on it: set
// beside a real run, it says how much of a gap to a peer is the engine's.
type floorHandler struct {
	thanks, balance                string
	askRating, askNPS, askComment  string
	rateButtons, npsButtons, skips []dialog.Button
}

// newFloorHandler readies the answers, in the bench's language.
func newFloorHandler(cat *locales.Catalog, thanks, balance string) floorHandler {
	text := func(id string) string { return cat.Text(benchLang, id, nil) }
	skip := dialog.Button{Label: text("core.btn.skip"), Payload: "skip"}
	f := floorHandler{thanks: thanks, balance: balance,
		askRating: text("core.feedback.ask_rating"), askNPS: text("core.feedback.ask_nps"), askComment: text("core.feedback.ask_comment"),
		skips: []dialog.Button{skip}}
	for i := 1; i <= 5; i++ {
		f.rateButtons = append(f.rateButtons, dialog.Button{Label: strings.Repeat("★", i), Payload: "rate:" + strconv.Itoa(i)})
	}
	for i := 0; i <= 10; i++ {
		f.npsButtons = append(f.npsButtons, dialog.Button{Label: strconv.Itoa(i), Payload: "nps:" + strconv.Itoa(i)})
	}
	f.npsButtons = append(f.npsButtons, skip)
	return f
}

// Handle implements relay.Handler.
func (f floorHandler) Handle(_ context.Context, m dialog.Message) ([]dialog.Reply, error) {
	if m.Action != nil {
		r := dialog.Reply{Text: f.thanks, InPlace: true} // [Skip] at the comment
		switch p := m.Action.Payload; {
		case strings.HasPrefix(p, "rate:"):
			r.Text, r.Buttons = f.askNPS, f.npsButtons
		case strings.HasPrefix(p, "nps:"):
			r.Text, r.Buttons = f.askComment, f.skips
		}
		return []dialog.Reply{r}, nil
	}
	switch {
	case m.Text == "/feedback":
		return []dialog.Reply{{Text: f.askRating, Buttons: f.rateButtons}}, nil
	case m.Text == "/points":
		return []dialog.Reply{{Text: f.balance}}, nil
	}
	return []dialog.Reply{{Text: f.thanks}}, nil // a one-line feedback, or a typed comment
}
