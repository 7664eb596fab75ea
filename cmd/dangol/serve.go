package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/slack"
	"github.com/dangol/dangol/bots/telegram"
	"github.com/dangol/dangol/bots/webhook"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// This file is the only one that knows the adapters: it builds the engine,
// starts every configured platform on the shop's one router.

// channels are the adapters' channel names, in the order the admin server
// reports them.
var channels = []string{telegram.Channel, slack.Channel, console.Channel}

// channelPolicy is whom each channel carries, which the engine learns from
// its configuration alone: Telegram carries customers; Slack carries staff,
// and so does the console, whose speakers may hold grants; the console is
// trusted to say who is speaking. Slack's users are granted roles by their
// ids (a mention), the console's by the names they speak as.
func channelPolicy(cfg dialog.Config) dialog.Config {
	cfg.CustomerChannels = []string{telegram.Channel}
	cfg.StaffChannels = []string{slack.Channel, console.Channel}
	cfg.TrustedChannels = []string{console.Channel}
	cfg.UserIDs = map[string]func(string) bool{slack.Channel: slack.IsUserID}
	return cfg
}

// runner is something serve runs: Run blocks until ctx is done (or, for
// the console, the input ends) and returns after its in-flight messages are
// handled and answered.
type runner interface {
	Run(ctx context.Context) error
}

// serve runs the configured platforms, or the console when none is
// configured or consoleOnly is set, until they stop. The ledger stays open
// for Close, which main calls last.
func (m *Main) serve(ctx context.Context, consoleOnly bool, imageDir string) error {
	m.initMetrics(consoleOnly)
	if err := m.openStore(); err != nil {
		return err
	}
	if err := m.keepBotName(ctx, m.Config.Telegram.BotName); err != nil {
		return err
	}
	// The real clock, which only the console moves (chat --at, :time).
	clock := newConsoleClock(m.now, m.Config.Loc)
	// The console runs when no platform does: then its first speaker, the
	// owner, is the manager told what retention erased (a trusted channel
	// keeps no roster of managers).
	var notify []string
	if consoleOnly || (m.Config.Telegram.Token == "" && m.Config.Slack.BotToken == "") {
		notify = []string{console.Channel + ":" + m.Catalog.Text(m.Config.Lang, "console.default.name", nil)}
	}
	// Replies wait in the ledger's outbox until a platform accepts them
	// (outbox.go); the console, a rehearsal, keeps them in memory.
	platformsOn := !consoleOnly && (m.Config.Telegram.Token != "" || m.Config.Slack.BotToken != "")
	engine, err := dialog.New(channelPolicy(dialog.Config{
		Outbox:     platformsOn,
		Store:      m.Store,
		Catalog:    m.Catalog,
		Logger:     m.Logger,
		Loc:        m.Config.Loc,
		Lang:       m.Config.Lang,
		PointsRate: m.Config.PointsRate,
		NoEarning:  m.Config.PointsRate == 0,
		Managers:   m.Config.Slack.Managers,
		Staff:      m.Config.Slack.Staff,
		Now:        clock.Now,
		NewCode:    m.NewCode,
		Chart:      m.Chart,

		PointsConfirmWon: m.Config.PointsConfirmWon,
		LinkCodeMisses:   m.Config.LinkCodeMisses,

		Retention:   m.Config.Retention,
		ShopName:    m.Config.ShopName,
		ShopContact: m.Config.ShopContact,
		WinBackAt:   m.Config.WinBackAt,
		BirthdayAt:  m.Config.BirthdayAt,
		Notify:      notify,
		Hours:       m.Config.Hours,
		SLA:         m.Config.SLA,
	}))
	if err != nil {
		return fmt.Errorf("start dialog engine: %w", err)
	}

	r := newOutboxRouter(m.Logger, engine)
	if platformsOn {
		if r.left, err = readLeftovers(ctx, engine); err != nil {
			return err
		}
	}
	var runners []runner
	if !consoleOnly {
		runners, err = m.platforms(engine, r)
		if err != nil {
			return err
		}
		if platformsOn {
			runners = append(runners, &resender{engine: engine, send: r.Send, now: clock.Now, every: time.Minute, logger: m.Logger, left: r.left})
		}
		// Checked before anything starts: a schedule that does not parse
		// stops dangol at once, not on Monday morning.
		sched, err := m.scheduler(engine, r)
		if err != nil {
			return err
		}
		if sched != nil {
			runners = append(runners, scheduleRunner{sched})
		}
	}
	hk := &housekeeper{store: m.Store, now: clock.Now, every: time.Hour, logger: m.Logger}
	if len(runners) == 0 {
		if err := m.prepareConsole(engine, clock, hk, imageDir); err != nil {
			return err
		}
		c := console.New(console.Config{
			In:       m.Stdin,
			Out:      m.Stdout,
			Handler:  m.metrics.handler(engine),
			Router:   r.Router,
			Catalog:  m.Catalog,
			Lang:     m.Config.Lang,
			Logger:   m.Logger,
			Prompt:   isTerminal(m.Stdin),
			Echo:     true,
			ImageDir: imageDir,
			Clock:    clock,
			// Their direct messages print as "→ [고객 42]".
			CustomerChannels: []string{telegram.Channel},
		})
		// The console registers itself as the staff channel and the
		// fallback of everything: a rehearsal shows what would go anywhere.
		r.byChannel[console.Channel] = c
		runners = append(runners, c)
		m.Logger.Info("console chat", "db", m.Config.DB, "lang", m.Config.Lang, "tz", m.Config.TZ)
	}
	// Once at start, at the console's time in a rehearsal: a dangol that
	// was off on the day someone's time ran out keeps the promise now.
	m.applyRetention(ctx, engine)
	runners = append(runners, hk)
	return m.tokenRejected(runAll(ctx, m.withAdmin(runners, r)))
}

// platforms builds the configured Telegram and Slack adapters and registers
// them with the router. When both want HTTP (a Telegram webhook and Slack's
// HTTP mode) they share one server on DANGOL_HTTP_ADDR.
func (m *Main) platforms(engine *dialog.Engine, r *router) ([]runner, error) {
	var (
		runners []runner
		tg      *telegram.Bot
		sl      *slack.Bot
		err     error
	)
	tc, sc := m.Config.Telegram, m.Config.Slack
	shared := tc.Token != "" && tc.WebhookURL != "" && sc.BotToken != "" && sc.SigningSecret != ""
	if tc.Token != "" {
		addr := m.Config.HTTPAddr
		if shared {
			addr = "" // served on the shared server below
		}
		tg, err = telegram.New(telegram.Config{
			Token:         tc.Token,
			APIURL:        tc.APIURL,
			WebhookURL:    tc.WebhookURL,
			WebhookSecret: tc.WebhookSecret,
			HTTPAddr:      addr,
			Handler:       m.metrics.handler(paced(engine, engine, outboxLimit, r.left)),
			Catalog:       m.Catalog,
			Router:        r.Router,
			LastUpdateID:  telegram.LastCommitted(m.Store),
			KnownAs:       m.keepBotName,
			Reconnect:     m.reconnect(),
			Observer:      m.metrics.watchPlatform(telegram.Channel),
			ChatInterval:  tc.Limits.ChatInterval,
			ChatBurst:     tc.Limits.ChatBurst,
			GlobalRate:    tc.Limits.GlobalRate,
			Logger:        m.Logger.With("adapter", "telegram"),
			Transport:     m.TelegramTransport,
			Now:           m.sendNow(),
			After:         m.SendAfter,
		})
		if err != nil {
			return nil, fmt.Errorf("start telegram: %w", err)
		}
		r.byChannel[telegram.Channel] = tg
		watchBlocked(r, telegram.Channel, tg, engine, m.Logger) // a customer who blocked the bot (outbox.go)
		runners = append(runners, tg)
		m.Logger.Info("telegram on", "mode", map[bool]string{true: "webhook", false: "long polling"}[tc.WebhookURL != ""])
	}
	if sc.BotToken != "" {
		sl, err = slack.New(slack.Config{
			BotToken:      sc.BotToken,
			AppToken:      sc.AppToken,
			SigningSecret: sc.SigningSecret,
			APIURL:        sc.APIURL,
			HTTPAddr:      m.Config.HTTPAddr,
			StaffChannel:  sc.StaffChannel,
			Handler:       m.metrics.handler(paced(engine, engine, outboxLimit, r.left)),
			Catalog:       m.Catalog,
			Router:        r.Router,
			Logger:        m.Logger,
			Observer:      m.metrics.watchPlatform(slack.Channel),
			Reconnect:     m.reconnect(),
			Threads:       threadRefs{store: m.Store, platform: slack.Channel}, // threadrefs.go
		})
		if err != nil {
			return nil, fmt.Errorf("start slack: %w", err)
		}
		r.byChannel[slack.Channel] = sl
		if sc.StaffChannel == "" { // else Slack serves the staff channel
			m.Logger.Warn("DANGOL_SLACK_STAFF_CHANNEL is not set: low-rating alerts are only logged")
		}
		if !shared {
			runners = append(runners, sl)
		}
		m.Logger.Info("slack on", "mode", map[bool]string{true: "http", false: "socket mode"}[sc.SigningSecret != ""])
	}
	if shared {
		path := "/"
		if u, err := url.Parse(tc.WebhookURL); err == nil && u.Path != "" {
			path = u.Path
		}
		listen := m.Listen
		if listen == nil {
			listen = net.Listen
		}
		routes := map[string]http.Handler{"/slack/": sl.HTTPHandler(), path: tg.WebhookHandler()}
		runners = append(runners, &httpServer{addr: m.Config.HTTPAddr, listen: listen, routes: routes, slack: sl, logger: m.Logger},
			runnerFunc(sl.Watch)) // Slack's Run, which checks its token, does not run here
	}
	return runners, nil
}

// httpServer serves Telegram's webhook and Slack's HTTP mode on one address.
type httpServer struct {
	addr   string
	listen func(network, addr string) (net.Listener, error)
	// routes are each platform's handler by its pattern; each is served
	// behind its own webhook.Limits.Gate, so that a flood on one
	// platform's path (forged Slack requests, whose bodies must be read
	// before their signature tells) leaves the other its own share of the
	// connections.
	routes map[string]http.Handler
	slack  *slack.Bot
	logger *slog.Logger
	// limits bound the server: timeouts, connection caps and the requests
	// each platform has at once, so slow or hostile clients cannot hold
	// it; zero takes webhook.Default (Telegram's answer waits for a
	// commit, Slack's must come within 3 s).
	limits webhook.Limits
}

// drainTimeout bounds the wait for in-flight requests at shutdown.
const drainTimeout = 15 * time.Second

// Run serves until ctx is done, then stops taking requests and waits for
// Slack's queued events.
func (s *httpServer) Run(ctx context.Context) error {
	ln, err := s.listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.addr, err)
	}
	mux := http.NewServeMux()
	for pattern, h := range s.routes {
		mux.Handle(pattern, s.limits.Gate(h))
	}
	srv, ln := s.limits.Server(ctx, mux, ln)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.logger.Info("http: serving Telegram's webhook and Slack", "addr", ln.Addr().String())
	select {
	case err := <-served:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if cerr := s.slack.Close(sctx); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("http server: shut down: %w", err)
	}
	return nil
}

// runAll runs every runner until all have returned. When one returns (the
// console at the end of its input, a platform whose token was rejected) the
// others are stopped: dangol serves whole or not at all. A platform that
// cannot reach its API does not return; it keeps trying inside its Run
// while the others serve. The first error is returned.
func runAll(ctx context.Context, runners []runner) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, p := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.Run(ctx)
			if err != nil {
				once.Do(func() { first = err })
			}
			cancel()
		}()
	}
	wg.Wait()
	return first
}

// eventTTL is how long processed event ids are kept for de-duplication:
// Slack redelivers within minutes and Telegram within a day.
const eventTTL = 7 * 24 * time.Hour

// housekeeper prunes what the ledger keeps only for a while: processed
// event ids older than eventTTL and expired link codes. It sweeps at start
// and then every interval while dangol serves.
type housekeeper struct {
	store  *ledger.Store
	now    func() time.Time
	every  time.Duration
	logger *slog.Logger
}

// Run sweeps until ctx is done. A failed sweep is logged and retried at the
// next tick: nothing depends on it promptly.
func (h *housekeeper) Run(ctx context.Context) error {
	t := time.NewTicker(h.every)
	defer t.Stop()
	for {
		if events, codes, err := h.sweep(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			h.logger.WarnContext(ctx, "housekeeping failed", "err", err)
		} else if events+codes > 0 {
			h.logger.DebugContext(ctx, "housekeeping", "events_pruned", events, "link_codes_pruned", codes)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// sweep prunes in one transaction and returns how many event ids and link
// codes went.
//
// It also ends conversations left mid-flow for longer than the engine's
// idle timeout and dialog.IdleKeepGrace (by then the idle-keep job has
// saved what a flow could keep): their drafts are personal text nobody
// will finish, and a load test left 25,000 of them. A stub naming the flow stays for
// sessionStubTTL so the person's next message is told it was cancelled.
func (h *housekeeper) sweep(ctx context.Context) (events, codes int, err error) {
	now := h.now()
	var ended, dropped int
	err = h.store.Update(ctx, func(tx *ledger.Tx) error {
		var err error
		if events, err = tx.PruneEvents(now.Add(-eventTTL)); err != nil {
			return err
		}
		if ended, dropped, err = tx.ExpireSessions(now.Add(-dialog.DefaultSessionTimeout-dialog.IdleKeepGrace), now.Add(-sessionStubTTL)); err != nil {
			return err
		}
		codes, err = tx.PruneLinkCodes(now)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("housekeeping: %w", err)
	}
	if ended+dropped > 0 {
		h.logger.DebugContext(ctx, "housekeeping", "sessions_ended", ended, "session_stubs_dropped", dropped)
	}
	return events, codes, nil
}

// sessionStubTTL is how long the note that a flow was ended for being idle
// waits for the person to come back.
const sessionStubTTL = 7 * 24 * time.Hour

// router is the shop's one relay.Router, which every adapter registers
// with and which carries every reply, with what serve adds: the adapters it
// runs by channel (for the admin server's health checks and queue gauges)
// and the rule of scheduled posts.
type router struct {
	*relay.Router
	logger    *slog.Logger
	byChannel map[string]runner
	left      *leftovers // what the last run left in the outbox (serve); nil: none
}

func newRouter(logger *slog.Logger) *router {
	return &router{Router: relay.NewRouter(relay.RouterConfig{Logger: logger}), logger: logger, byChannel: map[string]runner{}}
}

// scheduled is the Deliver of scheduled posts: the weekly summary goes to
// Slack's staff channel, a follow-up DM to its staff member's platform. A
// post nothing here can carry (a DM to a console id, a staff channel that
// is not Slack's) is logged and dropped, not an error: an error has the
// scheduler try again, and no retry would make it deliverable.
func (r *router) scheduled(ctx context.Context, reply dialog.Reply) error {
	ok := false
	switch reply.To {
	case dialog.ToStaffChannel:
		ok = r.Staff() == slack.Channel
	case dialog.ToUser:
		ok = reply.Channel != console.Channel && r.Serves(reply.Channel)
	}
	if !ok {
		r.logger.InfoContext(ctx, "scheduled post has nowhere to go: dropped", "to", reply.To, "channel", reply.Channel)
		return nil
	}
	return r.Deliver(ctx, reply)
}

// applyRetention runs the retention erasure once (dialog.Engine's
// ApplyRetention, which logs what it erased). A failure is logged, not
// fatal: the daily run tries again, and the shop still needs its chat.
func (m *Main) applyRetention(ctx context.Context, e *dialog.Engine) {
	if _, err := e.ApplyRetention(ctx); err != nil && ctx.Err() == nil {
		m.Logger.ErrorContext(ctx, "retention: erasing customers past the retention period failed; the daily run tries again", "err", err)
	}
}

// isTerminal reports whether r is a terminal, where the console prompts
// instead of echoing.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
