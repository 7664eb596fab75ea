package dialog

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dangol/dangol/feedback"
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
	// NoEarning turns earning off for a shop without a points programme:
	// /points add is refused politely; balances and redeeming still work.
	NoEarning bool
	// PointsConfirmWon is the purchase from which an earn asks [적립] [취소]
	// first (DANGOL_POINTS_CONFIRM_WON); 0: DefaultPointsConfirmWon.
	PointsConfirmWon int64

	// Managers and Staff are platform-qualified user ids ("slack:U123")
	// granted those roles by configuration, on whatever channel; more can
	// be granted in the ledger.
	Managers []string
	Staff    []string

	// The channel policy: which channels (Message.Channel, an adapter's
	// name) carry whom. The engine names no platform; its caller says
	// which is which, and a channel in none of these lists admits only the
	// configured Managers and Staff.
	//
	// CustomerChannels carry customers: a sender there who is not staff is
	// a customer. StaffChannels carry staff: a sender there may hold a
	// role granted in the ledger (/staff add). TrustedChannels vouch for
	// who is speaking, so Message.Role is honoured as sent (the console).
	CustomerChannels []string
	StaffChannels    []string
	TrustedChannels  []string
	// UserIDs tell, by channel, whether a word is one of its user ids
	// (a mention as its adapter passes one on): /staff add refuses a name
	// that is none ("@민지" typed without picking the person reaches the
	// engine as text), which was granted a role nobody holds. A channel
	// without one takes any word as an id: the console's speakers are
	// named.
	UserIDs map[string]func(id string) bool

	// Retention is how long a customer is kept after their last visit, or
	// their registration if they never visited (DANGOL_RETENTION): the
	// consent question says so, the card and /mydata warn in the last
	// RetentionWarnDays, and ApplyRetention and RetentionJob erase
	// (flow_retention.go). Zero: off, kept until erased on request.
	Retention ledger.Retention
	// ShopName names the shop in the consent question ("": a neutral
	// wording) and first in every advertising message ("": none is sent,
	// ads.go).
	ShopName string
	// ShopContact is how a customer reaches the shop (a phone number, an
	// address), shown after ShopName in every advertising message's header:
	// 정보통신망법 제50조④ wants the sender's name and contact there. "":
	// no advertising is sent, as without ShopName (ads.go).
	ShopContact string
	// WinBackAt is when the automatic win-back runs, "HH:MM" in Loc
	// outside the night; "": DefaultWinBackAt (flow_winback.go).
	WinBackAt string
	// BirthdayAt is when the birthday greetings go, "HH:MM" in Loc (the
	// BirthdayJob's spec, DANGOL_BIRTHDAY_AT); "": DefaultBirthdayAt. A
	// customer who gives their birthday on the day after it is told the
	// greeting comes from next year (flow_customer_edit.go).
	BirthdayAt string
	// Hours are the shop's opening hours, told to a customer whose
	// question went to the staff (flow_thread.go); zero: DefaultHours.
	Hours Hours
	// SLA is how long a question may wait for a staff answer and a
	// complaint for its resolution, in opening hours (sla.go); zero:
	// DefaultSLA.
	SLA SLA
	// Notify are platform ids told, in the morning follow-up DMs, what
	// dangol did on its own (how many customers retention erased), beside
	// the managers configured and granted: a trusted channel keeps no
	// roster, so cmd names the console's first speaker here.
	Notify []string

	// Outbox keeps the replies of every message with an effect in the
	// ledger's outbox, written with the effect, until the caller reports
	// them sent (Delivered): a crash between the commit and the send then
	// loses none (Unsent), and a re-delivered event gets its unsent
	// replies again. Off, replies live only in memory: a caller that never
	// calls Delivered must leave it off, or the outbox only grows.
	Outbox bool

	// LinkCodeMisses is how many wrong typed link codes an hour may bring
	// from everyone together: the one that reaches it pauses typed codes
	// for everyone for CodeMissWindow and tells the staff channel once,
	// while deep links keep working (flow_link.go). 0:
	// DefaultLinkCodeMisses; negative: no bot-wide limit (each account
	// still waits after MaxCodeMisses of its own); at most
	// ledger.MaxCodeMissLimit.
	LinkCodeMisses int

	SessionTimeout time.Duration    // idle timeout; 0: 30 minutes
	Now            func() time.Time // nil: time.Now
	NewCode        func() string    // one-time link codes; nil: 6 random digits
	// Chart draws a week's summary as a PNG for /summary and the weekly
	// post; nil: feedback's chart ((*feedback.Summary).Chart). Drawing and
	// encoding it is most of a summary's cost, so tests that are not
	// about the picture pass a cheap stand-in, as they pass a clock.
	Chart func(s *feedback.Summary, t feedback.Translator, lang string) ([]byte, error)
}

// Defaults of Config.
const (
	// DefaultPointsRate is the percent of a purchase earned as points.
	DefaultPointsRate = 5
	// DefaultSessionTimeout is how long a flow waits for an answer.
	DefaultSessionTimeout = 30 * time.Minute
	// LinkCodeTTL is how long a one-time link code made by /link stays valid.
	LinkCodeTTL = 24 * time.Hour
)

// Engine runs every conversation. It is safe for concurrent use; messages
// of one conversation are handled in order, different conversations in
// parallel. It keeps no conversation in memory: each message rebuilds the
// conversation's state machine from the session stored in the ledger.
type Engine struct {
	store   *ledger.Store
	cat     *locales.Catalog
	log     *slog.Logger
	loc     *time.Location
	lang    string
	rate    int64
	noEarn  bool
	timeout time.Duration
	now     func() time.Time
	newCode func() string
	chart   func(*feedback.Summary, feedback.Translator, string) ([]byte, error) // Config.Chart, defaulted (posts.go)

	managers map[string]bool
	staff    map[string]bool
	trusted  map[string]bool
	// customerCh and staffCh are Config.CustomerChannels and StaffChannels.
	customerCh map[string]bool
	staffCh    map[string]bool
	userIDs    map[string]func(string) bool // Config.UserIDs (flow_staff.go)

	locks keyLocks

	confirmWon int64 // Config.PointsConfirmWon (flow_corrections.go)
	codeMisses int   // Config.LinkCodeMisses, defaulted; <= 0: off (flow_link.go)
	outbox     bool  // Config.Outbox (outbox.go)

	// Config.Retention, ShopName and Notify (flow_retention.go).
	retention ledger.Retention
	shop      string
	contact   string // Config.ShopContact (ads.go)
	winBackAt string // "HH:MM" (flow_winback.go)
	// birthdayAt is Config.BirthdayAt's minutes after midnight.
	birthdayAt int
	notify     []string
	hours      Hours // Config.Hours, defaulted (flow_thread.go)
	sla        SLA   // Config.SLA, defaulted (sla.go)

	// noSpaceAlerted is when the staff channel was last told the disk is
	// full, in unix nanoseconds; 0 never (nospace.go).
	noSpaceAlerted atomic.Int64
}

// New returns an Engine. Store and Catalog are required.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil {
		return nil, errors.New("dialog: new engine: no ledger store")
	}
	if cfg.Catalog == nil {
		return nil, errors.New("dialog: new engine: no catalog")
	}
	e := &Engine{
		store:    cfg.Store,
		cat:      cfg.Catalog,
		log:      cfg.Logger,
		loc:      cfg.Loc,
		lang:     locales.Normalize(cfg.Lang),
		rate:     int64(cfg.PointsRate),
		noEarn:   cfg.NoEarning,
		timeout:  cfg.SessionTimeout,
		now:      cfg.Now,
		newCode:  cfg.NewCode,
		managers: set(cfg.Managers),
		staff:    set(cfg.Staff),
		trusted:  set(cfg.TrustedChannels),

		customerCh: set(cfg.CustomerChannels),
		staffCh:    set(cfg.StaffChannels),
		userIDs:    maps.Clone(cfg.UserIDs),
		locks:      keyLocks{m: map[string]*keyLock{}},
	}
	e.confirmWon = cfg.PointsConfirmWon
	if e.codeMisses = cfg.LinkCodeMisses; e.codeMisses == 0 {
		e.codeMisses = DefaultLinkCodeMisses
	} else if e.codeMisses > ledger.MaxCodeMissLimit {
		return nil, fmt.Errorf("dialog: new engine: %d link code misses an hour is more than %d", e.codeMisses, ledger.MaxCodeMissLimit)
	}
	e.outbox = cfg.Outbox
	e.hours = cfg.Hours.orDefault()
	e.sla = cfg.SLA.orDefault()
	if err := cfg.Retention.Validate(); err != nil {
		return nil, fmt.Errorf("dialog: new engine: %w", err)
	}
	e.retention, e.shop, e.notify = cfg.Retention, strings.TrimSpace(cfg.ShopName), slices.Clone(cfg.Notify)
	e.contact = strings.TrimSpace(cfg.ShopContact)
	if e.winBackAt = strings.TrimSpace(cfg.WinBackAt); e.winBackAt == "" {
		e.winBackAt = DefaultWinBackAt
	}
	if _, _, err := WinBackSpec(e.winBackAt); err != nil {
		return nil, fmt.Errorf("dialog: new engine: %w", err)
	}
	bAt := strings.TrimSpace(cfg.BirthdayAt)
	if bAt == "" {
		bAt = DefaultBirthdayAt
	}
	if _, _, err := BirthdaySpec(bAt); err != nil {
		return nil, fmt.Errorf("dialog: new engine: %w", err)
	}
	bh, bm, _ := strings.Cut(bAt, ":")
	h, _ := strconv.Atoi(bh)
	m, _ := strconv.Atoi(bm)
	e.birthdayAt = h*60 + m
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.loc == nil {
		loc, err := time.LoadLocation("Asia/Seoul")
		if err != nil {
			// Without tzdata on the host, Korea has had no DST since 1988.
			loc = time.FixedZone("KST", 9*60*60)
		}
		e.loc = loc
	}
	if e.rate <= 0 {
		e.rate = DefaultPointsRate
	}
	if e.timeout <= 0 {
		e.timeout = DefaultSessionTimeout
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.newCode == nil {
		e.newCode = randomCode
	}
	if e.chart = cfg.Chart; e.chart == nil {
		e.chart = (*feedback.Summary).Chart
	}
	return e, nil
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// randomCode returns 6 random digits from crypto/rand.
func randomCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		// crypto/rand does not fail on supported platforms; a fixed code
		// would be guessable, so make it obviously unusable instead.
		panic(fmt.Sprintf("dialog: random link code: %v", err))
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// keyLocks serialises the messages of one conversation. Entries are
// reference counted so idle conversations leave nothing behind.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	mu sync.Mutex
	n  int
}

func (k *keyLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	l := k.m[key]
	if l == nil {
		l = &keyLock{}
		k.m[key] = l
	}
	l.n++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		l.n--
		if l.n == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// Handle processes one message and returns the replies to send. A message
// that only reads is answered from a read-only transaction, its event id
// and cursor committed later with another write (outbox.go); one with an
// effect commits it, with its event id and, under Config.Outbox, its
// replies (each then carrying its Reply.OutboxID for Delivered). A message
// whose EventID was already handled changes nothing and returns only the
// replies of it still waiting in the outbox (none once delivered).
// When err is not nil, replies still hold a localised apology for the sender
// and err is for the log.
func (e *Engine) Handle(ctx context.Context, m Message) ([]Reply, error) {
	key := m.Channel + ":" + m.ConversationID
	unlock := e.locks.lock(key)
	defer unlock()

	// Staff are audited on every customer they see: a message of theirs
	// always writes, and when the configuration alone says they are staff
	// the read-only attempt is not even begun (a grant in the ledger is
	// known only inside it, where it stops at once).
	if !e.knownStaff(m) {
		if replies, err, ok := e.handleRead(ctx, m, key); ok {
			return replies, err
		}
	}
	now := e.now()
	var t *turn
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		// Update may run this more than once (shared commits): start afresh.
		t = e.newTurn(ctx, tx, m, key, now)
		if err := t.run(); err != nil {
			return err
		}
		return t.stash()
	})
	if err == nil {
		if t.dup {
			noteDuplicate(ctx)
			return t.replies, nil
		}
		replies := t.replies
		if t.later != nil {
			more, lerr := t.runLater(ctx)
			replies = append(replies, more...)
			if lerr != nil {
				return e.fail(ctx, t, m, key, replies, lerr)
			}
		}
		return replies, nil
	}
	if t == nil {
		return e.fail(ctx, nil, m, key, nil, err)
	}
	if id, data, ok := t.knownError(err); ok {
		// The effect was rolled back; the refusal itself is the answer to
		// this event, so record the event (and cursor, and an expiry) alone:
		// riding on the next commit unless an expired session must go.
		var merr error
		if t.expired {
			merr = e.store.Update(ctx, func(tx *ledger.Tx) error { return t.markOnly(tx) })
		} else {
			merr = e.store.QueueMarks(t.marks())
		}
		if merr != nil {
			return e.fail(ctx, t, m, key, nil, merr)
		}
		replies := append([]Reply(nil), t.notices...)
		replies = append(replies, t.mk(t.text(id, data)))
		return replies, nil
	}
	return e.fail(ctx, t, m, key, append([]Reply(nil), t.notices...), err)
}

// runLater runs work left for after the commit, recovering a panic like
// flow code.
func (t *turn) runLater(ctx context.Context) (rs []Reply, err error) {
	defer func() {
		if r := recover(); r != nil {
			t.stack = string(debug.Stack())
			rs, err = nil, fmt.Errorf("dialog: panic after commit: %v", r)
		}
	}()
	return t.later(ctx)
}

// LogHandleFailed is the message of the ERROR record logged when handling a
// message failed unexpectedly. The person was answered with an apology, so
// the console, whose log the same person reads, leaves it out.
const LogHandleFailed = "dialog: handle message"

// fail logs an unexpected error and answers with an apology.
func (e *Engine) fail(ctx context.Context, t *turn, m Message, key string, replies []Reply, err error) ([]Reply, error) {
	attrs := []any{"conversation", key, "event", m.EventID, "err", err}
	if t != nil && t.stack != "" {
		attrs = append(attrs, "stack", t.stack)
	}
	e.log.ErrorContext(ctx, LogHandleFailed, attrs...)
	lang := e.lang
	if m.Lang != "" {
		lang = locales.Normalize(m.Lang)
	}
	if t != nil && t.lang != "" {
		lang = t.lang
	}
	switch {
	case isNoSpace(err):
		replies = append(replies, e.noSpaceReplies(t, lang)...)
	case errors.Is(err, ledger.ErrCorrupt) && t != nil && t.staffish():
		// A record this needs does not read: trying again never helps,
		// and staff can have it restored. A customer is not told of the
		// shop's file.
		// The file is named as the shop runs it: "dangol.db" in the text
		// sent a shop whose file is salon.db looking for the wrong one.
		replies = append(replies, Reply{Lang: lang, Text: e.cat.Text(lang, "core.err.damaged", map[string]any{"DB": e.store.Path()})})
	default:
		replies = append(replies, Reply{Lang: lang, Text: e.cat.Text(lang, "core.err.internal", nil)})
	}
	return replies, fmt.Errorf("dialog: handle %s: %w", key, err)
}

// userError is a refusal the sender should read: a catalog id and its data.
// Returning one from flow code rolls the transaction back.
type userError struct {
	id   string
	data any
}

func (u *userError) Error() string { return "dialog: refused: " + u.id }

func refuse(id string, data any) error { return &userError{id: id, data: data} }

// knownError maps an error to a catalog message when the sender can act on it.
func (t *turn) knownError(err error) (id string, data any, ok bool) {
	var u *userError
	var le *ledger.LimitError
	var ce *ledger.ControlError
	switch {
	case errors.As(err, &u):
		return u.id, u.data, true
	case errors.As(err, &le):
		return t.limitMessage(le)
	case errors.As(err, &ce):
		return "core.err.control", map[string]any{"Field": t.text(fieldID(ce.Field), nil)}, true
	case errors.Is(err, ledger.ErrCustomerNotFound):
		return "core.err.customer_not_found", nil, true
	case errors.Is(err, ledger.ErrInsufficientPoints):
		return "core.err.insufficient_points", nil, true
	case errors.Is(err, ledger.ErrDuplicatePhone):
		return "core.err.duplicate_phone", nil, true
	case errors.Is(err, ledger.ErrInvalidCode):
		return "core.err.invalid_code", nil, true
	case errors.Is(err, ledger.ErrNoConsent):
		return "core.err.no_consent", nil, true
	case errors.Is(err, ledger.ErrInvalid):
		return "core.err.invalid", nil, true
	}
	return "", nil, false
}

// limitMessage says which field was too long, and the limit, in words a
// shop uses.
func (t *turn) limitMessage(le *ledger.LimitError) (id string, data any, ok bool) {
	if le.Field == "tags" {
		return "core.err.too_many_tags", map[string]any{"Limit": le.Limit}, true
	}
	field := fieldID(le.Field)
	if field == "" {
		return "core.err.invalid", nil, true
	}
	return "core.err.too_long", map[string]any{"Field": t.text(field, nil), "Limit": groupDigits(int64(le.Limit))}, true
}

// fieldID is the catalog id naming a ledger field in a shop's words; ""
// for a field that has none.
func fieldID(field string) string {
	return map[string]string{
		"name":        "core.field.name",
		"preferences": "core.field.preferences",
		"remarks":     "core.field.remarks",
		"text":        "core.field.text",
		"comment":     "core.field.comment",
		"reason":      "core.field.reason",
		"tag":         "core.field.tag",
	}[field]
}

// turn is the handling of one message inside one ledger transaction.
type turn struct {
	e   *Engine
	ctx context.Context
	tx  *ledger.Tx
	m   Message
	key string
	now time.Time

	role  ledger.Role
	actor ledger.Actor
	lang  string
	pid   string // the sender's platform-qualified id, "channel:user"

	sess    ledger.Session
	hadSess bool
	expired bool // the session timed out and goes with this turn
	// expiryTold: the person was told so (a flow that was only browsing
	// ends without a word), which answers a /cancel too.
	expiryTold bool
	// keptIdle: the expired flow's work was saved (keepIdle).
	keptIdle bool
	// flowErased: the flow was ended by an erasure, and the person told
	// so (erased_flow.go), which answers a press on its buttons too.
	flowErased bool
	// idleKeeping is set while keepIdle runs a flow's keep: a flow can
	// keep on a walk-away what it drops on a new command (a question).
	idleKeeping bool

	replies []Reply
	notices []Reply // said before the flow ran (an expiry); kept on refusals
	later   func(ctx context.Context) ([]Reply, error)
	dup     bool
	stack   string
	// ro says the turn runs in a read-only transaction (outbox.go): its
	// marks are queued afterwards, and any write ends the attempt.
	ro bool
	// keepPressed says the pressed message is not to be replaced by the
	// answer (inPlace): it is not the flow's own question.
	keepPressed bool
	// figures is pts' and won's data map, reused (render.go).
	figures map[string]any
	// aid is actorID's memo.
	aid string
}

// actorID is t.actor.ID(), made once: a note names its author in the note
// and in its audit entry.
func (t *turn) actorID() string {
	if t.aid == "" {
		t.aid = t.actor.ID()
	}
	return t.aid
}

func (e *Engine) newTurn(ctx context.Context, tx *ledger.Tx, m Message, key string, now time.Time) *turn {
	t := &turn{e: e, ctx: ctx, tx: tx, m: m, key: key, now: now, pid: m.Channel + ":" + m.UserID}
	t.lang = e.lang
	if m.Lang != "" {
		t.lang = locales.Normalize(m.Lang)
	}
	return t
}

// run handles the message: de-duplication, role, language, session expiry,
// dispatch, then the session, event id and cursor saved with the effect.
func (t *turn) run() (err error) {
	defer func() {
		if r := recover(); r != nil {
			t.stack = string(debug.Stack())
			err = fmt.Errorf("dialog: panic in flow: %v", r)
		}
	}()
	if t.m.EventID != "" {
		seen, err := t.tx.SeenEvent(t.m.EventID)
		if err != nil {
			return fmt.Errorf("dialog: check event: %w", err)
		}
		if seen {
			t.dup = true
			return t.unsent()
		}
	}
	if err := t.resolveRole(); err != nil {
		return err
	}
	if t.ro && (t.staffish() || t.role == ledger.RoleCustomer && t.commandWrites()) {
		return errWrites // staff are audited: no need to read further
	}
	if t.staffish() {
		if err := t.learnStaffName(); err != nil { // flow_staff.go
			return err
		}
	}
	if t.role == ledger.RoleNone {
		// Nothing about the shop is read for a stranger. One writing in
		// a staff thread is not even answered (thread_relay.go).
		if t.m.Thread == "" {
			t.say("core.refused", nil)
		}
		return t.mark(t.tx)
	}
	if t.role == ledger.RoleCustomer && t.m.Reach == "" {
		if err := t.reachable(); err != nil { // they wrote: reach.go
			return err
		}
	}
	if p, err := t.tx.Profile(t.pid); err != nil {
		return fmt.Errorf("dialog: read profile: %w", err)
	} else if p.Lang != "" {
		t.lang = locales.Normalize(p.Lang)
	}
	if err := t.loadSession(); err != nil {
		return err
	}
	if t.ro && t.writes() {
		return errWrites
	}
	if err := t.dispatch(); err != nil {
		return err
	}
	if t.staffish() {
		if err := t.warnBlocked(); err != nil { // reach.go
			return err
		}
	}
	return t.finish()
}

func (t *turn) resolveRole() error {
	t.actor = ledger.Actor{Channel: t.m.Channel, UserID: t.m.UserID, Name: t.m.UserName}
	defer func() { t.actor.Role = t.role }()
	if t.e.trusted[t.m.Channel] && t.m.Role != ledger.RoleNone {
		t.role = t.m.Role
		return nil
	}
	// Grants in the ledger are for the staff's own channels only: a
	// customer channel's sender is a customer unless configured as staff.
	role, err := t.e.staffRole(t.tx, t.pid, t.e.staffCh[t.m.Channel] && t.m.UserID != "")
	if err != nil {
		return err
	}
	switch {
	case role != ledger.RoleNone:
		t.role = role
	case t.e.customerCh[t.m.Channel]:
		t.role = ledger.RoleCustomer
	}
	return nil
}

// knownStaff reports whether m's sender is staff or a manager by the
// configuration alone (a trusted channel's word, or DANGOL_STAFF and
// DANGOL_MANAGERS), as resolveRole would find.
func (e *Engine) knownStaff(m Message) bool {
	if e.trusted[m.Channel] && m.Role != ledger.RoleNone {
		return m.Role == ledger.RoleStaff || m.Role == ledger.RoleManager
	}
	return e.configuredStaff(m.Channel+":"+m.UserID) != ledger.RoleNone
}

// configuredStaff is the role DANGOL_MANAGERS or DANGOL_STAFF gives
// platform id; RoleNone when neither names it.
func (e *Engine) configuredStaff(id string) ledger.Role {
	switch {
	case e.managers[id]:
		return ledger.RoleManager
	case e.staff[id]:
		return ledger.RoleStaff
	}
	return ledger.RoleNone
}

// staffRole is the staff role platform id holds: from configuration, else,
// when granted is true, from a grant in the ledger; RoleNone if neither.
func (e *Engine) staffRole(tx *ledger.Tx, id string, granted bool) (ledger.Role, error) {
	if r := e.configuredStaff(id); r != ledger.RoleNone || !granted {
		return r, nil
	}
	m, ok, err := tx.Staff(id)
	if err != nil {
		return ledger.RoleNone, fmt.Errorf("dialog: read staff: %w", err)
	}
	if ok && (m.Role == ledger.RoleStaff || m.Role == ledger.RoleManager) {
		return m.Role, nil
	}
	return ledger.RoleNone, nil
}

func (t *turn) staffish() bool {
	return t.role == ledger.RoleStaff || t.role == ledger.RoleManager
}

// loadSession reads the conversation's session and expires it when idle.
func (t *turn) loadSession() error {
	s, ok, err := t.tx.Session(t.key)
	if err != nil {
		return fmt.Errorf("dialog: read session: %w", err)
	}
	t.hadSess = ok
	if ok && s.Flow == "" && s.Erased {
		t.erasedFlow(s) // idle_keep.go
		return nil
	}
	if ok && s.Flow == "" && s.Expired != "" {
		// The housekeeping sweep ended it while the person was away.
		s.Flow, s.Updated = s.Expired, time.Time{}
	}
	if !ok || s.Flow == "" {
		t.sess = ledger.Session{Key: t.key}
		return nil
	}
	if t.now.Sub(s.Updated) > t.e.timeout {
		t.expired = true
		// What the flow holds and can keep (a note with its text written)
		// is saved, as when a new command replaces it: walking away from
		// [저장] is not throwing the note away (idle_keep.go).
		if !t.asksCancel() {
			if kept, err := t.keepIdle(s); err != nil || kept {
				return err
			}
		}
		// A flow that was only browsing (a list, a menu) held nothing to
		// lose, so it ends without a word, as a new command ends it.
		if holdsWork(s.Flow, s.State) {
			n := t.mk(t.text("core.session.expired", map[string]any{
				"Flow":    t.text(t.flowTitle(s), nil),
				"Minutes": int(t.e.timeout / time.Minute),
			}))
			t.notices = append(t.notices, n)
			t.replies = append(t.replies, n)
			t.expiryTold = true
		}
		t.sess = ledger.Session{Key: t.key}
		return nil
	}
	if s.Draft == nil {
		s.Draft = map[string]string{}
	}
	t.sess = s
	return nil
}

// finish stores the session and marks the event, in the same transaction.
func (t *turn) finish() error {
	if t.sess.Flow != "" {
		t.sess.Key = t.key
		t.sess.Updated = t.now
		t.sess.Lang = t.lang
		t.noteWriter()
		if err := t.tx.PutSession(t.sess); err != nil {
			return fmt.Errorf("dialog: save session: %w", err)
		}
	} else if t.hadSess {
		if err := t.tx.DeleteSession(t.key); err != nil {
			return fmt.Errorf("dialog: delete session: %w", err)
		}
	}
	return t.mark(t.tx)
}

// mark records the event id and advances the adapter's cursor; in a
// read-only turn, Handle queues them instead once the turn is done.
func (t *turn) mark(tx *ledger.Tx) error {
	if t.ro {
		return nil
	}
	if t.m.EventID != "" {
		if err := tx.MarkEvent(t.m.EventID, t.now); err != nil {
			return fmt.Errorf("dialog: mark event: %w", err)
		}
	}
	if t.m.CursorName != "" {
		if err := tx.SetCursor(t.m.CursorName, t.m.CursorValue); err != nil {
			return fmt.Errorf("dialog: set cursor: %w", err)
		}
	}
	return nil
}

// markOnly commits what a refused message still changes: its event id, the
// cursor and the expiry of an idle session.
func (t *turn) markOnly(tx *ledger.Tx) error {
	if t.m.EventID != "" {
		seen, err := tx.SeenEvent(t.m.EventID)
		if err != nil {
			return fmt.Errorf("dialog: check event: %w", err)
		}
		if seen {
			return nil
		}
	}
	if t.expired && !t.keptIdle {
		// A session kept at its expiry (keepIdle) stays: the refusal
		// rolled the saved note back, and the next message saves it.
		if err := tx.DeleteSession(t.key); err != nil {
			return fmt.Errorf("dialog: delete session: %w", err)
		}
	}
	return t.mark(tx)
}

// --- replies ---

// text returns catalog message id in the turn's language.
func (t *turn) text(id string, data any) string {
	return t.e.cat.Text(t.lang, id, data)
}

// mk makes a reply in the turn's language.
func (t *turn) mk(text string, buttons ...Button) Reply {
	return Reply{Lang: t.lang, Text: text, Buttons: buttons}
}

// add appends replies, filling in their language.
func (t *turn) add(rs ...Reply) {
	for _, r := range rs {
		if r.Lang == "" {
			r.Lang = t.lang
		}
		t.replies = append(t.replies, r)
	}
}

// say adds catalog message id as a reply with buttons.
func (t *turn) say(id string, data any, buttons ...Button) {
	t.add(t.mk(t.text(id, data), buttons...))
}

// sayStale answers a pressed button whose flow is over, marking the reply
// Stale so adapters do not show the press as a choice made.
func (t *turn) sayStale() {
	r := t.mk(t.text("core.button.stale", nil))
	r.Stale = true
	t.add(r)
}

// btn makes a button labelled with catalog message id.
func (t *turn) btn(id, payload string) Button {
	return Button{Label: t.text(id, nil), Payload: payload}
}

// isButton reports whether input pressed payload, or typed the label of
// the button catalog message id in any language.
func (t *turn) isButton(in input, payload, id string) bool {
	if in.payload != "" {
		return in.payload == payload
	}
	for _, l := range locales.Languages {
		if strings.EqualFold(in.text, t.e.cat.Text(l, id, nil)) {
			return true
		}
	}
	return false
}

// audit records a staff read or change of a customer record.
func (t *turn) audit(action, customerID, detail string) error {
	if !t.staffish() {
		return nil
	}
	err := t.tx.Audit(ledger.AuditEntry{At: t.now, ActorID: t.actorID(), Action: action, CustomerID: customerID, Detail: detail})
	if err != nil {
		return fmt.Errorf("dialog: audit %s: %w", action, err)
	}
	return nil
}

// --- dispatch ---

// input is what the sender gave in a flow: typed text or a button payload.
type input struct {
	text    string
	payload string
}

func (t *turn) dispatch() error {
	m := t.m
	switch {
	case m.Thread != "" && m.FormID == "" && m.Action == nil:
		return t.onThreadMessage() // thread_relay.go
	case strings.HasPrefix(m.FormID, formReplyPrefix):
		return t.onReplyForm(strings.TrimPrefix(m.FormID, formReplyPrefix)) // thread_relay.go
	case m.FormID != "":
		return t.onForm()
	case m.Action != nil:
		return t.onAction(strings.TrimSpace(m.Action.Payload))
	case m.Phone != "":
		if t.role != ledger.RoleCustomer {
			t.say("core.help.short_staff", nil)
			return nil
		}
		return t.onSharedPhone(m.Phone)
	case m.Reach != "":
		return t.onReach(m.Reach) // reach.go
	case m.Media != nil && t.role == ledger.RoleCustomer:
		return t.onMedia(m.Media) // flow_media.go; staff's media is ignored, their text read
	}
	text := strings.TrimSpace(m.Text)
	if cmd, args, word, ok := t.readCommand(text, t.sess.Flow != ""); ok && !(word && (t.questionLike(cmd, args) || t.foreignWord(cmd))) {
		if word && t.besideFlow(cmd) {
			return t.customerCommand(cmd) // the flow waits on (flowDef.aside)
		}
		return t.onCommand(cmd, args)
	}
	if t.sess.Flow != "" {
		return t.step(input{text: text})
	}
	if t.role == ledger.RoleCustomer {
		return t.onCustomerText(text)
	}
	t.say("core.help.short_staff", nil)
	return nil
}

// onAction handles a pressed button. Buttons that carry their own subject
// (answer, follow-up, language) work at any time; others belong to the flow.
func (t *turn) onAction(p string) error {
	verb, arg, _ := strings.Cut(p, ":")
	switch {
	case p == "cancel":
		return t.cancel()
	case verb == "answer" && arg != "":
		if !t.staffish() {
			t.say("core.refused", nil)
			return nil
		}
		return t.answerFeedback(arg)
	case verb == "fu" && arg != "":
		if !t.staffish() {
			t.say("core.refused", nil)
			return nil
		}
		return t.followUpDone(arg)
	case verb == "lang" && arg != "":
		return t.setLang(arg)
	case verb == "note" && arg != "": // a note's button on the card (flow_corrections.go)
		return t.noteButton(arg)
	case verb == "cedit" && arg != "": // the card's [수정] (flow_customer_edit.go)
		return t.openEditForm(arg)
	}
	if h, ok := actionHandlers[verb]; ok {
		return h(t, arg)
	}
	if t.sess.Flow != "" {
		return t.step(input{payload: p})
	}
	if t.keptIdle || t.flowErased {
		// A press on the saved flow's question ([건너뛰기], [저장]): the
		// save that keepIdle just told of is its answer (or the notice
		// that an erasure ended the flow).
		return nil
	}
	t.sayStale()
	return nil
}

// cancel leaves any flow.
func (t *turn) cancel() error {
	if t.sess.Flow == "" {
		if !t.expiryTold {
			t.say("core.cancel.nothing", nil)
		}
		return nil
	}
	if f := flows[t.sess.Flow]; f != nil && f.onCancel != nil {
		return f.onCancel(t)
	}
	t.sess = ledger.Session{Key: t.key}
	t.say("core.cancel.done", nil)
	return nil
}

// command is one text command: who may use it and what runs.
type command struct {
	run     func(t *turn, args string) error
	manager bool // managers only (staff get a polite refusal)
	keep    bool // does not interrupt a running flow
	// writes: the command writes whatever its arguments (a flow's session
	// at the least), so a customer's message of it skips the read-only
	// attempt (outbox.go) instead of reading everything twice.
	writes bool
	// wordArgs, when set, says whether args follow the command's Korean
	// word typed without a slash as its arguments ("생일 3/15"); when not,
	// a customer's message is a sentence for the shop ("생일 쿠폰 있나요?",
	// questionLike). nil: any arguments are the command's.
	wordArgs func(t *turn, args string) bool
	// englishArgs, when set, replaces wordArgs after the command's
	// English word (englishCommands), which starts English sentences
	// where 후기 or 포인트 starts few: "feedback the latte was too sweet"
	// is no rating, "points left on my gift card" asks no balance.
	englishArgs func(t *turn, args string) bool
}

// staffCommands are the commands of staff and managers.
var staffCommands = map[string]command{
	"note":      {run: (*turn).cmdNote},
	"customer":  {run: (*turn).cmdCustomer},
	"customers": {run: (*turn).cmdCustomers},
	"points":    {run: (*turn).cmdPoints},
	"link":      {run: (*turn).cmdLink},
	"followups": {run: (*turn).cmdFollowUps},
	"summary":   {run: (*turn).cmdSummary, manager: true},
	"audit":     {run: (*turn).cmdAudit, manager: true},
	"staff":     {run: (*turn).cmdStaff, manager: true},
	"lang":      {run: (*turn).cmdLang},
	"help":      {run: (*turn).cmdHelp, keep: true},
	"cancel":    {run: func(t *turn, _ string) error { return t.cancel() }, keep: true},
}

// customerCommands are the commands of customers.
var customerCommands = map[string]command{
	"start":    {run: (*turn).cmdStart},
	"points":   {run: (*turn).cmdMyPoints, wordArgs: (*turn).pointsWords, englishArgs: (*turn).pointsEnglish},                 // "포인트 언제 소멸돼요?" is a question
	"feedback": {run: (*turn).cmdFeedback, writes: true, wordArgs: (*turn).feedbackWords, englishArgs: (*turn).feedbackRated}, // "후기 이벤트 있나요?" is a question
	"lang":     {run: (*turn).cmdLang},
	"mydata":   {run: (*turn).cmdMyData},
	"birthday": {run: (*turn).cmdBirthday, wordArgs: (*turn).birthdayWords}, // flow_customer_edit.go
	"forget":   {run: (*turn).cmdForget},
	"help":     {run: (*turn).cmdHelp, keep: true},
	// "취소 가능한가요?" asks about cancelling a booking, not this.
	"cancel": {run: func(t *turn, _ string) error { return t.cancel() }, keep: true, wordArgs: func(*turn, string) bool { return false }},
}

func (t *turn) onCommand(name, args string) error {
	table := customerCommands
	if t.staffish() {
		table = staffCommands
	}
	c, ok := table[name]
	if !ok {
		t.unknownCommand(table, name) // command_suggest.go
		return nil
	}
	if c.manager && t.role != ledger.RoleManager {
		t.say("core.command.manager_only", nil)
		return nil
	}
	if !c.keep && !t.resumes(name) {
		// A new command replaces whatever flow was running, and says so:
		// a note waiting for its customer's name, or an earn waiting for
		// [적립], is otherwise taken for done. A flow that is only
		// browsing (choosing among customers, paging a list, a menu)
		// holds nothing to lose.
		old, notice := t.sess, -1
		if f := t.sess.Flow; f != "" && holdsWork(f, t.sess.State) {
			at := len(t.replies)
			kept, err := t.replaceFlow(f == name && flows[f].restartDrops)
			if err != nil {
				return err
			}
			if !kept {
				notice = at
			}
		}
		t.sess = ledger.Session{Key: t.key}
		if notice >= 0 {
			if err := c.run(t, strings.TrimSpace(args)); err != nil {
				return err
			}
			t.restarted(old, notice)
			return nil
		}
	}
	return c.run(t, strings.TrimSpace(args))
}

// resumes reports whether command name goes on with the flow waiting
// instead of replacing it (flowDef.resumedBy).
func (t *turn) resumes(name string) bool {
	f := flows[t.sess.Flow]
	return f != nil && slices.Contains(f.resumedBy, name)
}

// restarted rewords the notice at replies[at] when the new command began
// the very flow it replaced: "stopped for the new command" read as if
// something else had started. A flow still at its first question with
// nothing typed lost nothing, and needs no notice at all.
func (t *turn) restarted(old ledger.Session, at int) {
	if t.sess.Flow != old.Flow || at >= len(t.replies) {
		return
	}
	if old.State == flows[old.Flow].initial && !holdsDraft(old) {
		t.replies = slices.Delete(t.replies, at, at+1)
		return
	}
	t.replies[at] = t.mk(t.text("core.flow.restarted", map[string]any{"Flow": t.text(t.flowTitle(old), nil)}))
}

// holdsDraft reports whether the session holds anything typed; keys of
// "_" are the engine's own (idle_keep.go's writer).
func holdsDraft(s ledger.Session) bool {
	for k, v := range s.Draft {
		if v != "" && !strings.HasPrefix(k, "_") {
			return true
		}
	}
	return false
}

// replaceFlow ends the flow a new command replaces and says so: kept, when
// the flow saves what it holds (flowDef.keep) and drop is not set, or not
// saved. It reports whether the flow was kept.
func (t *turn) replaceFlow(drop bool) (bool, error) {
	title := t.text(t.flowTitle(t.sess), nil)
	if keep := flows[t.sess.Flow].keep; keep != nil && !drop {
		at := len(t.replies)
		kept, err := keep(t)
		if err != nil {
			return false, err
		}
		if kept {
			// The notice goes before the saved flow's own confirmation.
			t.replies = slices.Insert(t.replies, at, t.mk(t.text("core.flow.kept", map[string]any{"Flow": title})))
			return true, nil
		}
	}
	t.add(t.mk(t.text("core.flow.replaced", map[string]any{"Flow": title})))
	return false, nil
}

// holdsWork reports whether flow, in state, holds something the person
// would lose if it ended (a draft, a question waiting): any flow but one
// only browsing (flowDef.browse: a list, a menu, a choice of customers),
// which ends without a word when it times out or a command replaces it.
func holdsWork(flow, state string) bool {
	f := flows[flow]
	return f == nil || !slices.Contains(f.browse, state)
}

// questionLike reports whether a customer's message that parsed as the
// command cmd from a word typed without a slash is a sentence for the shop
// instead: a Korean word of a staff
// command, typed without a slash and followed by more ("고객 센터 번호
// 알려주세요", "메모 남겨도 되나요", "요약 좀 해 주세요"), or of one of
// theirs followed by what its arguments cannot be ("생일 쿠폰 있나요?"). It
// goes on as a question; the customer's own commands ("피드백 ★★★★★
// 좋아요", "생일 3/15") stay commands.
func (t *turn) questionLike(cmd, args string) bool {
	if t.role != ledger.RoleCustomer || args == "" {
		return false
	}
	c, mine := customerCommands[cmd]
	if !mine {
		return true
	}
	check := c.wordArgs
	if first, _ := firstField(t.m.Text); c.englishArgs != nil && englishCommands[strings.ToLower(first)] != "" {
		check = c.englishArgs
	}
	return check != nil && !check(t, args)
}

// foreignWord reports whether a Korean command word typed without a slash
// names a command of the customers' only, typed by staff ("후기 좋았다고
// 하심", "피드백"): it is their text, not an unknown command.
func (t *turn) foreignWord(cmd string) bool {
	_, ok := staffCommands[cmd]
	return t.staffish() && !ok
}

// commandWrites reports whether a customer's message is a command that
// always writes (command.writes), read as dispatch will read it outside a
// flow (inside one, the turn writes its session anyway).
func (t *turn) commandWrites() bool {
	if t.m.Action != nil || t.m.Text == "" {
		return false
	}
	name, _, _, ok := parseCommand(t.m.Text, false)
	return ok && customerCommands[name].writes
}

// parseCommand reads a command line: "/note …", "/start@bot CODE", or a
// Korean or English command word typed without a slash ("메모 …", "취소",
// "cancel", englishCommands), returning the canonical English name. With wordAlone (inside a flow) a Korean word
// counts only as the whole message, so a note that starts with "고객" stays
// a note. word says the command came as a Korean word without a slash.
func parseCommand(text string, wordAlone bool) (name, args string, word, ok bool) {
	if cmd, rest := splitCommand(text); cmd != "" {
		if c, ok := commandAlias(cmd); ok {
			cmd = c
		}
		return cmd, rest, false, true
	}
	if cmd, rest, ok := englishCommand(text); ok && !(wordAlone && rest != "") {
		return cmd, rest, true, true
	}
	first, rest := firstField(text)
	if first == "" || (wordAlone && rest != "") {
		return "", "", false, false
	}
	cmd, ok := commandAlias(first)
	if !ok {
		return "", "", false, false
	}
	return cmd, rest, true, true
}

// besideFlow reports whether the customer command name, typed as its
// word alone, answers beside the flow waiting (flowDef.aside).
func (t *turn) besideFlow(name string) bool {
	f := flows[t.sess.Flow]
	return t.role == ledger.RoleCustomer && f != nil && slices.Contains(f.aside, name)
}

// customerCommand runs the customer command name without arguments and
// leaves the session as it is: besideFlow's commands read, and the flow
// they were typed in waits on.
func (t *turn) customerCommand(name string) error {
	return customerCommands[name].run(t, "")
}

// staffCancelWords cancel a flow when staff type them, as "cancel" and 취소
// do anyone's: a customer's "stop" withdraws advertising consent instead
// (flow_optout.go).
var staffCancelWords = []string{"stop", "quit"}

// flowWords are the commands a word typed without a slash may be inside
// a flow holding work, with the flow's own flowDef.aside: any other is
// what was typed ("balance" as a
// note's text, 포인트 as its purchase), which ended the flow unsaved.
var flowWords = []string{"cancel", "help"}

// readCommand is parseCommand for the turn's sender, who as staff may
// also cancel with staffCancelWords. Inside a flow holding work
// (holdsWork) a command word without a slash counts only when it is one
// of flowWords.
func (t *turn) readCommand(text string, wordAlone bool) (name, args string, word, ok bool) {
	if t.staffish() && slices.Contains(staffCancelWords, answerForm(text)) {
		return "cancel", "", true, true
	}
	name, args, word, ok = parseCommand(text, wordAlone)
	if ok && word && t.sess.Flow != "" && holdsWork(t.sess.Flow, t.sess.State) && !slices.Contains(flowWords, name) && !t.besideFlow(name) {
		return "", "", false, false
	}
	return name, args, word, ok
}

// --- flows ---

// flowTitle returns the catalog id naming a flow, for the notices that
// end one (expiry, a new command): the flow's title, what its titleOf
// names the session by, or core.flow.other for a flow this version does
// not have (a session of an older one).
func (t *turn) flowTitle(s ledger.Session) string {
	f := flows[s.Flow]
	if f == nil || f.title == "" {
		return "core.flow.other"
	}
	if f.titleOf != nil {
		if id := f.titleOf(s); id != "" {
			return id
		}
	}
	return f.title
}

// begin starts flow in its first state with an empty draft.
func (t *turn) begin(flow string) {
	t.sess = ledger.Session{Key: t.key, Flow: flow, State: flows[flow].initial, Draft: map[string]string{}}
}

// end leaves the current flow; the session is deleted at commit.
func (t *turn) end() {
	t.sess = ledger.Session{Key: t.key}
}

// fire moves the conversation's state machine by event. The machine is
// rebuilt from the stored state: nothing is kept in memory between messages.
func (t *turn) fire(event string) error {
	def, ok := flows[t.sess.Flow]
	if !ok {
		return fmt.Errorf("dialog: unknown flow %q", t.sess.Flow)
	}
	m := def.machine(t.sess.State)
	if err := m.Event(t.ctx, event); err != nil && !isNoTransition(err) {
		return fmt.Errorf("dialog: %s flow: %s in state %s: %w", t.sess.Flow, event, t.sess.State, err)
	}
	t.sess.State = m.Current()
	return nil
}

// step hands input to the running flow.
func (t *turn) step(in input) error {
	def, ok := flows[t.sess.Flow]
	if !ok {
		// A session from an older version: drop it rather than get stuck.
		t.end()
		t.sayStale()
		return nil
	}
	if !slices.Contains(def.roles, t.role) {
		t.end()
		t.say("core.refused", nil)
		return nil
	}
	return def.step(t, in)
}
