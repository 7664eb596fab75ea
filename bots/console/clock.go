package console

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// Clock is the console's rehearsal clock, behind the :time command: the
// console is trusted, so it may live at another moment than the platforms
// and move forward to see what dangol will do then. cmd/dangol provides it.
type Clock interface {
	// Now is the console's time, in the shop's time zone.
	Now() time.Time
	// Advance moves the clock forward to to, making every scheduled post
	// due on the way as serve would, and returns what they sent, in the
	// order sent. The console never asks for a time before Now. When err
	// is not nil the posts still hold what was sent; an err wrapping
	// ErrNotRehearsal means nothing moved and nothing was sent.
	Advance(ctx context.Context, to time.Time) ([]Post, error)
}

// ErrNotRehearsal is returned, wrapped, by a Clock's Advance when the
// console runs on the shop's own data at the real time: a move there would
// record rehearsed notes and posts in the real ledger. The console answers
// with how to start a rehearsal instead.
var ErrNotRehearsal = errors.New("console: the clock moves only in a rehearsal")

// Post is one reply a scheduled job sent while the clock moved, and the
// time it was due.
type Post struct {
	At    time.Time
	Reply dialog.Reply
}

// MaxJump bounds one move of the clock, so a mistyped year does not run
// decades of daily jobs.
const MaxJump = 366 * 24 * time.Hour

// timeLayouts are the dates and times ParseTime reads, longest first.
var timeLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02T15:04:05",
	"2006-01-02 15:04", "2006-01-02T15:04",
}

// ParseTime reads the argument of :time (and of dangol chat --at), in
// now's time zone:
//
//   - a step from now: "+3h", "+30d", "+1w", "+90m", "+1d12h" (also
//     minutes, hours, days, weeks, 분, 시간, 일, 주); "-1d" steps back, which
//     the console refuses and --at allows. Days and weeks are calendar days.
//   - a date and time: "2027-02-01 09:00" or "2027-02-01T09:00", seconds
//     allowed.
//   - a date alone: "2027-02-01", its 00:00.
//   - a time of day alone: "09:00", the next time the clock shows it
//     (today, or tomorrow when it has passed).
//
// ok is false for anything else.
func ParseTime(s string, now time.Time) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if s[0] == '+' || s[0] == '-' {
		return parseStep(s, now)
	}
	loc := now.Location()
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, true
	}
	if c, err := time.Parse("15:04", s); err == nil && len(s) <= 5 {
		y, m, d := now.Date()
		t := time.Date(y, m, d, c.Hour(), c.Minute(), 0, 0, loc)
		if !t.After(now) {
			t = time.Date(y, m, d+1, c.Hour(), c.Minute(), 0, 0, loc)
		}
		return t, true
	}
	return time.Time{}, false
}

// stepUnits maps the units of a step to minutes (m) or calendar days (d).
var stepUnits = map[string]struct {
	minutes, days int
}{
	"m": {minutes: 1}, "min": {minutes: 1}, "mins": {minutes: 1}, "minute": {minutes: 1}, "minutes": {minutes: 1}, "분": {minutes: 1},
	"h": {minutes: 60}, "hour": {minutes: 60}, "hours": {minutes: 60}, "시간": {minutes: 60},
	"d": {days: 1}, "day": {days: 1}, "days": {days: 1}, "일": {days: 1},
	"w": {days: 7}, "week": {days: 7}, "weeks": {days: 7}, "주": {days: 7},
}

// maxStep bounds each number of a step; the console bounds the whole move
// with MaxJump.
const maxStep = 100000

// parseStep reads "+1d12h": a sign, then numbers each with its unit, not
// all zero.
func parseStep(s string, now time.Time) (time.Time, bool) {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	rest := strings.ReplaceAll(s[1:], " ", "")
	if rest == "" {
		return time.Time{}, false
	}
	minutes, days := 0, 0
	for rest != "" {
		i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return time.Time{}, false
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > maxStep {
			return time.Time{}, false
		}
		rest = rest[i:]
		j := strings.IndexFunc(rest, unicode.IsDigit)
		if j < 0 {
			j = len(rest)
		}
		u, ok := stepUnits[strings.ToLower(rest[:j])]
		if !ok {
			return time.Time{}, false
		}
		rest = rest[j:]
		minutes += n * u.minutes
		days += n * u.days
		if minutes > maxStep*60 || days > maxStep*7 {
			return time.Time{}, false
		}
	}
	if minutes+days == 0 {
		// Not a move; with the real clock running, "now" would be past by
		// the time the clock moved.
		return time.Time{}, false
	}
	return now.AddDate(0, 0, sign*days).Add(time.Duration(sign*minutes) * time.Minute), true
}

// timeCommand runs ":time" and its argument. It is called with c.mu held
// and, like send, releases it while the clock moves: the jobs may take a
// while (a chart to draw) and must not hold up a Send.
func (c *Console) timeCommand(ctx context.Context, args []string) {
	clock := c.cfg.Clock
	if clock == nil {
		c.println(c.text("clock.none", nil))
		return
	}
	now := clock.Now()
	if len(args) == 0 {
		c.println(c.text("clock.now", map[string]any{"Time": c.formatTime(now)}))
		return
	}
	to, ok := ParseTime(strings.Join(args, " "), now)
	switch {
	case !ok:
		c.println(c.text("clock.usage", map[string]any{"Time": c.formatTime(now)}))
		return
	case to.Before(now):
		c.println(c.text("clock.past", map[string]any{"Time": c.formatTime(now), "To": c.formatTime(to)}))
		return
	case to.Sub(now) > MaxJump:
		c.println(c.text("clock.too_far", map[string]any{"Time": c.formatTime(now), "Days": int(MaxJump / (24 * time.Hour))}))
		return
	}
	_ = c.flush()
	c.mu.Unlock()
	posts, err := clock.Advance(context.WithoutCancel(ctx), to)
	c.mu.Lock()
	if errors.Is(err, ErrNotRehearsal) {
		c.println(c.text("clock.real", map[string]any{"Time": c.formatTime(clock.Now())}))
		return
	}
	var last time.Time
	for _, p := range posts {
		if !p.At.Equal(last) {
			c.println(c.text("clock.due", map[string]any{"Time": c.formatTime(p.At)}))
			last = p.At
		}
		c.render(p.Reply, "")
	}
	if err != nil {
		c.logger.ErrorContext(ctx, "console: move the clock", "to", to, "err", err)
		c.println(c.text("clock.failed", nil))
	}
	c.println(c.text("clock.moved", map[string]any{"Time": c.formatTime(clock.Now()), "Count": len(posts)}))
}

// formatTime shows t as the console's clock does, in the console's
// language.
func (c *Console) formatTime(t time.Time) string { return FormatTime(c.cat, c.lang, t) }

// FormatTime shows t as the console's clock does: date, weekday and time
// to the minute, in lang ("2027-02-01 (월) 09:00").
func FormatTime(cat *locales.Catalog, lang string, t time.Time) string {
	return cat.Text(lang, "clock.time", map[string]any{
		"Date":    t.Format(time.DateOnly),
		"Weekday": cat.Text(lang, locales.WeekdayShort(t.Weekday()), nil),
		"Clock":   t.Format("15:04"),
	})
}
