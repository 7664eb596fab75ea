package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // machines without zoneinfo still know Asia/Seoul

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// empty means the module's version from the build info.
var version = ""

func main() {
	// A closed terminal (SIGHUP) ends dangol as Ctrl-C does, so a
	// rehearsing console removes its copy of the shop's file; started
	// under nohup, SIGHUP stays ignored (Notify would undo that).
	stopOn := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		stopOn = append(stopOn, syscall.SIGHUP)
	}
	ctx, stop := signal.NotifyContext(context.Background(), stopOn...)
	go func() {
		// After the first signal dangol stops taking input and finishes
		// what it holds; a second one means "now".
		<-ctx.Done()
		stop()
		again := make(chan os.Signal, 1)
		signal.Notify(again, stopOn...)
		<-again
		fmt.Fprintln(os.Stderr, "dangol: second signal: exiting without waiting")
		os.Exit(1)
	}()

	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// The collector's pace is the process's, so it is set here and
		// not in Run, which tests call many times in one process.
		tick := time.NewTicker(gcInterval)
		defer tick.Stop()
		go newGCTuner().run(ctx, tick.C)
	}
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "dangol: %s\n", m.errorText(err))
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "dangol: "+m.Catalog.Text(m.usageLang(), "cli.err.see_help", nil))
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// Main is the dangol program: Run parses the command line and runs one
// command, Close releases what Run opened (the ledger last). Tests run it in
// process with their own input, output and environment.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	// Now and NewCode, when set, replace the clock and the link-code
	// generator of the dialog engine (tests). Now is also the clock of the
	// scheduled posts, of housekeeping and of "this week" in summary.
	Now     func() time.Time
	NewCode func() string
	// After, when set, replaces time.After for the scheduled posts: the
	// scheduler calls it once each time it has done what was due, so a
	// test learns that the start-up round is over.
	After func(time.Duration) <-chan time.Time
	// RetryAfter, when set, replaces time.After for the back-off of a
	// platform whose API cannot be reached (network.go): a test learns of
	// each failed try and decides when the next one goes.
	RetryAfter func(time.Duration) <-chan time.Time
	// SendAfter, when set, replaces time.After for the waits of Telegram's
	// sends (its outgoing limits and retries, telegram.Config.After), which
	// then also read Now: a test's virtual clock, on which a campaign's
	// minutes at Telegram's pace take no real time. nil: both real.
	SendAfter func(time.Duration) <-chan time.Time
	// TelegramTransport, when set, carries every Bot API request
	// (telegram.Config.Transport): a test's fake Bot API called in process.
	TelegramTransport http.RoundTripper
	// Listen opens the HTTP listeners: the shared one (Telegram's webhook
	// beside Slack's HTTP mode) and the admin server's (DANGOL_ADMIN_ADDR);
	// nil: net.Listen. Tests learn the ports through it.
	Listen func(network, addr string) (net.Listener, error)
	// OpenRW opens the data file for writing to learn whether this user
	// may (checkWritable), before the ledger opens it; nil: os.OpenFile
	// with O_RDWR. Tests run as root, who may write any file, refuse
	// through it.
	OpenRW func(path string) (*os.File, error)

	// Config is what Run was told, once parsed.
	Config Config
	// Store is the open ledger, if the command needed one.
	Store *ledger.Store

	// Catalog words every message; Run loads the embedded one unless it
	// is set (tests share one: parsing it is a tenth of a run's time
	// under the race detector).
	Catalog *locales.Catalog
	Logger  *slog.Logger
	// Chart, when set, replaces feedback's weekly chart in the engine's
	// /summary and scheduled summary posts (dialog.Config.Chart): tests
	// that are not about the picture pass a cheap stand-in.
	Chart func(s *feedback.Summary, t feedback.Translator, lang string) ([]byte, error)
	// metrics count what /metrics shows while serve (or chat) runs with
	// DANGOL_ADMIN_ADDR set; nil: nothing is counted (metrics.go).
	metrics *metrics
	// console is set when the command is the console chat: the person at
	// the terminal reads the log too, so what they are told in their
	// language is not logged again as a warning.
	console bool
	// atTerminal: the person running this reads its terminal (the console,
	// and backup, restore and import, which report there in the shop's
	// language), so log lines that say the same again are for -v.
	atTerminal bool
	// startsService: the command is serve or chat, the start that may
	// remove the old key of a rotation (key.go); reading commands never do.
	startsService bool

	// Environ lists the environment as "NAME=value" (os.Environ): what
	// "service install" keeps of DANGOL_*. nil: nothing is kept.
	Environ func() []string
	// Services is the host's service manager; nil: the real one
	// (kardianos/service). Tests set a fake.
	Services serviceHost
	// envFile holds what --env-file gave, for "service install".
	envFile map[string]string
	// rehearsal is chat --at's: where the console's clock starts and the
	// copy of the data file it runs on (clock.go); nil: the real time on
	// the real file.
	rehearsal *rehearsal
	// newLedger is chat and serve's --new: a missing data file may be
	// made new although its key file is there (checkDataFile).
	newLedger bool
	// readsOnly: the command only reads the data file (export, backup,
	// summary), so a file it may not write is opened read-only rather
	// than refused (datafile.go); readOnly is then the message that says
	// why, once: cli.warn.db_read_only_disk (the system made the disk
	// read-only, as it does to a failing one) or cli.warn.db_read_only_file
	// (the file's attribute or owner); "" when opened for writing.
	readsOnly bool
	readOnly  string

	// keyFault, set by tests, may stop a key rotation at a named step as
	// a crash would (key.go).
	keyFault func(step string) error
	// Terminal reports whether w is a terminal, where a long migration
	// draws a progress bar (migrate.go); nil: a real check of os.Stderr.
	Terminal func(w io.Writer) bool
	// progressMin is the smallest job that gets a progress bar; 0:
	// defaultProgressMin. progressLabel is the bar's message id.
	progressMin   int
	progressLabel string
}

// NewMain returns a Main on the process's standard streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Environ: os.Environ}
}

// commandOpts are the per-command flags.
type commandOpts struct {
	format, out, images string
	at                  string
	sheet               string
	week, png           string
	shop                string
	force, dryRun       bool
	bench               benchOpts
	keyFile             string
}

// Run runs the command in args (without the program name). It returns when
// the command is done; for serve and chat that is when the input ends or
// ctx is done. Errors from bad arguments or settings are *usageError.
func (m *Main) Run(ctx context.Context, args []string) error {
	if m.Catalog == nil {
		cat, err := locales.Load()
		if err != nil {
			return err
		}
		m.Catalog = cat
	}
	m.Config = configFromEnv(m.Getenv)
	var opts commandOpts
	bind := func(cmd string, fs *flag.FlagSet) {
		switch cmd {
		case "export":
			fs.StringVar(&opts.format, "format", "", "json or csv; default csv for an --out ending in .csv, else json")
			fs.StringVar(&opts.out, "out", "", "file to write; default standard output")
			fs.BoolVar(&opts.force, "force", false, "replace an existing --out file")
		case "backup", "restore":
			fs.BoolVar(&opts.force, "force", false, "replace an existing file")
		case "serve", "chat":
			fs.StringVar(&opts.images, "images", "", "folder where the console saves pictures (charts)")
			fs.StringVar(&opts.at, "at", "", "chat: start the console's clock at this time, such as 2027-01-31T10:00 (DANGOL_TZ)")
			fs.BoolVar(&m.newLedger, "new", false, "make a new, empty data file although its key file is there")
		case "summary":
			fs.StringVar(&opts.week, "week", "this", "this, last or YYYY-Www")
			fs.StringVar(&opts.png, "png", "", "file to write the chart to (PNG)")
		case "poster":
			fs.StringVar(&opts.png, "png", DefaultPosterFile, "file to write the poster to (PNG)")
			fs.StringVar(&opts.shop, "shop", m.Config.ShopName, "the shop's name on the poster (DANGOL_SHOP_NAME)")
		case "bench":
			opts.bench.bind(fs)
		case "key":
			fs.StringVar(&opts.keyFile, "key", "", "key check: the key file to check with (the old key of a rotation, for a backup from before it)")
		case "migrate":
			fs.BoolVar(&opts.dryRun, "dry-run", false, "report what the migration would do, write nothing")
		case "import":
			fs.BoolVar(&m.newLedger, "new", false, "import into a new, empty data file although its key file is there")
			fs.StringVar(&opts.format, "format", "auto", "auto (from the content), csv, xlsx or json")
			fs.StringVar(&opts.sheet, "sheet", "", "sheet of an .xlsx to read; default the first")
			fs.BoolVar(&opts.dryRun, "dry-run", false, "report what would be imported, write nothing")
		}
		if cmd == "serve" {
			fs.StringVar(&m.Config.SummaryCron, "summary-cron", m.Config.SummaryCron, "weekly summary schedule (DANGOL_SUMMARY_CRON)")
			fs.StringVar(&m.Config.FollowUpCron, "followup-cron", m.Config.FollowUpCron, "follow-up DM schedule (DANGOL_FOLLOWUP_CRON)")
			fs.StringVar(&m.Config.BackupDir, "backup-dir", m.Config.BackupDir, "folder for scheduled backups (DANGOL_BACKUP_DIR)")
			fs.StringVar(&m.Config.BackupCron, "backup-cron", m.Config.BackupCron, "backup schedule (DANGOL_BACKUP_CRON)")
		}
	}
	cmd, pos, err := parseArgs(&m.Config, args, bind)
	if err == nil && m.Config.EnvFile != "" {
		// The file lies beneath the environment and the flags, so the
		// settings are read again over it (how the installed service runs).
		var getenv func(string) string
		if getenv, err = m.envFileGetenv(m.Config.EnvFile); err == nil {
			m.Config, opts = configFromEnv(getenv), commandOpts{}
			cmd, pos, err = parseArgs(&m.Config, args, bind)
		}
	}
	if errors.Is(err, flag.ErrHelp) {
		return m.help(cmd)
	}
	if err != nil {
		return m.flagProblem(cmd, err, bind)
	}
	if cmd == "help" {
		topic := ""
		if len(pos) > 0 {
			topic = pos[0]
		}
		return m.help(topic)
	}
	if cmd == "version" || m.Config.showVersion {
		return m.printVersion()
	}
	if err := m.Config.validate(m.usage); err != nil {
		return err
	}
	m.console = m.Config.console(cmd)
	m.startsService = cmd == "serve" || cmd == "chat"
	// The console, and the one-shot commands that print their own report in
	// the shop's language, log only warnings and errors unless -v: an
	// English "level=INFO msg=\"backup written\"" among Korean lines is
	// noise to the shop.
	m.atTerminal = m.console || cmd == "backup" || cmd == "restore" || cmd == "import"
	m.Logger = newLogger(m.Stderr, m.Config, m.atTerminal)
	if m.console {
		m.Logger = consoleLogger(m.Logger, m.Config)
	}

	nargs := map[string]int{"serve": 0, "chat": 0, "export": 0, "summary": 0, "backup": 1, "restore": 1, "import": 1, "service": 1, "bench": 0, "poster": 0, "migrate": 0}
	n, known := nargs[cmd]
	switch {
	case cmd == "key":
		// key check FILE or key rotate: keyCommand counts its arguments.
	case !known:
		return m.usage("cli.err.command", map[string]any{"Command": cmd})
	case len(pos) != n:
		return m.usage("cli.err.args", map[string]any{"Command": cmd, "Want": n, "Got": len(pos), "Args": fmt.Sprintf("%q", pos), "Usage": m.commandUsage(cmd)})
	}
	switch cmd {
	case "serve":
		if opts.at != "" {
			return m.usage("clock.err.at_serve", nil)
		}
		if !m.services().Interactive() {
			return m.runService(ctx, func(ctx context.Context) error { return m.serve(ctx, false, opts.images) })
		}
		return m.serve(ctx, false, opts.images)
	case "service":
		return m.service(pos[0])
	case "chat":
		return m.chat(ctx, opts.images, opts.at)
	case "export":
		return m.export(ctx, opts.format, opts.out, opts.force)
	case "summary":
		return m.summary(ctx, opts.week, opts.png)
	case "backup":
		return m.backup(ctx, pos[0], opts.force)
	case "import":
		return m.importFile(ctx, pos[0], opts.format, opts.sheet, opts.dryRun)
	case "bench":
		return m.bench(ctx, opts.bench)
	case "poster":
		return m.poster(ctx, opts.png, opts.shop)
	case "key":
		return m.keyCommand(ctx, pos, opts.keyFile)
	case "migrate":
		return m.migrate(opts.dryRun)
	default:
		return m.restore(ctx, pos[0], opts.force)
	}
}

// Close closes the ledger, if Run opened it. It is safe to call twice.
func (m *Main) Close() error {
	if m.Store == nil {
		return nil
	}
	err := m.Store.Close()
	m.Store = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", m.Config.DB, err)
	}
	return nil
}

// openStore opens the ledger at Config.DB into m.Store.
func (m *Main) openStore() error {
	s, err := m.openLedger(m.Config.DB, m.metrics.ledgerOptions())
	if err != nil {
		return err
	}
	m.Store = s
	m.Logger.Debug("ledger open", "path", m.Config.DB)
	return nil
}

// openExisting is openStore for a command that only reads the data file
// (backup, export, summary): a file that is not there is refused, not made.
// A mistyped --db used to make a new, empty ledger (and key) and report
// success, a backup of nothing the shop would trust.
func (m *Main) openExisting() error {
	if _, err := os.Stat(m.Config.DB); errors.Is(err, os.ErrNotExist) {
		return &localError{m.Catalog.Text(m.Config.Lang, "cli.err.db_missing", map[string]any{"DB": m.Config.DB}), err}
	}
	m.readsOnly = true
	return m.openStore()
}

// openLedger opens the ledger at path; a file another dangol holds is the
// localised "in use" error.
func (m *Main) openLedger(path string, opts *ledger.Options) (*ledger.Store, error) {
	return m.openLedgerKey(path, opts, true)
}

// openLedgerKey is openLedger with the file's master key added to opts
// (key.go): with create, a first start makes the key file.
func (m *Main) openLedgerKey(path string, opts *ledger.Options, create bool) (*ledger.Store, error) {
	if err := m.checkDataFile(path, create); err != nil {
		return nil, err
	}
	opts, err := m.withKey(path, opts, create)
	if err != nil {
		return nil, err
	}
	readOnly := m.readOnly != "" && path == m.Config.DB
	opts.ReadOnly = readOnly
	s, err := ledger.Open(path, opts)
	if readOnly && errors.Is(err, ledger.ErrNeedsWrite) {
		return nil, &localError{m.Catalog.Text(m.Config.Lang, "cli.err.db_read_only_needs_write", map[string]any{"DB": path, "Key": m.keyName(path)}), err}
	}
	if errors.Is(err, ledger.ErrWrongKey) {
		if s := m.finishRotation(path, opts); s != nil {
			return s, nil
		}
		return nil, &localError{m.wrongKeyText(path, opts.Key), err}
	}
	if errors.Is(err, ledger.ErrLocked) {
		// Said once, in the shop's language; the ledger's own wording of
		// the same fact stays reachable through errors.Is only.
		return nil, &localError{m.Catalog.Text(m.Config.Lang, "appliance.locked", map[string]any{"DB": path}), err}
	}
	if errors.Is(err, ledger.ErrNotLedger) {
		// Most often --db naming another file; rarely a data file whose
		// header is gone, which only a backup mends.
		return nil, &localError{m.Catalog.Text(m.Config.Lang, "appliance.not_ledger", map[string]any{"DB": path}), err}
	}
	if errors.Is(err, ledger.ErrDamaged) {
		// What to do first, in the shop's language; bbolt's finding last,
		// for whoever looks at the file.
		return nil, &localError{m.Catalog.Text(m.Config.Lang, "appliance.damaged", map[string]any{"DB": path, "Detail": damageDetail(err, path)}), err}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if readOnly {
		// Said once, before the command's own output; the key files are
		// left as they are (settleKeyFiles would write).
		fmt.Fprintln(m.Stderr, m.Catalog.Text(m.Config.Lang, m.readOnly, map[string]any{"DB": path, "Key": m.keyName(path)}))
		return s, nil
	}
	if path == m.Config.DB {
		m.settleKeyFiles(path)
	}
	return s, nil
}

// help prints the usage of dangol, or of cmd when it has a help of its own.
func (m *Main) help(cmd string) error {
	lang := locales.Normalize(m.Config.Lang)
	id := "cli.usage"
	switch cmd {
	case "summary":
		id = "cli.summary.usage"
	case "import":
		id = "cli.import.usage"
	case "service":
		id = "appliance.service.usage"
	case "bench":
		id = "bench.usage"
	case "poster":
		id = "linking.poster.usage"
	case "key":
		id = "keys.usage"
	case "migrate":
		id = "keys.migrate.usage"
	}
	_, err := fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, id, nil))
	return err
}

// now is the clock: Now when set, else the real one.
func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// commandUsage is cmd's line of the usage text ("backup    실행 중이 아닌 …:
// dangol backup 파일"), so that a command given the wrong arguments says
// what it takes; "" when the text has none.
func (m *Main) commandUsage(cmd string) string {
	for _, l := range strings.Split(m.Catalog.Text(m.usageLang(), "cli.usage", nil), "\n") {
		if rest, ok := strings.CutPrefix(l, "  "+cmd+" "); ok {
			return cmd + " " + rest
		}
	}
	return ""
}
