// Dangol is the 단골 chat bot: staff keep customer notes and points in
// Slack, customers check points and leave feedback in Telegram, managers get
// the week in numbers — all kept in one bbolt file.
//
// Usage:
//
//	dangol [serve]        run the configured platforms, or the console chat without tokens
//	dangol chat           run the console chat
//	dangol export [--format json|csv] [--out FILE]
//	dangol backup FILE    copy the data file consistently
//	dangol restore FILE   replace the data file with a backup (--force if it exists)
//	dangol version
//	dangol help
//
// Flags --db, --lang and --tz override DANGOL_DB, DANGOL_LANG and DANGOL_TZ;
// every other setting is a DANGOL_* environment variable (see README.md).
// Bad arguments or settings exit with status 2, other failures with 1.
//
// # Caveats
//
// Only one dangol can hold a data file: a second one (any command) fails
// after a second with an error naming the file. On SIGINT or SIGTERM dangol
// stops taking input, finishes the messages it holds and closes the file; a
// second signal exits at once.
package main
