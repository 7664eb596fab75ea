package feedback

// THIS FILE IS THE CONTRACT between feedback and its users (dialog, cmd).
// The feedback implementer replaces these stubs with real code spread over
// files by concept and deletes this file. Signatures may only grow.

import (
	"context"
	"time"

	"github.com/dangol/dangol/ledger"
)

// Reader is the part of the ledger feedback needs.
type Reader interface {
	View(ctx context.Context, fn func(*ledger.Tx) error) error
}

// Translator renders a localised message (a *locales.Catalog satisfies it).
type Translator interface {
	Text(lang, id string, data any) string
}

// Week is an ISO week, Monday to Sunday in the shop's time zone.
type Week struct {
	Year int
	Week int
}

// WeekOf returns the week t falls in, in loc.
func WeekOf(t time.Time, loc *time.Location) Week { panic("unimplemented") }

// ParseWeek reads "this", "last", "" (this week) or "2026-W48" relative to now.
func ParseWeek(s string, now time.Time, loc *time.Location) (Week, error) { panic("unimplemented") }

// String formats w as "2026-W48".
func (w Week) String() string { panic("unimplemented") }

// Start returns Monday 00:00 of w in loc.
func (w Week) Start(loc *time.Location) time.Time { panic("unimplemented") }

// Audience says who will read a summary: staff see names, anyone else counts only.
type Audience int

// Audiences.
const (
	ForStaff Audience = iota
	ForPublic
)

// Options configure Weekly.
type Options struct {
	Loc *time.Location // the shop's time zone; nil means UTC
	Now time.Time      // "today", for follow-ups due and at-risk customers
}

// Summary is one week in numbers, with the week before and the 8-week average.
type Summary struct {
	Week Week
	// The implementer defines the fields.
}

// Weekly computes the summary of week w with range scans over the ledger.
func Weekly(ctx context.Context, r Reader, w Week, opts Options) (*Summary, error) {
	panic("unimplemented")
}

// Section is a titled block of lines of a rendered summary.
type Section struct {
	Title string
	Lines []string
}

// Render returns the summary's one-line headline and its sections in lang, for audience.
func (s *Summary) Render(t Translator, lang string, audience Audience) (headline string, sections []Section) {
	panic("unimplemented")
}

// Chart draws the week as a PNG: visits and average rating per day and the
// 8-week trend of rating and NPS, with labels in lang.
func (s *Summary) Chart(t Translator, lang string) ([]byte, error) { panic("unimplemented") }
