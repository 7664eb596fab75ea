package dialog

// THIS FILE IS THE CONTRACT between dialog and its users (bots/*, cmd). The
// dialog implementer replaces these stubs with real code and deletes this
// file. Signatures may only grow.

import (
	"context"
	"log/slog"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// Config configures an Engine. Zero values take the documented defaults.
type Config struct {
	Store   *ledger.Store
	Catalog *locales.Catalog
	Logger  *slog.Logger // nil: slog.Default()

	Loc        *time.Location // the shop's time zone; nil: Asia/Seoul
	Lang       string         // default language; "": "ko"
	PointsRate int            // percent of a purchase earned as points; 0: 5

	// Managers and Staff are platform-qualified user ids ("slack:U123")
	// granted those roles by configuration; more can be granted in the ledger.
	Managers []string
	Staff    []string
	// TrustedChannels honour Message.Role as sent; nil: ["console"].
	TrustedChannels []string

	SessionTimeout time.Duration    // idle timeout; 0: 30 minutes
	Now            func() time.Time // nil: time.Now
	NewCode        func() string    // one-time link codes; nil: 6 random digits
}

// Engine runs every conversation. It is safe for concurrent use; messages
// of one conversation are handled in order.
type Engine struct{}

// New returns an Engine.
func New(cfg Config) (*Engine, error) { panic("unimplemented") }

// Handle processes one message and returns the replies to send. A message
// whose EventID was already handled returns no replies and changes nothing.
// When err is not nil, replies still hold a localised apology for the sender
// and err is for the log.
func (e *Engine) Handle(ctx context.Context, m Message) ([]Reply, error) { panic("unimplemented") }
