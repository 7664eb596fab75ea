package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/telegram"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// This file is dangol bench: the real Telegram adapter, long polling a fake
// Bot API on loopback (telegramfake), the real engine, and an fsynced ledger
// in a temporary folder seeded with linked customers. Virtual customers
// send updates and wait for the bot's answers; the bench prints one JSON
// line per scenario and checks the ledger after each.

// benchOpts are dangol bench's flags.
type benchOpts struct {
	scenarios string        // feedback,line,points,open,press or all (press excepted)
	every     time.Duration // press: each customer's pace
	chats     string        // closed-loop concurrencies, "1,64"
	duration  time.Duration // per scenario
	count     int           // per scenario, instead of duration; 0: duration
	rate      int           // the open loop's offered updates a second
	customers int           // seeded
	dir       string        // where the temporary folder goes
	out       string        // JSON lines to this file; "": standard output
	limits    string        // "off": Telegram's limits lifted; "telegram": DANGOL_TELEGRAM_* (Telegram's)
	api       string        // "inproc": the fake served in process; "loopback": over 127.0.0.1
	spread    bool          // closed loop: each customer moves to another chat after each item
	floor     bool          // the engine replaced by floorHandler: the rig's own cost
	peer      string        // the peer's command line, run before each round; "": none
	rounds    int           // rounds of every scenario (and the peer)
	cpuprof   string        // a CPU profile of the scenarios to this file; "": none
	memprof   string        // an allocation profile at the end to this file; "": none
	trace     string        // an execution trace of the scenarios to this file; "": none
}

func (o *benchOpts) bind(fs *flag.FlagSet) {
	fs.StringVar(&o.scenarios, "scenario", "all", "feedback, line, points, open, press, a comma list of them, or all (all but press)")
	fs.DurationVar(&o.every, "every", 2*time.Second, "press: each customer sends its next update this long after its last, whatever the answer's pace")
	fs.StringVar(&o.chats, "chats", "1,64", "closed-loop concurrencies: chats each waiting for its answer, comma list")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each scenario runs")
	fs.IntVar(&o.count, "count", 0, "run each scenario for this many feedbacks, checks or open-loop updates instead of --duration")
	fs.IntVar(&o.rate, "rate", 1000, "open loop: updates offered a second")
	fs.IntVar(&o.customers, "customers", 10000, "linked customers seeded, 5 points entries each")
	fs.StringVar(&o.dir, "dir", "", "folder for the temporary ledger; default the system's temporary folder")
	fs.StringVar(&o.out, "out", "", "write the JSON lines to this file; default standard output")
	fs.StringVar(&o.limits, "limits", "off", "Telegram's outgoing limits: off (lifted), or telegram (DANGOL_TELEGRAM_CHAT_RATE, _CHAT_BURST, _RATE; Telegram's by default)")
	fs.StringVar(&o.api, "api", "inproc", "how the adapter reaches the fake Bot API: inproc (its handler called in process, no TCP, as the grammY peer) or loopback (HTTP over 127.0.0.1)")
	fs.BoolVar(&o.spread, "spread", false, "closed loop: each virtual customer moves to another seeded chat after each feedback or check, as the grammY peer's conc=N cycles through chats")
	fs.BoolVar(&o.floor, "floor", false, "answer every update at once with the answer the scenario expects (the feedback's questions and buttons too), without the engine or the ledger: what the adapter, the fake Bot API and the virtual customers cost alone")
	fs.StringVar(&o.peer, "peer", "", "before each round run this command (the grammY peer: \"node bench.js\"; split on spaces) and print each scenario's ratio to the peer's same work")
	fs.IntVar(&o.rounds, "rounds", 1, "run every scenario, and the peer, this many times in turn")
	fs.StringVar(&o.cpuprof, "cpuprofile", "", "write a CPU profile of the scenarios (not the seeding) to this file")
	fs.StringVar(&o.memprof, "memprofile", "", "write an allocation profile to this file at the end")
	fs.StringVar(&o.trace, "trace", "", "write an execution trace of the scenarios to this file (go tool trace)")
}

// benchPlan is benchOpts checked.
type benchPlan struct {
	feedback, points, open bool
	line                   bool // the one-line feedback, as the grammY peer's (lineFeedback)
	press                  bool // the paced feedback of buttons (pacedLoop)
	chats                  []int
	limits                 telegramLimits
	keepLimits             bool   // the adapter keeps limits: say so instead of "lifted"
	api                    string // "inproc" or "loopback"
	floor                  bool   // --floor: floorHandler instead of the engine
	rounds                 int    // --rounds
}

// plan checks the flags; a bad one is a usage error.
func (m *Main) benchPlan(o benchOpts) (benchPlan, error) {
	var p benchPlan
	for _, s := range strings.Split(o.scenarios, ",") {
		switch strings.TrimSpace(strings.ToLower(s)) {
		case "all":
			p.feedback, p.line, p.points, p.open = true, true, true, true
		case "feedback":
			p.feedback = true
		case "line":
			p.line = true
		case "points":
			p.points = true
		case "open":
			p.open = true
		case "press":
			p.press = true
		default:
			return p, m.usage("bench.err.scenario", map[string]any{"Value": o.scenarios})
		}
	}
	switch {
	case o.customers < 1 || o.customers > 1_000_000:
		return p, m.usage("bench.err.customers", map[string]any{"Value": o.customers})
	case o.duration <= 0 && o.count == 0:
		return p, m.usage("bench.err.duration", map[string]any{"Value": o.duration})
	case o.count < 0:
		return p, m.usage("bench.err.count", map[string]any{"Value": o.count})
	case o.rate < 1 || o.rate > 1_000_000:
		return p, m.usage("bench.err.rate", map[string]any{"Value": o.rate})
	case o.every < time.Millisecond || o.every > time.Minute:
		return p, m.usage("bench.err.every", map[string]any{"Value": o.every})
	case o.rounds < 1 || o.rounds > 100:
		return p, m.usage("bench.err.rounds", map[string]any{"Value": o.rounds})
	}
	p.rounds = o.rounds
	if o.peer != "" {
		// Before the seeding, which takes seconds: a peer that cannot
		// start is known at once.
		if err := m.checkPeer(o.peer); err != nil {
			return p, err
		}
	}
	switch strings.ToLower(strings.TrimSpace(o.limits)) {
	case "off", "":
		p.limits = lifted
	case "telegram":
		p.limits, p.keepLimits = m.Config.Telegram.Limits, true
	default:
		return p, m.usage("bench.err.limits", map[string]any{"Value": o.limits})
	}
	p.floor = o.floor
	switch p.api = strings.ToLower(strings.TrimSpace(o.api)); p.api {
	case "inproc", "loopback":
	default:
		return p, m.usage("bench.err.api", map[string]any{"Value": o.api})
	}
	if p.feedback || p.line || p.points || p.press {
		for _, s := range strings.Split(o.chats, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 || n > o.customers {
				return p, m.usage("bench.err.chats", map[string]any{"Value": o.chats, "Customers": o.customers})
			}
			p.chats = append(p.chats, n)
		}
	}
	return p, nil
}

// benchResult is one scenario's JSON line.
type benchResult struct {
	Scenario      string  `json:"scenario"`
	Chats         int     `json:"chats"`
	UpdatesPerS   float64 `json:"updates_per_s"`
	CompletedPerS float64 `json:"completed_per_s"`
	P50ms         float64 `json:"p50_ms"`
	P99ms         float64 `json:"p99_ms"`
	Mode          string  `json:"mode"`               // "closed", "open" or "paced"
	Spread        bool    `json:"spread,omitempty"`   // closed loop with --spread
	EveryMS       float64 `json:"every_ms,omitempty"` // paced only: each customer's pace
	// PressP99ms is the 99th percentile of the answers to button presses
	// alone (paced only): what a customer waits after a tap.
	PressP99ms  float64 `json:"press_p99_ms,omitempty"`
	API         string  `json:"api"`                     // "inproc" or "loopback" (--api)
	OfferedPerS int     `json:"offered_per_s,omitempty"` // open loop only
	Floor       bool    `json:"floor,omitempty"`         // --floor: answers without the engine: the rig's own figures
	Round       int     `json:"round,omitempty"`         // with --rounds over 1 or --peer: which round, from 1
	// DiskFsyncMs is the median write-and-fsync of 4 KiB where the ledger
	// is, probed at the start of the run's round (probeFsync): what every
	// durable commit, dangol's and the peer's, waits on.
	DiskFsyncMs float64 `json:"disk_fsync_ms"`
	Updates     int     `json:"updates"`
	Completed   int     `json:"completed"`
	Seconds     float64 `json:"seconds"`
	// CPUusPerUpdate and AllocsPerUpdate are the whole process's CPU time
	// (microseconds) and heap allocations per update (benchCost): steadier
	// than the rates on a machine others share.
	CPUusPerUpdate  float64 `json:"cpu_us_per_update"`
	AllocsPerUpdate float64 `json:"allocs_per_update"`
	// PollsPerUpdate is how many getUpdates the adapter made per update:
	// the poller's share of the work.
	PollsPerUpdate float64 `json:"polls_per_update"`
	// CommitsPerUpdate is how many ledger commits (each an fsync) there
	// were per update: how the commit pipeline shares its fsyncs.
	CommitsPerUpdate float64 `json:"commits_per_update"`
	// PagesPerCommit is how many pages bbolt wrote per commit, each with
	// a pwrite of its own, and WriteMsPerCommit how long writing them and
	// the meta page took, both fsyncs included: a commit's fixed cost.
	PagesPerCommit   float64 `json:"pages_per_commit"`
	WriteMsPerCommit float64 `json:"write_ms_per_commit"`
}

// runStart is what the process and the ledger had spent when a run began:
// the run's per-update figures are the differences at its end (fill).
type runStart struct {
	cost           benchCost
	polls, commits int64
	pages          int64
	writing        time.Duration
}

// started reads the counters a run's figures are measured from.
func (r *benchRig) started() runStart {
	pages, writing := r.store.WriteStats()
	return runStart{cost: benchCostNow(), polls: r.fake.Polls(), commits: r.store.Commits(), pages: pages, writing: writing}
}

// fill sets res's cost, poll and commit figures for the run that began at
// w, of ups updates.
func (w runStart) fill(r *benchRig, res *benchResult, ups int) {
	res.CPUusPerUpdate, res.AllocsPerUpdate = w.cost.per(ups)
	res.PollsPerUpdate = perUpdate(r.fake.Polls()-w.polls, ups)
	pages, writing := r.store.WriteStats()
	commits := r.store.Commits() - w.commits
	res.CommitsPerUpdate = perUpdate(commits, ups)
	if commits > 0 {
		res.PagesPerCommit = round(float64(pages-w.pages)/float64(commits), 1)
		res.WriteMsPerCommit = round(float64(writing-w.writing)/float64(time.Millisecond)/float64(commits), 2)
	}
}

// bench runs dangol bench. The temporary folder and its ledger are removed
// at the end; --db is not used.
func (m *Main) bench(ctx context.Context, o benchOpts) (err error) {
	plan, err := m.benchPlan(o)
	if err != nil {
		return err
	}
	out := m.Stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("bench: %w", cerr)
			}
		}()
		out = f
	}
	dir, err := os.MkdirTemp(o.dir, "dangol-bench-")
	if err != nil {
		return fmt.Errorf("bench: temporary folder: %w", err)
	}
	defer os.RemoveAll(dir)
	rig, err := m.newBenchRig(ctx, filepath.Join(dir, "bench.db"), o.customers, plan)
	if err != nil {
		return err
	}
	rig.spread = o.spread
	defer func() {
		if cerr := rig.stop(); err == nil {
			err = cerr
		}
	}()
	stopProfile, err := benchProfile(o.cpuprof, o.memprof, o.trace)
	if err != nil {
		return err
	}
	defer func() {
		if perr := stopProfile(); err == nil {
			err = perr
		}
	}()
	// Each run's line is printed once the ledger is checked (it holds
	// exactly the feedback completed); with --peer the round's comparisons
	// follow its runs.
	var peer peerFigures // this round's, with --peer
	for rnd := 1; rnd <= plan.rounds; rnd++ {
		fsync, err := probeFsync(dir)
		if err != nil {
			return err
		}
		if o.peer != "" {
			m.benchSay("bench.peer.run", map[string]any{"Round": rnd, "Rounds": plan.rounds, "Cmd": o.peer})
			if peer, err = m.runPeer(ctx, o.peer, m.Stderr); err != nil {
				return err
			}
		}
		var ran []benchResult
		if err := rig.runRound(ctx, plan, o, func(r benchResult, err error) error {
			if err != nil {
				return err
			}
			if err := rig.verify(ctx); err != nil {
				return err
			}
			if plan.rounds > 1 || o.peer != "" {
				r.Round = rnd
			}
			r.API, r.Floor = plan.api, plan.floor
			r.DiskFsyncMs = round(float64(fsync)/float64(time.Millisecond), 3)
			ran = append(ran, r)
			return writeJSONLine(out, r)
		}); err != nil {
			return err
		}
		for _, r := range ran {
			if c, ok := peer.compare(rnd, r); ok {
				if err := writeJSONLine(out, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// runRound runs each scenario of plan once, handing each result to done
// (which checks the ledger and prints it).
func (r *benchRig) runRound(ctx context.Context, plan benchPlan, o benchOpts, done func(benchResult, error) error) error {
	type closed struct {
		run  bool
		name string
	}
	for _, sc := range []closed{{plan.feedback, "feedback"}, {plan.line, "line"}, {plan.points, "points"}} {
		if !sc.run {
			continue
		}
		for _, n := range plan.chats {
			if err := done(r.closedLoop(ctx, sc.name, n, o.duration, o.count)); err != nil {
				return err
			}
		}
	}
	if plan.press {
		for _, n := range plan.chats {
			if err := done(r.pacedLoop(ctx, n, o.every, o.duration, o.count)); err != nil {
				return err
			}
		}
	}
	if plan.open {
		return done(r.openLoop(ctx, o.rate, o.duration, o.count))
	}
	return nil
}

// benchToken is the bot token the bench's adapter and fake share.
const benchToken = "123456:BENCH"

// benchLang is the customers' language.
const benchLang = "ko"

// benchComment begins every feedback's comment, as the peer's; each is
// numbered (benchCommentN), since the engine keeps once a feedback the
// same as one the customer sent a moment before.
const benchComment = "좋아요 great"

// comment is the next feedback's comment, numbered across every round
// and customer of the rig.
func (r *benchRig) comment() string {
	return benchComment + " " + strconv.FormatInt(r.comments.Add(1), 10)
}

// replyWait bounds the wait for one answer: a failure timeout, not a pace.
const replyWait = 30 * time.Second

// benchRig is what every scenario runs on: the ledger, the fake Bot API,
// the engine and the running adapter.
type benchRig struct {
	m         *Main
	store     *ledger.Store
	fake      *telegramfake.Server
	track     *replyTracker
	customers int
	// spread moves each closed-loop customer to another chat after each
	// item (--spread): under Telegram's limits one chat is held to about
	// a message a second, many chats only by the 30 a second in all.
	spread bool
	// floor: the adapter hands updates to floorHandler, not the engine;
	// nothing is stored, so the loops count no feedback for verify.
	floor     bool
	thanks    string       // the engine's thank-you for a feedback
	balance   string       // what a seeded customer's balance reads as
	feedbacks int          // completed so far, in every scenario, with benchComment
	pressed   int          // completed so far by presses alone (no comment: skipped)
	comments  atomic.Int64 // numbers the comments (comment)
	// low counts the feedbacks completed with a rating below 4 (the line
	// scenario's 1 to 3; the others rate 4 or 5), alerted the staff posts
	// they must have caused: an alert for each at or below dialog.LowRating
	// and a thread note for each higher rating that replaced a low one.
	low, alerted int
	staff        *benchStaff // the shop's staff channel: counts the alerts
	cancel       context.CancelFunc
	ran          chan error // the adapter's Run
}

// newBenchRig opens and seeds the ledger at path and starts the adapter on
// the fake, with plan's outgoing limits.
func (m *Main) newBenchRig(ctx context.Context, path string, customers int, plan benchPlan) (*benchRig, error) {
	// The ledger is the bench's own, in a temporary folder removed after
	// the run: its key stays in memory, so no key file is made and nobody
	// is told to keep a copy of one. It fsyncs every commit, as serve.
	key, err := ledger.NewKey()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	store, err := ledger.Open(path, &ledger.Options{Key: key})
	if err != nil {
		return nil, fmt.Errorf("bench: open %s: %w", path, err)
	}
	r := &benchRig{m: m, store: store, customers: customers, track: newReplyTracker(), staff: newBenchStaff(), floor: plan.floor}
	start := time.Now()
	if err := seedBench(ctx, store, customers, m.now()); err != nil {
		store.Close()
		return nil, err
	}
	m.benchSay("bench.seeded", map[string]any{"DB": path, "Customers": customers, "Seconds": fmt.Sprintf("%.1f", time.Since(start).Seconds())})
	r.thanks = m.Catalog.Text(benchLang, "core.feedback.thanks", nil)
	r.balance = m.Catalog.Text(benchLang, "core.fmt.points", map[string]any{"N": "500"})
	r.fake = telegramfake.New(telegramfake.Options{Token: benchToken, OnCall: r.track.onCall})
	var transport http.RoundTripper // loopback: the adapter's own pool
	if plan.api == "inproc" {
		transport = inprocTransport{r.fake.Handler()}
	}

	logger := newLogger(m.Stderr, m.Config, true) // warnings and errors only, unless -v
	// The bench has no Slack: the staff channel is a counter, so a low
	// rating's alert is delivered (and checked by verify) instead of
	// logged as having nowhere to go.
	router := relay.NewRouter(relay.RouterConfig{Logger: logger})
	router.Register(benchStaffChannel, r.staff)
	router.SetStaff(benchStaffChannel)
	engine, err := dialog.New(channelPolicy(dialog.Config{
		Store:      store,
		Catalog:    m.Catalog,
		Logger:     logger,
		Loc:        m.Config.Loc,
		Lang:       m.Config.Lang,
		PointsRate: m.Config.PointsRate,
		NoEarning:  m.Config.PointsRate == 0,
		Now:        m.now,
		NewCode:    m.NewCode,
	}))
	if err != nil {
		r.fake.Close()
		store.Close()
		return nil, fmt.Errorf("bench: start dialog engine: %w", err)
	}
	var handler relay.Handler = engine
	if plan.floor {
		handler = newFloorHandler(m.Catalog, r.thanks, r.balance)
		m.benchSay("bench.floor", nil)
	}
	tg, err := telegram.New(telegram.Config{
		Token:        benchToken,
		APIURL:       r.fake.URL(),
		Transport:    transport,
		Handler:      handler,
		Catalog:      m.Catalog,
		Router:       router,
		LastUpdateID: telegram.LastCommitted(store),
		Logger:       logger.With("adapter", "telegram"),
		// Telegram's limits (1 a second per chat, 30 in all) lifted unless
		// --limits telegram: the bench measures dangol, not them.
		ChatInterval: plan.limits.ChatInterval,
		ChatBurst:    plan.limits.ChatBurst,
		GlobalRate:   plan.limits.GlobalRate,
	})
	if err != nil {
		r.fake.Close()
		store.Close()
		return nil, fmt.Errorf("bench: start telegram: %w", err)
	}
	if plan.keepLimits {
		l := plan.limits
		m.benchSay("bench.limits.kept", map[string]any{"PerChat": fmt.Sprintf("%.3g", float64(time.Second)/float64(l.ChatInterval)), "Burst": l.ChatBurst, "Rate": l.GlobalRate})
	} else {
		m.benchSay("bench.limits", nil)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.cancel, r.ran = cancel, make(chan error, 1)
	go func() { r.ran <- tg.Run(runCtx) }()
	// One check before any scenario: the adapter is polling and the first
	// connections are made.
	if _, err := r.closedLoop(ctx, "points", 1, 0, 1); err != nil {
		return nil, errors.Join(err, r.stop())
	}
	return r, nil
}

// stop ends the adapter, then the fake, then the ledger.
func (r *benchRig) stop() error {
	r.cancel()
	err := <-r.ran
	r.fake.Close()
	if cerr := r.store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("bench: stop: %w", err)
	}
	return nil
}

// benchSay prints one of the bench's lines on standard error.
func (m *Main) benchSay(id string, data map[string]any) {
	fmt.Fprintln(m.Stderr, m.Catalog.Text(m.Config.Lang, id, data))
}

// benchChat is the Telegram chat (and user) id of customer i.
func benchChat(i int) int64 { return 1000 + int64(i) }

// seedBench stores customers linked customers with consent, each linked to
// Telegram chat benchChat(i) and holding five 100-point earns, a thousand
// customers a transaction.
func seedBench(ctx context.Context, s *ledger.Store, customers int, now time.Time) error {
	consent := ledger.Consent{Given: true, At: now, Purpose: "loyalty+feedback"}
	const perTx = 1000
	for lo := 0; lo < customers; lo += perTx {
		err := s.Update(ctx, func(tx *ledger.Tx) error {
			for i := lo; i < min(lo+perTx, customers); i++ {
				c := ledger.Customer{Name: fmt.Sprintf("손님%05d", i), Phone: fmt.Sprintf("0102%07d", i), CreatedAt: now.AddDate(0, 0, -30), Lang: benchLang}
				if err := tx.CreateCustomer(&c); err != nil {
					return err
				}
				if err := tx.LinkCustomer(c.ID, "telegram:"+strconv.FormatInt(benchChat(i), 10), consent); err != nil {
					return err
				}
				// Asked the optional advertising question at their link, as
				// a customer linked today is: else their first /points
				// would be answered with it.
				if _, err := tx.MarkMarketingAsked(c.ID, now); err != nil {
					return err
				}
				for k := range 5 {
					e := ledger.PointsEntry{CustomerID: c.ID, At: now.AddDate(0, 0, k-5), Kind: ledger.PointsEarn,
						Points: 100, Amount: 2000, ActorID: "bench", Reason: "커트"}
					if err := tx.AddPoints(&e); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("bench: seed customers %d–%d: %w", lo, min(lo+perTx, customers)-1, err)
		}
	}
	return nil
}

// verify checks that the ledger holds exactly the feedback completed, each
// with the bench's comment, or none for those of the press scenario, as
// many rated below 4 as the line scenario left, and that the staff channel
// got an alert for each low rating (the last may still be on its way: it
// is sent after the thank-you the customer waited for).
func (r *benchRig) verify(ctx context.Context) error {
	stored, wrong, skipped, low := 0, 0, 0, 0
	err := r.store.View(ctx, func(tx *ledger.Tx) error {
		return tx.ScanFeedback(time.Unix(0, 0), r.m.now().Add(24*time.Hour), func(f ledger.Feedback) error {
			stored++
			if f.Comment == "" {
				skipped++
			}
			if f.Rating < 4 {
				low++
			}
			if (!strings.HasPrefix(f.Comment, benchComment) && f.Comment != "") || f.Rating < 1 || f.Rating > 5 || f.CustomerID == "" {
				wrong++
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("bench: verify: %w", err)
	}
	wrong += abs(low-r.low) + abs(r.staff.wait(ctx, r.alerted, replyWait)-r.alerted)
	if stray := r.track.stray.Load(); stray > 0 {
		return &localError{r.m.Catalog.Text(r.m.Config.Lang, "bench.err.stray", map[string]any{"Count": stray}), nil}
	}
	if stored != r.feedbacks+r.pressed || skipped != r.pressed || wrong > 0 {
		return &localError{r.m.Catalog.Text(r.m.Config.Lang, "bench.err.verify", map[string]any{"Stored": stored, "Completed": r.feedbacks + r.pressed, "Wrong": wrong + abs(skipped-r.pressed)}), nil}
	}
	r.m.benchSay("bench.verified", map[string]any{"Stored": stored})
	return nil
}

// push makes u available to the bot on behalf of chat, after noting when.
func (r *benchRig) push(chat int64, us ...telegramfake.Update) error {
	now := time.Now()
	for range us {
		r.track.expect(chat, now)
	}
	if _, err := r.fake.Push(us...); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// closedLoop runs n virtual customers, each sending its next update when
// the bot has answered the last, until d has passed (each finishes the
// feedback it is in) or, with count, until count feedbacks or checks are
// done.
func (r *benchRig) closedLoop(ctx context.Context, scenario string, n int, d time.Duration, count int) (benchResult, error) {
	var low, alerted atomic.Int64 // the line scenario's ratings below 4, and at or below LowRating
	res, _, err := r.customerRun(ctx, n, d, count, func(k int, _ time.Time) *benchCustomer { return r.customer(k) },
		func(ctx context.Context, c *benchCustomer, i int) error {
			if r.spread && i > 0 {
				c.spreadOn(n)
			}
			switch scenario {
			case "feedback":
				return c.feedback(ctx, 4+i%2, r.comment())
			case "line":
				rating := 1 + i%5
				if err := c.lineFeedback(ctx, rating, r.comment()); err != nil {
					return err
				}
				if rating < 4 {
					low.Add(1)
				}
				if rating <= dialog.LowRating {
					alerted.Add(1)
				}
				// A rating above LowRating right after a low one replaces
				// it, and the complaint that one opened is told so in its
				// thread: a staff post too.
				if prev := 1 + (i-1)%5; i > 0 && rating > dialog.LowRating && prev <= dialog.LowRating {
					alerted.Add(1)
				}
				return nil
			}
			return c.points(ctx)
		})
	if err != nil {
		return benchResult{}, err
	}
	// floorHandler stored nothing and alerted nobody: verify then checks
	// the ledger holds no more feedback than before.
	if !r.floor {
		if scenario == "feedback" || scenario == "line" {
			r.feedbacks += res.Completed
		}
		r.low += int(low.Load())
		r.alerted += int(alerted.Load())
	}
	res.Scenario, res.Mode, res.Spread = scenario, "closed", r.spread
	if scenario == "line" {
		res.Scenario = "feedback-line"
	}
	return res, nil
}

// customer is the k-th virtual customer, listening for the bot's answers.
func (r *benchRig) customer(k int) *benchCustomer {
	return &benchCustomer{rig: r, chat: benchChat(k), name: fmt.Sprintf("손님%05d", k), replies: r.track.listen(benchChat(k))}
}

// spreadOn moves c, one of n closed-loop customers, n seeded chats on
// (--spread): the k-th walks k, k+n, k+2n, … modulo the largest multiple of
// n among the customers, so each chat stays one customer's (k modulo n)
// however far ahead of the others it runs.
func (c *benchCustomer) spreadOn(n int) {
	span := int64(c.rig.customers - c.rig.customers%n)
	c.moveTo(int((c.chat - benchChat(0) + int64(n)) % span))
}

// moveTo makes c the k-th seeded customer, in its chat, keeping what c
// measured so far.
func (c *benchCustomer) moveTo(k int) {
	c.rig.track.unlisten(c.chat)
	c.chat, c.name, c.replies = benchChat(k), fmt.Sprintf("손님%05d", k), c.rig.track.listen(benchChat(k))
}

// customerRun runs n virtual customers (customer(k, start) makes the k-th,
// leave makes its i-th feedback or check) until d has passed or, with
// count, until count are done. The result has the run's counts, rates,
// latencies and costs; the presses' latencies come beside it.
func (r *benchRig) customerRun(ctx context.Context, n int, d time.Duration, count int,
	customer func(k int, start time.Time) *benchCustomer, leave func(ctx context.Context, c *benchCustomer, i int) error,
) (benchResult, []time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		tickets, updates, completed atomic.Int64
		mu                          sync.Mutex
		lats, presses               []time.Duration
		wg                          sync.WaitGroup
	)
	begun := r.started()
	start := time.Now()
	deadline := start.Add(d)
	more := func() bool {
		if count > 0 {
			return tickets.Add(1) <= int64(count)
		}
		return time.Now().Before(deadline)
	}
	for k := range n {
		wg.Go(func() {
			c := customer(k, start)
			defer r.track.unlisten(c.chat)
			for i := 0; more() && ctx.Err() == nil; i++ {
				if err := leave(ctx, c, i); err != nil {
					cancel(err)
					break
				}
				completed.Add(1)
			}
			updates.Add(int64(len(c.lats)))
			mu.Lock()
			lats, presses = append(lats, c.lats...), append(presses, c.presses...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return benchResult{}, nil, err
	}
	secs := time.Since(start).Seconds()
	ups, done := int(updates.Load()), int(completed.Load())
	p50, p99 := percentiles(lats)
	res := benchResult{
		Chats:       n,
		UpdatesPerS: round(float64(ups)/secs, 1), CompletedPerS: round(float64(done)/secs, 1),
		P50ms: p50, P99ms: p99,
		Updates: ups, Completed: done, Seconds: round(secs, 2),
	}
	begun.fill(r, &res, ups)
	return res, presses, nil
}

// openLoop offers rate /points updates a second, from every customer in
// turn, for d (or count updates), whatever the bot's pace, then waits for
// every answer.
func (r *benchRig) openLoop(ctx context.Context, rate int, d time.Duration, count int) (benchResult, error) {
	total := count
	if total == 0 {
		total = max(1, int(float64(rate)*d.Seconds()))
	}
	sink := r.track.openSink(total)
	defer r.track.openSink(0)
	begun := r.started()
	start := time.Now()
	for sent := 0; sent < total; {
		due := min(total, int(time.Since(start).Seconds()*float64(rate))+1)
		now := time.Now()
		batch := make([]telegramfake.Update, 0, due-sent)
		for ; sent < due; sent++ {
			chat := benchChat(sent % r.customers)
			r.track.expect(chat, now)
			batch = append(batch, telegramfake.Text(chat, fmt.Sprintf("손님%05d", sent%r.customers), benchLang, "/points"))
		}
		if _, err := r.fake.Push(batch...); err != nil {
			return benchResult{}, fmt.Errorf("bench: %w", err)
		}
		if err := sleepCtx(ctx, time.Millisecond); err != nil {
			return benchResult{}, err
		}
	}
	wait := d + replyWait
	select {
	case <-sink.done:
	case <-time.After(wait):
		got := len(sink.snapshot())
		return benchResult{}, &localError{r.m.Catalog.Text(r.m.Config.Lang, "bench.err.open", map[string]any{"Missing": total - got, "Sent": total, "Wait": wait}), nil}
	case <-ctx.Done():
		return benchResult{}, ctx.Err()
	}
	lats := sink.snapshot()
	secs := sink.last.Sub(start).Seconds()
	p50, p99 := percentiles(lats)
	res := benchResult{
		Scenario: "points", Chats: min(total, r.customers), Mode: "open", OfferedPerS: rate,
		UpdatesPerS: round(float64(total)/secs, 1), CompletedPerS: round(float64(total)/secs, 1),
		P50ms: p50, P99ms: p99, Updates: total, Completed: total, Seconds: round(secs, 2),
	}
	begun.fill(r, &res, total)
	return res, nil
}

// pacedLoop runs n virtual customers who each leave feedbacks by buttons
// alone (/feedback, then a press on the stars, on the NPS score and on
// [건너뛰기] for the comment), one update every `every`, whatever the bot's
// pace, the customers' starts spread evenly over one interval: the
// press-every-2-seconds load of issue 10, meant to run with --limits
// telegram. Each finishes the feedback it is in after d (or count
// feedbacks in all).
func (r *benchRig) pacedLoop(ctx context.Context, n int, every, d time.Duration, count int) (benchResult, error) {
	res, presses, err := r.customerRun(ctx, n, d, count,
		func(k int, start time.Time) *benchCustomer {
			c := r.customer(k)
			c.pace, c.next = every, start.Add(every*time.Duration(k)/time.Duration(n))
			return c
		},
		func(ctx context.Context, c *benchCustomer, i int) error { return c.pressFeedback(ctx, 4+i%2, i%11) })
	if err != nil {
		return benchResult{}, err
	}
	if !r.floor { // floorHandler stored nothing
		r.pressed += res.Completed
	}
	_, res.PressP99ms = percentiles(presses)
	res.Scenario, res.Mode, res.EveryMS = "press", "paced", round(float64(every)/float64(time.Millisecond), 1)
	return res, nil
}

// pressFeedback leaves one feedback by buttons alone, each update at the
// customer's pace. Its score varies with the rating (22 feedbacks before
// the same pair again), since the engine keeps once a feedback the same as
// one the customer sent less than a minute before.
func (c *benchCustomer) pressFeedback(ctx context.Context, rating, score int) error {
	rate, nps := "rate:"+strconv.Itoa(rating), "nps:"+strconv.Itoa(score)
	has := func(data string) func(telegramfake.Call) bool {
		return func(got telegramfake.Call) bool { return slices.Contains(got.Buttons(), data) }
	}
	got, err := c.step(ctx, "/feedback", telegramfake.Text(c.chat, c.name, benchLang, "/feedback"), has(rate))
	if err != nil {
		return err
	}
	for _, p := range []struct{ name, data, next string }{{"rate", rate, nps}, {"nps", nps, "skip"}} {
		if got, err = c.step(ctx, p.name, telegramfake.Press(c.chat, c.name, benchLang, got, p.data), has(p.next)); err != nil {
			return err
		}
	}
	_, err = c.step(ctx, "skip", telegramfake.Press(c.chat, c.name, benchLang, got, "skip"), func(got telegramfake.Call) bool {
		return got.Buttons() == nil && strings.HasPrefix(got.Fields["text"], c.rig.thanks) // a low rating's says sorry after it
	})
	return err
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// benchCustomer is one virtual customer in a closed loop.
type benchCustomer struct {
	rig     *benchRig
	chat    int64
	name    string
	replies <-chan benchReply
	lats    []time.Duration
	// pace, when set, spaces the customer's updates (pacedLoop): each is
	// sent at next, next then moving on by pace; presses holds the
	// latencies of the button presses among lats.
	pace    time.Duration
	next    time.Time
	presses []time.Duration
	wait    *time.Timer // bounds the wait for an answer (replyWait)
}

// ask sends u and waits for the bot's message in answer.
func (c *benchCustomer) ask(ctx context.Context, step string, u telegramfake.Update) (telegramfake.Call, error) {
	if c.pace > 0 {
		if err := sleepCtx(ctx, time.Until(c.next)); err != nil {
			return telegramfake.Call{}, err
		}
		c.next = c.next.Add(c.pace)
	}
	if err := c.rig.push(c.chat, u); err != nil {
		return telegramfake.Call{}, err
	}
	// One timer a customer, reset for each update: go 1.23's timers drop a
	// stale expiry on Reset, and a new timer per update was garbage.
	if c.wait == nil {
		c.wait = time.NewTimer(replyWait)
	} else {
		c.wait.Reset(replyWait)
	}
	select {
	case rep := <-c.replies:
		c.lats = append(c.lats, rep.latency)
		if c.pace > 0 && step != "/feedback" {
			c.presses = append(c.presses, rep.latency)
		}
		return rep.call, nil
	case <-c.wait.C:
		return telegramfake.Call{}, &localError{c.rig.m.Catalog.Text(c.rig.m.Config.Lang, "bench.err.reply", map[string]any{"Chat": c.chat, "Wait": replyWait, "Step": step}), nil}
	case <-ctx.Done():
		return telegramfake.Call{}, context.Cause(ctx)
	}
}

// unexpected is the error of an answer the scenario did not foresee.
func (c *benchCustomer) unexpected(step string, got telegramfake.Call) error {
	return &localError{c.rig.m.Catalog.Text(c.rig.m.Config.Lang, "bench.err.unexpected", map[string]any{
		"Chat": c.chat, "Step": step, "Text": got.Fields["text"], "Buttons": strings.Join(got.Buttons(), " ")}), nil}
}

// points asks for the balance and checks the answer shows it.
func (c *benchCustomer) points(ctx context.Context) error {
	got, err := c.ask(ctx, "/points", telegramfake.Text(c.chat, c.name, benchLang, "/points"))
	if err != nil {
		return err
	}
	if !strings.Contains(got.Fields["text"], c.rig.balance) {
		return c.unexpected("/points", got)
	}
	return nil
}

// feedback leaves one feedback the way a customer does in dangol: /feedback,
// a press on the stars, a press on the NPS score, a comment typed. Each
// answer must be the flow's next question, the last one the thank-you.
func (c *benchCustomer) feedback(ctx context.Context, rating int, comment string) error {
	rate := "rate:" + strconv.Itoa(rating)
	has := func(data string) func(telegramfake.Call) bool {
		return func(got telegramfake.Call) bool { return slices.Contains(got.Buttons(), data) }
	}
	got, err := c.step(ctx, "/feedback", telegramfake.Text(c.chat, c.name, benchLang, "/feedback"), has(rate))
	if err != nil {
		return err
	}
	if got, err = c.step(ctx, "rate", telegramfake.Press(c.chat, c.name, benchLang, got, rate), has("nps:9")); err != nil {
		return err
	}
	if got, err = c.step(ctx, "nps", telegramfake.Press(c.chat, c.name, benchLang, got, "nps:9"), has("skip")); err != nil {
		return err
	}
	_, err = c.step(ctx, "comment", telegramfake.Text(c.chat, c.name, benchLang, comment), func(got telegramfake.Call) bool {
		return got.Buttons() == nil && strings.HasPrefix(got.Fields["text"], c.rig.thanks) // a low rating's says sorry after it
	})
	return err
}

// lineFeedback leaves one feedback on one line, as the grammY peer's
// customers do: "/feedback <rating> 좋아요 great 3", answered by the
// thank-you alone (a low rating's alert goes to the staff channel).
func (c *benchCustomer) lineFeedback(ctx context.Context, rating int, comment string) error {
	text := "/feedback " + strconv.Itoa(rating) + " " + comment
	_, err := c.step(ctx, "/feedback", telegramfake.Text(c.chat, c.name, benchLang, text), func(got telegramfake.Call) bool {
		return got.Buttons() == nil && strings.HasPrefix(got.Fields["text"], c.rig.thanks) // a low rating's says sorry after it
	})
	return err
}

// step sends u, waits for the answer and checks it with want.
func (c *benchCustomer) step(ctx context.Context, name string, u telegramfake.Update, want func(telegramfake.Call) bool) (telegramfake.Call, error) {
	got, err := c.ask(ctx, name, u)
	if err != nil {
		return got, err
	}
	if !want(got) {
		return got, c.unexpected(name, got)
	}
	return got, nil
}

// benchStaffChannel is the channel name of the bench's staff channel.
const benchStaffChannel = "bench-staff"

// benchStaff is the bench's staff channel (a relay.Sender): it counts what
// the engine sends the staff, the low ratings' alerts, and keeps nothing
// (they name customers).
type benchStaff struct {
	mu   sync.Mutex
	n    int
	more chan struct{} // closed and replaced by each post
}

func newBenchStaff() *benchStaff { return &benchStaff{more: make(chan struct{})} }

// Send implements relay.Sender.
func (s *benchStaff) Send(_ context.Context, to relay.Address, _ dialog.Reply) error {
	if !to.Staff {
		return fmt.Errorf("bench: %w: %s", relay.ErrNoRoute, to.Kind())
	}
	s.mu.Lock()
	s.n++
	close(s.more)
	s.more = make(chan struct{})
	s.mu.Unlock()
	return nil
}

// wait returns the posts so far once there are want of them, or when
// patience or ctx runs out.
func (s *benchStaff) wait(ctx context.Context, want int, patience time.Duration) int {
	t := time.NewTimer(patience)
	defer t.Stop()
	for {
		s.mu.Lock()
		n, more := s.n, s.more
		s.mu.Unlock()
		if n >= want {
			return n
		}
		select {
		case <-more:
		case <-t.C:
			return n
		case <-ctx.Done():
			return n
		}
	}
}

// benchReply is the bot's message answering one update, and how long after
// the update was made available it arrived.
type benchReply struct {
	call    telegramfake.Call
	latency time.Duration
}

// replyTracker pairs each message the bot sends with the oldest unanswered
// update of its chat (the adapter answers a chat's updates in order).
type replyTracker struct {
	stray atomic.Int64 // messages that answered no update

	mu        sync.Mutex
	waiting   map[int64][]time.Time // chat -> when each unanswered update was pushed
	listeners map[int64]chan benchReply
	sink      *openSink
}

func newReplyTracker() *replyTracker {
	return &replyTracker{waiting: map[int64][]time.Time{}, listeners: map[int64]chan benchReply{}}
}

// expect notes an update pushed for chat at t.
func (t *replyTracker) expect(chat int64, at time.Time) {
	t.mu.Lock()
	t.waiting[chat] = append(t.waiting[chat], at)
	t.mu.Unlock()
}

// listen returns the channel chat's answers go to.
func (t *replyTracker) listen(chat int64) <-chan benchReply {
	ch := make(chan benchReply, 8)
	t.mu.Lock()
	t.listeners[chat] = ch
	t.mu.Unlock()
	return ch
}

func (t *replyTracker) unlisten(chat int64) {
	t.mu.Lock()
	delete(t.listeners, chat)
	t.mu.Unlock()
}

// openSink collects the open loop's latencies until want have come.
type openSink struct {
	want int
	done chan struct{}
	mu   sync.Mutex
	lats []time.Duration
	last time.Time // the last answer's arrival
}

func (s *openSink) add(lat time.Duration, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lats = append(s.lats, lat)
	s.last = at
	if len(s.lats) == s.want {
		close(s.done)
	}
}

func (s *openSink) snapshot() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.lats)
}

// openSink starts collecting want answers for chats nobody listens to;
// 0 stops.
func (t *replyTracker) openSink(want int) *openSink {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sink = nil
	if want > 0 {
		t.sink = &openSink{want: want, done: make(chan struct{}), lats: make([]time.Duration, 0, want)}
	}
	return t.sink
}

// onCall is the fake's OnCall: every message sent to a chat answers that
// chat's oldest unanswered update, and so does a press's next question
// shown in place of the pressed one (editMessageText). The bench's presses
// are all answered so; an edit that only marked a choice would be taken for
// the answer and fail the scenario's check of it, loudly.
func (t *replyTracker) onCall(c telegramfake.Call) {
	if c.Method != "sendMessage" && c.Method != "sendPhoto" && c.Method != "editMessageText" {
		return
	}
	chat := c.ChatID()
	t.mu.Lock()
	q := t.waiting[chat]
	if len(q) == 0 {
		t.mu.Unlock()
		t.stray.Add(1)
		return
	}
	at := q[0]
	if len(q) == 1 {
		delete(t.waiting, chat)
	} else {
		t.waiting[chat] = q[1:]
	}
	ch, sink := t.listeners[chat], t.sink
	t.mu.Unlock()
	rep := benchReply{call: c, latency: c.At.Sub(at)}
	switch {
	case ch != nil:
		select {
		case ch <- rep:
		default:
			t.stray.Add(1) // a second answer to one update, nobody waits for it
		}
	case sink != nil:
		sink.add(rep.latency, c.At)
	default:
		t.stray.Add(1)
	}
}

// percentiles returns the median and the 99th percentile in milliseconds
// (nearest rank), 0 for no samples.
func percentiles(lats []time.Duration) (p50, p99 float64) {
	if len(lats) == 0 {
		return 0, 0
	}
	s := slices.Clone(lats)
	slices.Sort(s)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return round(float64(s[max(0, i)])/float64(time.Millisecond), 2)
	}
	return at(0.50), at(0.99)
}

// perUpdate is n per update, to two places.
func perUpdate(n int64, updates int) float64 {
	if updates <= 0 {
		return 0
	}
	return round(float64(n)/float64(updates), 2)
}

func round(v float64, places int) float64 {
	f := math.Pow(10, float64(places))
	return math.Round(v*f) / f
}
