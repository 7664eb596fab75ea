// Dangol is the 단골 chat bot: staff keep customer notes and points in
// Slack, customers check points and leave feedback in Telegram, managers get
// the week in numbers — all kept in one bbolt file.
//
// Usage:
//
//	dangol [serve]        run the configured platforms, or the console chat without tokens
//	dangol chat           run the console chat
//	dangol export [--format json|csv] [--out FILE [--force]]
//	dangol summary [--week this|last|YYYY-Www] [--png FILE]
//	dangol poster [--png FILE] [--shop NAME]   an A5 counter poster with the QR code to join on Telegram
//	dangol import FILE [--dry-run] [--sheet NAME]   bring in a customer spreadsheet (.xlsx or CSV)
//	dangol backup FILE    copy the data file consistently
//	dangol restore FILE   replace the data file with a backup (--force if it exists)
//	dangol key check [--key KEYFILE] FILE   check that a key opens a data file or a backup
//	dangol key rotate     give the data file a new master key (the old one kept as dangol.key.old until the next start)
//	dangol migrate [--dry-run]   encrypt a data file from before encryption, or say what that would do
//	dangol service install|uninstall|start|stop|status
//	dangol version        (or --version) the version, VCS revision and time, Go version
//	dangol bench [--scenario feedback|points|open|press] [--chats N] [--duration D] [--api inproc|loopback]   measure the Telegram path against a fake Bot API
//	dangol help
//
// Flags --db, --lang and --tz override DANGOL_DB, DANGOL_LANG and DANGOL_TZ;
// every other setting is a DANGOL_* environment variable (see README.md),
// or a line of an --env-file beneath them. Bad arguments or settings exit
// with status 2, other failures with 1. Logs go to standard error as text
// or JSON (DANGOL_LOG_FORMAT) in DANGOL_TZ; the console hides their INFO
// lines unless -v.
//
// service registers "dangol serve" with the host's service manager
// (kardianos/service: systemd, the Windows service manager, a launchd user
// agent), restarted on failure; the DANGOL_* settings go to a 0600
// dangol.env beside the data file, never into the service definition.
// Started by the manager, serve stops gracefully when asked (service.go).
//
// serve also makes the scheduled posts: the weekly summary with its chart
// to Slack's staff channel (DANGOL_SUMMARY_CRON, default Monday 09:00) and
// each staff member's follow-ups due that day as a Slack DM
// (DANGOL_FOLLOWUP_CRON, default daily 09:00), both read in DANGOL_TZ. The
// ledger records each post, so a restart never posts twice and a post
// missed while dangol was down is made at start-up (see dialog.Scheduler).
// With DANGOL_BACKUP_DIR set it also backs the ledger up there on the same
// scheduler (DANGOL_BACKUP_CRON, default daily 03:00), keeping the newest
// DANGOL_BACKUP_KEEP (14): "dangol backup" cannot run beside it.
//
// serve and chat keep the consent question's promise of retention
// (DANGOL_RETENTION: "2y" by default, "18m", "400d", or 0 for off; calendar
// years and months in DANGOL_TZ): a customer whose last visit, or
// registration if they never came, is longer ago than that is erased as
// /forget erases them, once at start and then daily at 04:00
// (dialog.RetentionJob), each erasure audited as system:retention, but
// only on the day a notice a month before named (dialog.RetentionNoticeJob,
// daily at 11:00: to the customer on Telegram and to the managers). The
// managers read how many in the next morning follow-up DM (in the console,
// its owner). The export shows an erased customer's consent withdrawn,
// with the erasure's time.
//
// import reads the customer list a shop kept in a spreadsheet: an .xlsx
// sheet (excelize) or CSV in UTF-8 or CP949, both through one row pipeline,
// header names in Korean or English. Rows whose phone the ledger already
// has are skipped, so it can be run again; everything it imports is one
// transaction, and a data file it created is removed if that fails.
//
// restore installs a backup only if it opens with the data file's key and
// a sample of its sealed values (ledger.KeyCheckSample, spread over
// customers, notes, points, feedback, audit entries and sessions) passes
// GCM's authentication; bbolt's consistency check alone does not see bytes
// changed inside a value.
//
// # Caveats
//
// The collector's pace (gctune.go) is the process's: main sets it, Run does
// not, since tests run Main many times in one process. A test of the built
// binary runs with it; one in process runs with Go's defaults.
//
// key rotate needs the file (stop serve first) and goes in steps whose
// order keeps every crash openable (key.go): a start whose key file does
// not open the data file tries dangol.key.new and, if that opens it,
// finishes the rotation; a start that opens it removes dangol.key.old. Copy
// dangol.key.old elsewhere before that start if backups from before the
// rotation are to be kept: they open with it only. With DANGOL_KEY the new
// key is printed once, before the commit, and stored nowhere.
//
// The first day with retention on tells every customer already past the
// period, and the managers, that their data goes a month later (data older
// versions kept longer than the consent question said); so does the first
// day after importing a spreadsheet whose last visits are older than it.
// Set DANGOL_RETENTION (or 0) first where that is not wanted.
//
// Only one dangol can hold a data file: a second one (any command) fails
// after a second with an error naming the file. On SIGINT or SIGTERM dangol
// stops taking input, finishes the messages it holds and closes the file; a
// second signal exits at once.
//
// What the last run left in the outbox (replies it could not send before it
// stopped or died) is sent by the resender alone (outbox.go, leftovers): a
// message delivered again after the restart is answered without them, even
// while a platform still refuses them, so a customer sees each once; they
// go when the resender's next minute finds the platform back. What this
// run writes is its sender's until it is 15 minutes old, even when dated
// before the start: the campaign job making up the minute the restart cut
// short dates its messages at that minute, and the resender taking them
// as left over sent them twice.
//
// A platform whose API cannot be reached (no network yet, DNS, timeouts,
// 5xx) is retried with back-off inside its adapter while the rest serves;
// serve stops only when a platform rejects a token (exit 1, one line naming
// the variable). Swapped or mistyped Slack tokens exit 2 before any
// request (network.go).
//
// A scheduled post goes only where Slack can carry it: without a Slack
// staff channel the weekly summary is off, without Slack the follow-up DMs
// too (said once at start), and a DM to a staff member known only from the
// console is logged and dropped. chat makes them only on its own clock
// (clock.go), and only in a rehearsal: chat --at (a time, or now) starts
// the console at that moment on a hidden copy of the data file, removed
// when it ends, and :time moves it forward, making every post due on the
// way on the console; nothing of it reaches the data file, whose real
// Monday posts serve still makes. Without --at, :time only shows the
// time. summary needs the data file, so it cannot run beside a serving
// dangol.
//
// bench's default --api inproc hands each Bot API request to the fake's
// handler in process (bench_tools.go): it leaves the kernel's loopback out,
// as the grammY peer does, so its rates are not comparable with figures
// taken before it (loopback only); --api loopback measures those. Its
// cpu_us_per_update and allocs_per_update count the whole process, the
// fake and the virtual customers with dangol. The press scenario sleeps
// between a customer's updates: its pace is the point, so --count and
// --duration bound it, not the bot's speed.
package main
