package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
	textunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/unicode/norm"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// dangol import brings a shop's existing customer spreadsheet (the
// 고객관리장부 most shops keep in Excel or Google Sheets) into the ledger.
// Everything about reading the file is here; the ledger is only asked to
// create customers, add points and audit, in one transaction.

const (
	// importActor is who imported, in the audit trail and the points entries.
	importActor = "system:import"
	// importReason is the reason of the points entry carrying a balance over.
	importReason = "import"
	// maxImportBytes bounds the file: a shop's list is a few hundred
	// kilobytes, and the whole file is held in memory to detect its encoding.
	maxImportBytes = 32 << 20
	// headerSearchRows is how far down the header row is looked for: sheets
	// often start with a title ("고객관리장부 2025") and a blank row.
	headerSearchRows = 10
	// maxListed bounds each list of rows in the report.
	maxListed = 20
	// maxImportStamps is the most stamps a row may carry (ledger
	// ImportStamps).
	maxImportStamps = 10000
	// importProgressMin is the smallest sheet, in rows, whose import
	// shows its progress on a terminal: a few hundred rows take a blink.
	importProgressMin = 2000
)

// field is a customer field a column can fill.
type field int

const (
	fieldNone field = iota
	fieldName
	fieldPhone
	fieldBirthday
	fieldPreferences
	fieldRemarks
	fieldTags
	fieldRegistered
	fieldPoints
	fieldVisits
	fieldLastVisit
	fieldTier
	fieldStamps
	fieldCoupons
	fieldTierPinned
	fieldLast = fieldTierPinned
)

// fieldIDs are the catalog ids naming each field in the import's report
// ("이름" of cli.import.field.name).
var fieldIDs = [...]string{
	fieldName:        "cli.import.field.name",
	fieldPhone:       "cli.import.field.phone",
	fieldBirthday:    "cli.import.field.birthday",
	fieldPreferences: "cli.import.field.preferences",
	fieldRemarks:     "cli.import.field.remarks",
	fieldTags:        "cli.import.field.tags",
	fieldRegistered:  "cli.import.field.registered",
	fieldPoints:      "cli.import.field.points",
	fieldVisits:      "cli.import.field.visits",
	fieldLastVisit:   "cli.import.field.last_visit",
	fieldTier:        "cli.import.field.tier",
	fieldStamps:      "cli.import.field.stamps",
	fieldCoupons:     "cli.import.field.coupons",
	fieldTierPinned:  "cli.import.field.tier_pinned",
}

// headerAliases maps a header, as normHeader leaves it, to its field.
// dangol's own CSV and Excel export (name, phone, points, visits,
// last_visit, tags, created_at, tier, stamps, coupons, birthday,
// preferences, remarks) is among them, so an export imports back.
var headerAliases = func() map[string]field {
	m := map[string]field{}
	add := func(f field, names ...string) {
		for _, n := range names {
			m[normHeader(n)] = f
		}
	}
	add(fieldName, "이름", "고객명", "성명", "고객이름", "고객 이름", "고객", "name", "customer", "customer name", "full name")
	add(fieldPhone, "전화번호", "연락처", "휴대폰", "핸드폰", "전화", "휴대폰번호", "핸드폰번호", "휴대전화", "휴대전화번호",
		"phone", "phone number", "mobile", "mobile phone", "cell", "cell phone", "tel", "telephone")
	add(fieldBirthday, "생일", "생년월일", "birthday", "birth date", "date of birth", "dob")
	add(fieldPreferences, "선호", "선호사항", "취향", "preferences", "preference")
	add(fieldRemarks, "특이사항", "메모", "비고", "remarks", "memo", "note", "notes")
	add(fieldTags, "태그", "분류", "구분", "tags", "tag", "category")
	add(fieldRegistered, "등록일", "등록일자", "가입일", "가입일자", "첫방문", "첫방문일", "첫 방문",
		"registered", "created", "created_at", "first visit", "joined")
	add(fieldPoints, "포인트", "적립금", "잔여포인트", "적립포인트", "points", "point", "balance")
	add(fieldVisits, "방문횟수", "방문수", "visits", "visit count")
	add(fieldLastVisit, "최근방문", "최근방문일", "최근 방문일", "마지막방문", "마지막방문일", "마지막 방문일",
		"last_visit", "last visit", "last visited")
	add(fieldTier, "등급", "회원등급", "고객등급", "tier", "level", "membership")
	add(fieldStamps, "스탬프", "도장", "쿠폰도장", "stamps", "stamp")
	add(fieldCoupons, "쿠폰", "보유쿠폰", "coupons", "coupon")
	add(fieldTierPinned, "등급고정", "고정등급", "tier_pinned", "pinned", "tier pinned")
	return m
}()

// normHeader is a header cell as matched against headerAliases: NFC, lower
// case, without what people add around a name ("전화번호 (숫자만)",
// "이름*", "First Visit", "created_at").
func normHeader(s string) string {
	s = strings.ToLower(norm.NFC.String(uncell(strings.TrimSpace(s))))
	for _, p := range [][2]string{{"(", ")"}, {"[", "]"}, {"（", "）"}} {
		for {
			i := strings.Index(s, p[0])
			j := strings.Index(s, p[1])
			if i < 0 || j < i {
				break
			}
			s = s[:i] + s[j+len(p[1]):]
		}
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("_-.*:·/#", r) {
			return -1
		}
		return r
	}, s)
}

// sheet is a spreadsheet as read: the rows ready to import and the rows
// refused, with the row numbers a spreadsheet shows (1 is the first row).
type sheet struct {
	file      string // the name shown in the report
	source    string // how it was read: the text encoding, or the .xlsx sheet
	headerRow int
	columns   map[field][]int // tags may come from several columns
	headers   []string        // the header row as written
	ignored   []string        // headers of columns not read
	rows      []importRow
	rejected  []rejectedRow
	// json is set for dangol export's JSON, whose rows are its customers
	// by their place in the list.
	json bool
	// nameless are the rows with neither a name nor a phone in dangol's
	// export: an erased customer's, which is passed over, not refused. In
	// another sheet such a row is refused, showing what it held
	// (namelessReason).
	nameless []int
}

// importRow is one customer to create.
type importRow struct {
	row       int
	customer  ledger.Customer
	points    int64
	visits    int       // from the sheet, -1 if none
	lastVisit time.Time // from the sheet, zero if none
	undated   bool      // no registration date: CreatedAt is the import's time
	tier      string    // the tier's word as written, "" if none
	pinned    bool      // the tier is pinned (tier_pinned), not started
	stamps    int       // on the card
	coupons   []importCoupon
	// yearless are the dates written without a year, read as the latest
	// such day not in the future (readDay): the report shows each.
	yearless []yearlessDate
	// noteTags are the tags past the most a customer's record keeps, in
	// groups of as many as a note keeps: dangol's export writes the
	// card's tags, the record's and its notes', and a customer with many
	// notes has more than the record holds. They go on tags-only notes
	// (tagNotes), as they were on notes in the exported ledger.
	noteTags [][]string
}

// yearlessDate is a date a row wrote without its year, in a column, and
// the day it was read as.
type yearlessDate struct {
	column, value string
	day           time.Time
}

// importCoupon is a valid coupon a row carries over (importedCoupon).
type importCoupon struct {
	benefit ledger.CouponBenefit
	lastDay time.Time // its last day, midnight in the shop's zone
	code    string    // "" if the cell had none: a new one is drawn
}

// visitRange is the visit history the row gives: its count, from its
// registration date (or the last visit, for a single one) to its last
// visit. A last visit without a count (no 방문횟수 column, an empty cell)
// is one visit on that day, and so is one beside a count of 0
// (zeroVisits): the date is what someone wrote down, a 0 is as often a
// cell never filled in, and dropping the date made a customer who came
// last week "never visited", at risk of nothing, and past retention when
// counted from a registration years ago. A row without a last visit, or
// whose several visits have no first before the last, gives none: a
// history with no usual gap would mark the customer at risk on the first
// day.
func (r importRow) visitRange() (visits int, first, last time.Time, ok bool) {
	if r.lastVisit.IsZero() {
		return 0, time.Time{}, time.Time{}, false
	}
	last, visits = r.lastVisit, max(r.visits, 1)
	if visits == 1 {
		return 1, last, last, true
	}
	first = r.customer.CreatedAt
	if r.undated || !first.Before(last) {
		return 0, time.Time{}, time.Time{}, false
	}
	return visits, first, last, true
}

// zeroVisits reports a row whose count of 0 contradicts its last visit:
// visitRange takes it as one visit, and the report lists it
// (cli.import.visits_zero) so the shop sees the choice before importing.
func (r importRow) zeroVisits() bool { return r.visits == 0 && !r.lastVisit.IsZero() }

// rejectedRow is a row left out, with every reason found.
type rejectedRow struct {
	row     int
	reasons []reason
}

// reason is a locale id under cli.import.reason and its data.
type reason struct {
	id   string
	data map[string]any
}

// importFile imports the customers in path, a CSV or an .xlsx file or
// dangol export's JSON (format auto, csv, xlsx or json; sheetName picks
// the sheet of an .xlsx). Rows are read
// and checked first; then every new customer, their points and their audit
// entries are written in one ledger transaction, so a failure keeps nothing,
// and a data file this import created is removed again. With dryRun the
// same transaction runs and is rolled back.
func (m *Main) importFile(ctx context.Context, path, format, sheetName string, dryRun bool) error {
	switch format {
	case "auto", "csv", "xlsx", "json":
	default:
		return m.usage("cli.err.import_format", map[string]any{"Value": format})
	}
	lang := locales.Normalize(m.Config.Lang)
	now := m.now().In(m.Config.Loc)
	sh, err := m.readSheet(path, format, sheetName, now)
	if err != nil {
		return err
	}

	// A data file that is not there yet is created by this import, and
	// must not outlive its failure (a full disk, Ctrl-C): the next start
	// would find an empty ledger and the next import a half-made one.
	_, statErr := os.Stat(m.Config.DB)
	creates := !dryRun && errors.Is(statErr, fs.ErrNotExist)
	store, done, err := m.importStore(dryRun)
	if err != nil {
		if creates && !errors.Is(err, ledger.ErrLocked) {
			m.removeCreated()
		}
		return err
	}
	defer done()

	var res importResult
	err = importUpdate(store, ctx, func(tx *ledger.Tx) error {
		// Bulk: a sheet of thousands of customers in one transaction
		// is quadratic otherwise (ledger/bulk.go).
		err := tx.Bulk(func() error {
			var err error
			res, err = m.applyImport(ctx, tx, sh, now)
			return err
		})
		if err == nil && dryRun {
			return errDryRun
		}
		return err
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return m.importFailed(lang, path, creates, err)
	}
	if !dryRun {
		m.Logger.Info("import done", "file", path, "imported", len(res.imported), "skipped", len(res.skipped),
			"rejected", len(sh.rejected)+len(res.rejected), "nameless", len(sh.nameless))
	}
	_, err = io.WriteString(m.Stdout, m.importReport(lang, sh, res, dryRun))
	return err
}

// importUpdate runs the import's one transaction. It is Store.Update; tests
// replace it to fail the way a full disk fails a commit. A failed commit
// keeps nothing: bbolt writes the new pages first and the meta page that
// makes them the ledger last, so a write that fails leaves the last commit
// in force and the transaction rolled back.
var importUpdate = (*ledger.Store).Update

// importFailed is the error of an import whose transaction failed: nothing
// was imported, and a data file the import created is removed.
func (m *Main) importFailed(lang, path string, created bool, cause error) error {
	msg := m.Catalog.Text(lang, "cli.import.err.failed", map[string]any{"File": path, "Err": cause})
	if errors.Is(cause, syscall.ENOSPC) {
		msg += " " + m.Catalog.Text(lang, "cli.import.err.disk_full", nil)
	}
	if created {
		if err := m.removeCreated(); err != nil {
			msg += " " + m.Catalog.Text(lang, "cli.import.err.not_removed", map[string]any{"DB": m.Config.DB, "Err": err})
		} else {
			msg += " " + m.Catalog.Text(lang, "cli.import.err.removed", map[string]any{"DB": m.Config.DB})
		}
	}
	return &localError{msg, fmt.Errorf("import %s: nothing was imported: %w", path, cause)}
}

// removeCreated closes the ledger and removes its file: the file an import
// created and failed to fill.
func (m *Main) removeCreated() error {
	cerr := m.Close()
	if err := os.Remove(m.Config.DB); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return errors.Join(cerr, err)
	}
	m.Logger.Info("import failed: removed the data file it had created", "path", m.Config.DB)
	return nil
}

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("dry run")

// importStore returns the ledger to import into and what to call when
// done. A dry run with no data file yet (the usual first try) runs against
// an empty ledger in a temporary folder, so it creates no file.
func (m *Main) importStore(dryRun bool) (*ledger.Store, func(), error) {
	if _, err := os.Stat(m.Config.DB); dryRun && errors.Is(err, fs.ErrNotExist) {
		dir, err := os.MkdirTemp("", "dangol-dry-run-*")
		if err != nil {
			return nil, nil, fmt.Errorf("import: %w", err)
		}
		fail := func(err error) (*ledger.Store, func(), error) {
			os.RemoveAll(dir)
			return nil, nil, fmt.Errorf("import: %w", err)
		}
		key, err := ledger.NewKey()
		if err != nil {
			return fail(err)
		}
		s, err := ledger.Open(filepath.Join(dir, "dry-run.db"), &ledger.Options{Key: key})
		if err != nil {
			return fail(err)
		}
		return s, func() { s.Close(); os.RemoveAll(dir) }, nil
	}
	if err := m.openStore(); err != nil {
		if errors.Is(err, ledger.ErrLocked) {
			return nil, nil, &localError{m.Catalog.Text(m.Config.Lang, "cli.import.locked", map[string]any{"DB": m.Config.DB}), err}
		}
		return nil, nil, err
	}
	return m.Store, func() {}, nil
}

// localError is an error already worded for the person at the terminal,
// in their language; errors.Is still finds its cause.
type localError struct {
	msg string
	err error
}

func (e *localError) Error() string { return e.msg }
func (e *localError) Unwrap() error { return e.err }

// importResult is what the transaction did, or in a dry run would do.
type importResult struct {
	imported []importedRow
	skipped  []skippedRow
	points   int64 // carried over, in all
	undated  int   // imported without a registration date
	visits   int   // customers given the sheet's visit history
	// rejected are the rows refused against the ledger (a tier it does
	// not have), beside the sheet's own.
	rejected []rejectedRow
	stamped  int // customers given stamps
	stamps   int // stamps carried over, in all
	coupons  int // coupons carried over
	holders  int // customers given coupons
	expired  int // coupons past their last day, not carried over
	recoded  int // coupons whose code was taken, given a new one
	started  int // customers started at a tier their carried visits do not give
	pinned   int // customers whose tier came over pinned (tier_pinned)
	noted    int // customers whose tags past the record's limit went on a note
	// retiring are the customers imported whose retention
	// (DANGOL_RETENTION) has passed or ends within the notice's days:
	// the next notice run tells them, and the erasure follows no sooner
	// than ledger.RetentionNoticeDays after (cli.import.retention).
	retiring int
	// tierTags are the tags of imported customers that name a tier (a
	// 구분 column's VIP), each with how many have it: they are tags
	// only, and the report says so (cli.import.tier_tags).
	tierTags []tierTag
	// heldUntil is the last day of the hold those starts got under rules
	// with a window (ledger StartTier), of window months; zero for none.
	heldUntil time.Time
	window    int
}

// tierTag is a tag naming a tier, as first written, and how many
// imported customers have it.
type tierTag struct {
	tag   string
	count int
}

type importedRow struct {
	row int
	id  string
}

// skippedRow is a row whose phone is already a customer's: in the ledger
// (existing is that customer's id, existingName their name: a row whose
// phone is someone else's in the ledger shows whose) or on an earlier row
// (firstRow).
type skippedRow struct {
	row          int
	name         string
	existing     string
	existingName string
	firstRow     int
}

// applyImport creates the sheet's customers in tx. A phone already in the
// ledger, or on an earlier row, is skipped and never overwritten, so an
// import can be run again after fixing the rows it refused. It may run
// more than once (Store.Update), so it keeps no state outside its result.
func (m *Main) applyImport(ctx context.Context, tx *ledger.Tx, sh *sheet, now time.Time) (importResult, error) {
	var res importResult
	p, err := tx.ProgrammeAt(now)
	if err != nil {
		return importResult{}, fmt.Errorf("import: %w", err)
	}
	res.window = p.Tiers.WindowMonths
	seen := map[string]int{} // phone -> first row
	// A big sheet shows how far it is on a terminal: 30,000 rows take
	// seconds before the report, with nothing on the screen.
	bar := &progress{m: m, label: "cli.import.progress", min: importProgressMin, every: time.Second}
	for i, r := range sh.rows {
		bar.report(i, len(sh.rows))
		failRow := func(err error) (importResult, error) { return importResult{}, fmt.Errorf("row %d: %w", r.row, err) }
		// An import interrupted (Ctrl-C) stops here, and nothing is kept.
		if err := ctx.Err(); err != nil {
			return importResult{}, err
		}
		tier := ""
		if r.tier != "" {
			var ok bool
			if tier, ok = m.tierOf(p, r.tier); !ok {
				res.rejected = append(res.rejected, rejectedRow{row: r.row, reasons: []reason{{"cli.import.reason.unknown_tier",
					map[string]any{"Value": r.tier, "Tiers": m.tierWords(p)}}}})
				continue
			}
		}
		c := r.customer
		c.Tags = slices.Clone(c.Tags) // CreateCustomer tidies them in place
		if first, ok := seen[c.Phone]; ok {
			res.skipped = append(res.skipped, skippedRow{row: r.row, name: c.Name, firstRow: first})
			continue
		}
		seen[c.Phone] = r.row
		existing, err := tx.CustomerByPhone(c.Phone)
		if err == nil {
			res.skipped = append(res.skipped, skippedRow{row: r.row, name: c.Name, existing: existing.ID, existingName: existing.Name})
			continue
		}
		if !errors.Is(err, ledger.ErrCustomerNotFound) {
			return failRow(err)
		}
		if err := tx.CreateCustomer(&c); err != nil {
			return failRow(err)
		}
		if r.points > 0 {
			// One entry, so one point lot dated at the import, expiring
			// under the loyalty programme in force now (ledger lots.go).
			err := tx.AddPoints(&ledger.PointsEntry{
				CustomerID: c.ID, At: now, Kind: ledger.PointsAdjust, Points: r.points,
				ActorID: importActor, Reason: importReason,
			})
			if err != nil {
				return failRow(err)
			}
			res.points += r.points
		}
		n, first, last, ok := r.visitRange()
		if ok {
			if err := tx.ImportVisits(c.ID, n, first, last); err != nil {
				return failRow(err)
			}
			res.visits++
		}
		if m.retiring(ledger.Customer{Visits: n, LastVisit: last, CreatedAt: c.CreatedAt}, now) {
			res.retiring++
		}
		if err := tagNotes(tx, &res, c.ID, r); err != nil {
			return failRow(err)
		}
		if err := importLoyalty(tx, &res, c.ID, r, tier, now); err != nil {
			return failRow(err)
		}
		detail := fmt.Sprintf("file=%s row=%d", sh.file, r.row)
		if r.visits >= 0 {
			detail += fmt.Sprintf(" visits=%d", r.visits)
		}
		if err := tx.Audit(ledger.AuditEntry{At: now, ActorID: importActor, Action: "import", CustomerID: c.ID, Detail: detail}); err != nil {
			return failRow(err)
		}
		if r.undated {
			res.undated++
		}
		m.countTierTags(&res, p, r.customer.Tags)
		res.imported = append(res.imported, importedRow{row: r.row, id: c.ID})
	}
	bar.report(len(sh.rows), len(sh.rows))
	return res, nil
}

// retiring reports whether c's retention (Config.Retention) has passed at
// now or ends within the days a retention notice gives, which is what the
// notice run looks for (ledger.Tx.NoticeRetention): the shop reads in the
// import's report, before importing, that a 장부 of old visits brings
// customers whose erasure is about a month off, and can set
// DANGOL_RETENTION first.
func (m *Main) retiring(c ledger.Customer, now time.Time) bool {
	exp := m.Config.Retention.ExpiryOf(c, m.Config.Loc)
	return !exp.IsZero() && !exp.After(now.In(m.Config.Loc).AddDate(0, 0, ledger.RetentionNoticeDays+1))
}

// tagNotes puts the row's tags past the record's limit (noteTags) on
// tags-only notes by the import, dated at the last visit carried over:
// a note counts a visit on its day, and that day has one already, so the
// visit history stays the sheet's. parseRow refuses a row with such tags
// and no visit history to date them at.
func tagNotes(tx *ledger.Tx, res *importResult, id string, r importRow) error {
	if len(r.noteTags) == 0 {
		return nil
	}
	_, _, last, _ := r.visitRange()
	for _, tags := range r.noteTags {
		// A clone: AddNote tidies the tags in place, and the import's
		// transaction may run again.
		if err := tx.AddNote(&ledger.Note{CustomerID: id, StaffID: importActor, At: last, Tags: slices.Clone(tags)}); err != nil {
			return err
		}
	}
	res.noted++
	return nil
}

// importLoyalty carries a new customer's stamps, valid coupons and tier
// over. The stamps go on the card without a reward (ledger ImportStamps);
// a coupon keeps its benefit, last day and code, unless the code is
// another coupon's here; one past its last day is left out. The customer
// starts at the row's tier (ledger StartTier), or the one the visits
// carried over give when higher; a row whose tier_pinned says so has it
// pinned (ledger PinTier), as the export's ledger had it. Otherwise it is
// not pinned, so from then on the rules of
// the programme move them, and a tier the visits do not give (the spend
// and the visits of a window do not come over) is lowered after its
// notice, as for any customer whose shop raised its thresholds; under
// rules with a window, only once the hold StartTier gives has ended,
// since no visit carried over is dated in it.
func importLoyalty(tx *ledger.Tx, res *importResult, id string, r importRow, tier string, now time.Time) error {
	if r.stamps > 0 {
		if _, err := tx.ImportStamps(id, r.stamps, importActor, now); err != nil {
			return err
		}
		res.stamped++
		res.stamps += r.stamps
	}
	given := 0
	for _, cp := range r.coupons {
		ends := cp.lastDay.AddDate(0, 0, 1)
		if !ends.After(now) {
			res.expired++
			continue
		}
		got, err := tx.ImportCoupon(ledger.Coupon{
			CustomerID: id, Code: cp.code, Benefit: cp.benefit, Source: ledger.SourceImport, IssuedAt: now,
			LastDay: cp.lastDay.Format(time.DateOnly), Ends: ends, State: ledger.CouponValid, IssuedBy: importActor,
		})
		if err != nil {
			return err
		}
		if cp.code != "" && got.Code != cp.code {
			res.recoded++
		}
		given++
	}
	if given > 0 {
		res.holders++
		res.coupons += given
	}
	if tier == "" {
		return nil
	}
	if r.pinned {
		if _, err := tx.PinTier(id, tier, importActor, now, now.Location()); err != nil {
			return err
		}
		res.pinned++
		return nil
	}
	ch, err := tx.StartTier(id, tier, importActor, now, now.Location())
	if err != nil {
		return err
	}
	if ch.From != ch.To {
		res.started++
		if ch.HeldUntil.After(res.heldUntil) {
			res.heldUntil = ch.HeldUntil
		}
	}
	return nil
}

// countTierTags counts, in res.tierTags, the tags of an imported customer
// that name one of p's tiers (tierOf): a sheet's 구분 column holding VIP,
// 단골 or 일반 gives tags, and a shop expecting the tier finds nobody at
// /customers VIP, which lists a tier.
func (m *Main) countTierTags(res *importResult, p ledger.Programme, tags []string) {
	for _, tag := range tags {
		if _, ok := m.tierOf(p, tag); !ok {
			continue
		}
		i := slices.IndexFunc(res.tierTags, func(tt tierTag) bool { return ledger.SameTag(tt.tag, tag) })
		if i < 0 {
			res.tierTags = append(res.tierTags, tierTag{tag: tag})
			i = len(res.tierTags) - 1
		}
		res.tierTags[i].count++
	}
}

// tierOf is the id of the tier of p a word names: its id, the shop's name
// for it, or a built-in tier's word in any language ("단골", "Regular"), so
// an export in either language, or a sheet naming its tiers by the chat's
// words, reads back. ok is false when p has no such tier.
func (m *Main) tierOf(p ledger.Programme, word string) (id string, ok bool) {
	word = strings.Join(strings.Fields(norm.NFC.String(word)), " ")
	builtin := dialog.BuiltinTier(m.Catalog, word)
	for _, l := range p.Tiers.Levels {
		if strings.EqualFold(l.ID, word) || (l.Name != "" && strings.EqualFold(l.Name, word)) || (builtin != "" && l.ID == builtin) {
			return l.ID, true
		}
	}
	return "", false
}

// tierWords lists p's tiers as the shop calls them, for a row naming
// another.
func (m *Main) tierWords(p ledger.Programme) string {
	names := make([]string, 0, len(p.Tiers.Levels))
	for _, l := range p.Tiers.Levels {
		names = append(names, dialog.TierName(m.Catalog, m.Config.Lang, l))
	}
	return strings.Join(names, ", ")
}

// readSheet reads and checks the file at path; problems with the file as a
// whole (not a spreadsheet, unreadable text, no header row) are errors,
// problems with a row are rejections in the sheet. What the file is comes
// from its content: a workbook renamed .csv is still read as a workbook,
// and --format only has to be given to insist: a --format or a --sheet the
// content contradicts is refused, naming the option.
func (m *Main) readSheet(path, format, sheetName string, now time.Time) (*sheet, error) {
	text := func(id string, data map[string]any) string {
		data["File"] = path
		return m.Catalog.Text(m.Config.Lang, id, data)
	}
	b, err := readImportFile(path)
	switch {
	case errors.Is(err, errTooBig):
		return nil, &localError{text("cli.import.err.too_big", map[string]any{"MB": maxImportBytes >> 20}), err}
	case errors.Is(err, errFolder):
		if strings.EqualFold(filepath.Ext(strings.TrimRight(path, `/\`)), ".numbers") {
			return nil, &localError{text("cli.import.err.numbers", map[string]any{}), err}
		}
		return nil, &localError{text("cli.import.err.folder", map[string]any{}), err}
	case err != nil:
		// A path mistyped or a file without read permission: the shop's
		// words, the system's reason after them.
		return nil, &localError{text("cli.import.err.open", map[string]any{"Err": err}), err}
	}
	kind, detail := sniffFile(b)
	if id, ok := kindMessages[kind]; ok {
		return nil, &localError{text(id, map[string]any{"Kind": detail}), fmt.Errorf("%w: %s", errBadSheet, id)}
	}
	if kind == kindText && format == "json" && jsonLike(b) {
		// --format json insists on a text the content alone did not
		// name: an export reformatted by an editor, its keys reordered.
		kind = kindExport
	}
	if id := formatMismatch[[2]string{kindFormats[kind], format}]; id != "" {
		return nil, &localError{text(id, map[string]any{"Format": format}), fmt.Errorf("%w: --format %s", errBadSheet, format)}
	}
	if id := sheetRefused[kind]; id != "" && sheetName != "" {
		return nil, &localError{text(id, map[string]any{"Sheet": sheetName}), fmt.Errorf("%w: --sheet %s", errBadSheet, sheetName)}
	}

	var records [][]string
	var rows []int // each record's row number; nil: its index + 1 (a workbook's rows)
	var source string
	var sheets []string // of a workbook, for the no-header message
	switch kind {
	case kindExport:
		// dangol export's JSON, read into the CSV export's columns.
		if records, rows, err = m.jsonRecords(b); err != nil {
			return nil, &localError{text("cli.import.err.export_json", map[string]any{"Err": err}), err}
		}
		source = m.Catalog.Text(m.Config.Lang, "cli.import.source.json", nil)
	case kindXLSX:
		wb, err := readXLSX(b, sheetName)
		if err != nil {
			return nil, xlsxError(text, wb, sheetName, err)
		}
		if blankRecords(wb.records) {
			return nil, &localError{text("cli.import.err.empty_sheet", map[string]any{"Sheet": wb.sheet, "Sheets": quoteList(wb.sheets)}), errEmptySheet}
		}
		records, sheets = wb.records, wb.sheets
		source = m.Catalog.Text(m.Config.Lang, "cli.import.source.xlsx", map[string]any{"Sheet": wb.sheet})
	default:
		decoded, enc, err := decodeSheet(b)
		switch {
		case errors.Is(err, errEmptySheet):
			return nil, &localError{text("cli.import.err.empty", map[string]any{}), err}
		case err != nil:
			return nil, &localError{text("cli.import.err.encoding", map[string]any{}), err}
		}
		records, rows, err = csvRecords(decoded)
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			return nil, &localError{text("cli.import.err.csv", map[string]any{"Line": pe.Line, "Err": pe.Err}), err}
		} else if err != nil {
			return nil, fmt.Errorf("import %s: %w", path, err)
		}
		source = enc
	}
	sh, err := sheetFromRecords(records, rows, kind == kindExport, m.Config.Loc, now)
	if errors.Is(err, errNoHeader) {
		msg := text("cli.import.err.no_header", map[string]any{"Rows": headerSearchRows})
		if len(sheets) > 1 {
			msg += " " + text("cli.import.err.other_sheets", map[string]any{"Sheets": quoteList(sheets)})
		}
		return nil, &localError{msg, err}
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	sh.file = filepath.Base(path)
	sh.source = source
	sh.json = kind == kindExport
	return sh, nil
}

// kindFormats is the --format naming each kind import reads.
var kindFormats = map[fileKind]string{kindText: "csv", kindXLSX: "xlsx", kindExport: "json"}

// formatMismatch is the message refusing a --format (the second) that
// the file's content (the first, as kindFormats names it) is not: reading
// a workbook or dangol's JSON as CSV gives nothing but a parser's error,
// and the shop is told what the file is and how to import it instead.
// The same format, or auto, is not in it.
var formatMismatch = map[[2]string]string{
	{"xlsx", "csv"}:  "cli.import.err.xlsx_as_csv",
	{"xlsx", "json"}: "cli.import.err.xlsx_as_json",
	{"csv", "xlsx"}:  "cli.import.err.csv_as_xlsx",
	{"csv", "json"}:  "cli.import.err.csv_as_json",
	{"json", "csv"}:  "cli.import.err.json_as_csv",
	{"json", "xlsx"}: "cli.import.err.json_as_xlsx",
}

// sheetRefused is the message refusing --sheet for a kind without sheets:
// passed over silently, a shop that named a sheet would believe that sheet
// was the one imported.
var sheetRefused = map[fileKind]string{
	kindText:   "cli.import.err.sheet_csv",
	kindExport: "cli.import.err.sheet_json",
}

// jsonLike reports whether b, after a byte order mark and spaces, opens a
// JSON object: what --format json may read as dangol's JSON export when
// sniffFile did not recognise it.
func jsonLike(b []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(b, "\xef\xbb\xbf \t\r\n"), []byte("{"))
}

// readImportFile reads the file at path whole (it is small, and its format
// is told from its first bytes), refusing one larger than maxImportBytes or
// a folder.
func readImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, errFolder
	}
	b, err := io.ReadAll(io.LimitReader(f, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("import: read %s: %w", path, err)
	}
	if len(b) > maxImportBytes {
		return nil, errTooBig
	}
	return b, nil
}

var (
	// errBadSheet is returned (wrapped) when the file cannot be read as a
	// spreadsheet of customers.
	errBadSheet = errors.New("not a readable customer spreadsheet")
	// errEmptySheet is returned when the file holds nothing but spaces.
	errEmptySheet = fmt.Errorf("%w: empty file", errBadSheet)
	// errNoHeader is returned when no row near the top names a name and a
	// phone column.
	errNoHeader = fmt.Errorf("%w: no header row with a name and a phone column", errBadSheet)
	// errTooBig is returned when the file is over maxImportBytes.
	errTooBig = fmt.Errorf("%w: file too big", errBadSheet)
	// errFolder is returned when the path is a folder (an Apple Numbers
	// document can be one).
	errFolder = fmt.Errorf("%w: a folder, not a file", errBadSheet)
)

// decodeSheet returns the file as text and the encoding it was in: UTF-8
// with or without a byte order mark, UTF-16 with one (Excel's "Unicode
// text"), or, when the bytes are not UTF-8, CP949 — what Korean Excel
// writes by default. Text that is none of them is an error.
func decodeSheet(b []byte) (text, encoding string, err error) {
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		return "", "", errEmptySheet
	case bytes.HasPrefix(b, []byte("\uFEFF")):
		b, encoding = b[3:], "UTF-8 BOM"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		d, err := textunicode.UTF16(textunicode.LittleEndian, textunicode.ExpectBOM).NewDecoder().Bytes(b)
		if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
			return "", "", fmt.Errorf("%w: invalid UTF-16", errBadSheet)
		}
		return string(d), "UTF-16", nil
	case utf8.Valid(b):
		encoding = "UTF-8"
	default:
		d, err := korean.EUCKR.NewDecoder().Bytes(b)
		if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
			return "", "", fmt.Errorf("%w: neither UTF-8 nor CP949", errBadSheet)
		}
		return string(d), "CP949", nil
	}
	if !utf8.Valid(b) {
		return "", "", fmt.Errorf("%w: a UTF-8 byte order mark, then invalid UTF-8", errBadSheet)
	}
	return string(b), encoding, nil
}

// csvRecords reads CSV text into its rows of cells, with the row number
// of each as a spreadsheet shows the file: encoding/csv passes over empty
// lines, which Excel shows as empty rows, so row numbers counted by record
// came out short after one ("4행" for what the shop sees as row 6). A cell
// with a line break in it is still one row.
func csvRecords(text string) (records [][]string, rows []int, err error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delimiter(text)
	// Strict quotes: a lone quote is an error naming its line, where lazy
	// quoting would let an unclosed one swallow every row after it.
	r.FieldsPerRecord = -1
	var prev int64
	row := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return records, rows, nil
		}
		if err != nil {
			return nil, nil, err
		}
		// The empty lines read before this record are rows of their own.
		off := r.InputOffset()
		for seg := text[prev:off]; ; row++ {
			if rest, ok := strings.CutPrefix(seg, "\r\n"); ok {
				seg = rest
			} else if rest, ok := strings.CutPrefix(seg, "\n"); ok {
				seg = rest
			} else {
				break
			}
		}
		prev = off
		row++
		records, rows = append(records, rec), append(rows, row)
	}
}

// sheetFromRecords finds the header row among the rows of a CSV file or of
// an .xlsx sheet and reads every row after it: the one row pipeline of both
// formats. A row with nothing in it is passed over (sheets end with empty
// rows), as is one with something only in columns not read (a 번호 column
// numbered ahead). fromExport is set for dangol's JSON export; its CSV and
// Excel exports are told by their id and consent columns (exportHeaders).
func sheetFromRecords(records [][]string, rows []int, fromExport bool, loc *time.Location, now time.Time) (*sheet, error) {
	rowOf := func(i int) int {
		if rows != nil {
			return rows[i]
		}
		return i + 1
	}
	sh := &sheet{headerRow: -1}
	first := -1 // the header's index
	for i := 0; i < len(records) && i < headerSearchRows; i++ {
		cols, ignored := mapHeader(records[i])
		if len(cols[fieldName]) > 0 && len(cols[fieldPhone]) > 0 {
			sh.headerRow, sh.columns, sh.ignored, sh.headers = rowOf(i), cols, ignored, records[i]
			first = i
			break
		}
	}
	if first < 0 {
		return nil, errNoHeader
	}
	for i := first + 1; i < len(records); i++ {
		rec := records[i]
		if blankRecord(rec) {
			continue
		}
		if nameless(rec, sh.columns) {
			switch held := heldCells(rec, sh.columns, sh.headers); {
			case fromExport || exportHeaders(sh.headers):
				sh.nameless = append(sh.nameless, rowOf(i))
			case held != "":
				// Not an erased customer: a row of a hand-kept sheet, often
				// the rest of a merged cell (only 구분 and 비고 filled). It
				// is refused with what it held, so the shop sees it and can
				// write it into the customer's row; joining it to the row
				// above silently would guess whose it is.
				sh.rejected = append(sh.rejected, rejectedRow{row: rowOf(i), reasons: []reason{{"cli.import.reason.no_name_phone", map[string]any{"Cells": held}}}})
			}
			continue
		}
		// Row numbers are the spreadsheet's (rowOf), so the shop finds
		// the row it is told about.
		row, reasons := parseRow(rec, sh.columns, sh.headers, loc, now)
		row.row = rowOf(i)
		if len(reasons) > 0 {
			sh.rejected = append(sh.rejected, rejectedRow{row: row.row, reasons: reasons})
			continue
		}
		sh.rows = append(sh.rows, row)
	}
	return sh, nil
}

// delimiter is a tab for a tab-separated file (Excel's "text" exports),
// else a comma: whichever is more frequent in the first lines.
func delimiter(text string) rune {
	lines := strings.SplitN(text, "\n", headerSearchRows+1)
	head := strings.Join(lines[:min(len(lines), headerSearchRows)], "\n")
	if strings.Count(head, "\t") > strings.Count(head, ",") {
		return '\t'
	}
	return ','
}

// mapHeader maps a row's cells to fields. The first column of a field
// wins and a later one is ignored, except tags, which are gathered from
// every tag column.
func mapHeader(rec []string) (map[field][]int, []string) {
	cols := map[field][]int{}
	var ignored []string
	for j, cell := range rec {
		f := headerAliases[normHeader(cell)]
		if f == fieldNone || (f != fieldTags && len(cols[f]) > 0) {
			if h := strings.TrimSpace(cell); h != "" {
				ignored = append(ignored, h)
			}
			continue
		}
		cols[f] = append(cols[f], j)
	}
	return cols, ignored
}

// nameless reports whether a row has neither a name nor a phone: no one to
// import, and what dangol's export writes of an erased customer (the
// record is kept so past counts stay true, its name and phone are gone).
func nameless(rec []string, cols map[field][]int) bool {
	for _, f := range []field{fieldName, fieldPhone} {
		if j := cols[f][0]; j < len(rec) && cellValue(rec[j]) != "" {
			return false
		}
	}
	return true
}

// exportHeaders reports whether a header row is dangol's CSV or Excel
// export's (csvHeader): the id and consent columns are its own, no shop's
// sheet has both.
func exportHeaders(headers []string) bool {
	var id, consent bool
	for _, h := range headers {
		switch normHeader(h) {
		case "id":
			id = true
		case "consent":
			consent = true
		}
	}
	return id && consent
}

// heldCellRunes bounds each cell heldCells shows.
const heldCellRunes = 20

// heldCells is what a row holds in the columns the import reads, each as
// its header and its text ("구분 단골 · 비고 위 칸과 같음(병합)"), a long text
// cut; "" when those columns are empty.
func heldCells(rec []string, cols map[field][]int, headers []string) string {
	var js []int
	for _, c := range cols {
		js = append(js, c...)
	}
	slices.Sort(js)
	var held []string
	for _, j := range js {
		if j >= len(rec) {
			continue
		}
		v := strings.Join(strings.Fields(cellValue(rec[j])), " ")
		if v == "" {
			continue
		}
		if r := []rune(v); len(r) > heldCellRunes {
			v = string(r[:heldCellRunes]) + "…"
		}
		held = append(held, strings.TrimSpace(headers[j])+" "+v)
	}
	return strings.Join(held, " · ")
}

// blankRecords reports whether no row has anything in it.
func blankRecords(recs [][]string) bool {
	for _, rec := range recs {
		if !blankRecord(rec) {
			return false
		}
	}
	return true
}

func blankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRow reads one row. It returns every reason the row cannot be
// imported, so one pass of corrections fixes it.
func parseRow(rec []string, cols map[field][]int, headers []string, loc *time.Location, now time.Time) (importRow, []reason) {
	get := func(f field) (value, header string) {
		if len(cols[f]) == 0 {
			return "", ""
		}
		j := cols[f][0]
		if j < len(rec) {
			value = cellValue(rec[j])
		}
		return value, strings.TrimSpace(headers[j])
	}
	var reasons []reason
	bad := func(id string, data map[string]any) { reasons = append(reasons, reason{id, data}) }
	row := importRow{visits: -1}
	c := &row.customer

	c.Name, _ = get(fieldName)
	if c.Name == "" {
		bad("cli.import.reason.no_name", nil)
	} else if rest, ok := ledger.PhoneInName(c.Name); ok {
		// A second number in the name showed in full wherever phones are masked.
		bad("cli.import.reason.name_phone", map[string]any{"Value": c.Name, "Name": rest})
	}
	switch phone, _ := get(fieldPhone); {
	case phone == "":
		bad("cli.import.reason.no_phone", nil)
	case isExponent(phone) && !exactExponent(phone):
		// 1.01235E+09: Excel turned the number into a float and lost digits.
		// 1.012345678E9 kept them all, and is read below.
		bad("cli.import.reason.phone_exponent", map[string]any{"Value": phone})
	default:
		if d, ok := phoneCell(phone); ok {
			c.Phone = d
		} else {
			bad("cli.import.reason.bad_phone", map[string]any{"Value": phone})
		}
	}
	if v, _ := get(fieldBirthday); v != "" {
		if t, why := readBirthday(v, now); why.id == "" {
			c.Birthday = t
		} else {
			reasons = append(reasons, why)
		}
	}
	c.CreatedAt, row.undated = now, true
	// pastDay reads a date column that cannot lie in the future.
	pastDay := func(f field) (time.Time, bool) {
		v, h := get(f)
		if v == "" {
			return time.Time{}, false
		}
		switch t, yearless, why := readDay(v, h, loc, now); {
		case why.id != "":
			reasons = append(reasons, why)
		case t.After(now):
			bad("cli.import.reason.future_date", map[string]any{"Column": h, "Value": v})
		default:
			if yearless {
				row.yearless = append(row.yearless, yearlessDate{column: h, value: v, day: t})
			}
			return t, true
		}
		return time.Time{}, false
	}
	if t, ok := pastDay(fieldRegistered); ok {
		c.CreatedAt, row.undated = t, false
	}
	if v, _ := get(fieldPoints); v != "" {
		if p, ok := parsePoints(v); ok && p > ledger.MaxEntryPoints {
			// Korean and English group digits alike (groupDigits).
			bad("cli.import.reason.points_too_big", map[string]any{"Value": v, "Max": groupDigits("ko", ledger.MaxEntryPoints)})
		} else if ok {
			row.points = p
		} else {
			bad("cli.import.reason.bad_points", map[string]any{"Value": v})
		}
	}
	if t, ok := pastDay(fieldLastVisit); ok {
		row.lastVisit = t
	}
	if v, _ := get(fieldVisits); v != "" {
		if n, ok := countCell(v); ok {
			row.visits = n
		} else {
			bad("cli.import.reason.bad_visits", map[string]any{"Value": v})
		}
	}
	c.Preferences, _ = get(fieldPreferences)
	c.Remarks, _ = get(fieldRemarks)
	row.tier, _ = get(fieldTier)
	if v, _ := get(fieldTierPinned); v != "" {
		if p, ok := pinnedWord(v); ok {
			row.pinned = p
		} else {
			bad("cli.import.reason.bad_pinned", map[string]any{"Value": v})
		}
	}
	if v, _ := get(fieldStamps); v != "" {
		if n, ok := countCell(v); ok && n <= maxImportStamps {
			row.stamps = n
		} else {
			bad("cli.import.reason.bad_stamps", map[string]any{"Value": v, "Max": maxImportStamps})
		}
	}
	if v, _ := get(fieldCoupons); v != "" {
		for _, line := range strings.Split(v, "\n") {
			if line = cellValue(line); line == "" {
				continue
			}
			if cp, ok := importedCoupon(line, loc); ok {
				row.coupons = append(row.coupons, cp)
			} else {
				bad("cli.import.reason.bad_coupon", map[string]any{"Value": line})
			}
		}
	}
	for _, j := range cols[fieldTags] {
		if j < len(rec) {
			for _, t := range splitTags(uncell(rec[j])) {
				// The ledger's spelling, compared by its key, so "VIP" and
				// "vip" count as one tag (spelt as first written) against
				// the limit checked below.
				t = ledger.CleanTag(t)
				if !slices.ContainsFunc(c.Tags, func(u string) bool { return ledger.SameTag(u, t) }) {
					c.Tags = append(c.Tags, t)
				}
			}
		}
	}
	if len(reasons) == 0 {
		// Tags past the record's limit go on notes, dated at the last
		// visit; with no visit to date them at (a note would add one)
		// the row is refused below, as before.
		if own, rest := overflowTags(c.Tags); rest != nil {
			if _, _, _, ok := row.visitRange(); ok {
				c.Tags, row.noteTags = own, rest
			}
		}
		// What the ledger would refuse (a name or a note too long, too
		// many tags) is refused here, so the transaction cannot fail half
		// way on a row.
		if err := c.Validate(); err != nil {
			var le *ledger.LimitError
			switch {
			case errors.As(err, &le) && le.Field == "tags":
				bad("cli.import.reason.too_many_tags", map[string]any{"Limit": le.Limit})
			case errors.As(err, &le) && le.Field == "tag":
				bad("cli.import.reason.tag_too_long", map[string]any{"Limit": le.Limit})
			case errors.As(err, &le) && tooLongReasons[le.Field] != "":
				// In the shop's words: it read "name longer than 100 characters".
				bad(tooLongReasons[le.Field], map[string]any{"Limit": le.Limit})
			default:
				detail := strings.TrimPrefix(err.Error(), ledger.ErrInvalid.Error()+": customer: ")
				bad("cli.import.reason.invalid", map[string]any{"Detail": detail})
			}
		}
	}
	return row, reasons
}

// overflowTags splits tags into the most a customer's record keeps (own)
// and the rest in groups of as many as a note keeps (the ledger's one
// limit on both, read from its refusal); rest is nil when all fit.
func overflowTags(tags []string) (own []string, rest [][]string) {
	err := (&ledger.Customer{Name: "-", CreatedAt: time.Unix(1, 0), Tags: tags}).Validate()
	var le *ledger.LimitError
	if !errors.As(err, &le) || le.Field != "tags" {
		return tags, nil
	}
	for more := tags[le.Limit:]; len(more) > 0; more = more[min(len(more), le.Limit):] {
		rest = append(rest, more[:min(len(more), le.Limit)])
	}
	return tags[:le.Limit], rest
}

// pinnedWord reads a tier_pinned cell: "yes" as dangol's export writes
// it, or what a sheet puts in a yes/no column (true, 1, y, o, ✓, 예, 고정);
// no, false, 0, x, 아니오 are not pinned. ok is false for another word.
func pinnedWord(s string) (pinned, ok bool) {
	switch strings.ToLower(s) {
	case "yes", "y", "true", "1", "o", "✓", "✔", "v", "pinned", "예", "네", "고정":
		return true, true
	case "no", "n", "false", "0", "x", "-", "아니오", "아니요":
		return false, true
	}
	return false, false
}

// tooLongReasons are the catalog ids of a row refused for a text longer
// than the ledger keeps, by the ledger.LimitError's field; another field's
// refusal reads as cli.import.reason.invalid.
var tooLongReasons = map[string]string{
	"name":        "cli.import.reason.too_long_name",
	"preferences": "cli.import.reason.too_long_preferences",
	"remarks":     "cli.import.reason.too_long_remarks",
}

// cellValue is a cell's text as the import reads it: trimmed, without the
// apostrophe an export put before a formula-like text.
func cellValue(s string) string { return strings.TrimSpace(uncell(strings.TrimSpace(s))) }

// uncell undoes the leading apostrophe that dangol's CSV export (and many
// spreadsheets) put before text that would run as a formula.
func uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// countCell reads a count (visits, stamps) as a sheet writes it: a whole
// number, 0 or more, its thousands maybe grouped ("1,200").
func countCell(s string) (int, bool) {
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	return n, err == nil && n >= 0
}

// phoneCell normalises a phone cell. A number of digits only without its
// leading 0 is what Excel leaves of 01012345678 in a number cell, and is
// read with the 0 put back.
func phoneCell(s string) (string, bool) {
	if d, ok := ledger.NormalizePhone(s); ok {
		return d, true
	}
	if d, ok := expandExponent(s); ok {
		s = d
	}
	if s != "" && s[0] != '0' && strings.Trim(s, "0123456789") == "" {
		return ledger.NormalizePhone("0" + s)
	}
	return "", false
}

// isExponent reports whether s is a number in exponent form, as Excel
// writes a long number it shows in a narrow column: "1.01235E+09".
func isExponent(s string) bool {
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E")
	if !ok || mant == "" || exp == "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// exactExponent reports whether a number in exponent form still has all
// its digits: the mantissa has at least as many as the whole number
// ("1.012345678E9" has, "1.01235E+09" lost four).
func exactExponent(s string) bool {
	_, ok := expandExponent(s)
	return ok
}

// expandExponent writes a whole number in exponent form out in digits,
// "1.012345678E9" as "1012345678"; ok is false when s is not one or when
// the mantissa is too short to hold every digit.
func expandExponent(s string) (digits string, ok bool) {
	mant, exp, found := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "E")
	if !found {
		return "", false
	}
	e, err := strconv.Atoi(strings.TrimPrefix(exp, "+"))
	if err != nil || e < 0 || e > 20 {
		return "", false
	}
	whole, frac, _ := strings.Cut(mant, ".")
	all := whole + frac
	if whole == "" || strings.Trim(all, "0123456789") != "" || len(frac) != e {
		return "", false
	}
	return all, true
}

// splitTags splits a tags cell on the marks shops put between tags: commas
// (also full-width "，" and the Korean and Japanese "、"), ';', slashes,
// the middle dots of a list ("펌·염색", "・"), '|', '#' and line breaks.
// Never on spaces: "두피 케어" is one tag, as dangol's export writes "VIP,
// 뿌리 염색", and a space cannot tell a tag's words from two tags, so "펌
// 염색" stays one too; a shop meaning two puts a comma between them.
// Spaces in a tag are tidied to one. Not on 'ㆍ' either, though Korean
// keyboards type it as a middle dot: it is a Hangul letter, which a tag
// typed in chat keeps ("#펌ㆍ염색"), and the export must read back whole.
func splitTags(s string) []string {
	var tags []string
	for _, part := range strings.FieldsFunc(s, isTagMark) {
		if part = strings.Join(strings.Fields(part), " "); part != "" {
			tags = append(tags, part)
		}
	}
	return tags
}

// isTagMark reports whether r separates tags in a cell (splitTags).
func isTagMark(r rune) bool {
	switch r {
	case ',', '，', '、', '､', ';', '；', '/', '／', '·', '・', '|', '#', '＃', '\n', '\r':
		return true
	}
	return false
}

// couponDate is a last day in a coupon line's parentheses.
var couponDate = regexp.MustCompile(`\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}`)

// coupon reads one line of a coupons cell: what it gives, then in the
// last parentheses its last day and, optionally, its code, "아메리카노 1잔
// (2027-01-31까지, 코드 K7M2QX)" or "10% off (until 2027-01-31)". A
// benefit that is neither the percent nor the amount of either language
// is an item, as the shop named it. ok is false without a last day, or
// for a benefit the ledger would refuse.
func importedCoupon(line string, loc *time.Location) (importCoupon, bool) {
	open := strings.LastIndex(line, "(")
	if open < 0 || !strings.HasSuffix(line, ")") {
		return importCoupon{}, false
	}
	head, paren := strings.TrimSpace(line[:open]), line[open+1:len(line)-1]
	day, ok := parseDay(couponDate.FindString(paren), loc)
	if !ok || head == "" {
		return importCoupon{}, false
	}
	// Read as /coupon give reads it, which takes the export's words
	// ("10% 할인", "₩5,000 off") and refuses a figure that is wrong.
	b, ok := dialog.ParseBenefit(head)
	if !ok {
		return importCoupon{}, false
	}
	cp := importCoupon{lastDay: day, benefit: b}
	for _, f := range strings.FieldsFunc(paren, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if code, ok := ledger.NormalizeCouponCode(f); ok {
			cp.code = code
		}
	}
	return cp, cp.benefit.Validate() == nil
}

// parsePoints reads a points balance: "1,750", "1750P", "1,750점", "1750.0",
// and Korean units as chat reads them ("1만", "3만 5천 포인트", dialog.ParsePoints).
// A negative balance is refused: a balance never goes below zero.
func parsePoints(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ',' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	for _, suffix := range []string{"포인트", "점", "원", "pt", "P", "p"} {
		if t, ok := strings.CutSuffix(s, suffix); ok {
			s = t
			break
		}
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && strings.Trim(frac, "0") == "" {
		s = whole
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// "1만", "3만5천": read as staff type points in chat.
		return dialog.ParsePoints(s)
	}
	if n < 0 {
		return 0, false
	}
	return n, true
}

// dateNumbers splits a date as people and spreadsheets write it into its
// numbers: "1990-03-15", "1990.3.15", "1990. 3. 15.", "1990/3/15", "1990년
// 3월 15일", "3/15" and "900315" are all accepted. Anything else in the
// cell (letters, a time) makes ok false.
func dateNumbers(s string) (nums []string, ok bool) {
	s = strings.NewReplacer("년", "-", "월", "-", "일", "").Replace(s)
	for _, r := range s {
		if !(r >= '0' && r <= '9') && !strings.ContainsRune("-./ ", r) {
			return nil, false
		}
	}
	nums = strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	return nums, len(nums) > 0
}

// parseBirthday reads a birthday. A year is optional: only month and day
// drive reminders, and a birthday without one is kept in year 0 (exported
// as "3월 15일" or "March 15", which read back the same, as does the
// 0000-03-15 of older exports). Accepted, besides full dates:
// month first, "3/15" or "03-15", as Korean and American sheets write it;
// "900315" (YYMMDD, as in a resident registration number) and "90.3.15",
// where the two-digit year is the latest one not in the future (90 → 1990,
// 05 → 2005: a customer cannot be born tomorrow); "19900315" and "0315".
// "3/15/1990" is read month first too. A date in the future, a year before
// 1900 or a day the month does not have is refused.
func parseBirthday(s string, now time.Time) (time.Time, bool) {
	t, r := readBirthday(s, now)
	return t, r.id == ""
}

// readBirthday is parseBirthday with the reason a birthday is refused
// (a cli.import.reason or a dialog.BirthdayFault of a day that does not
// exist, "2월 30일은 없는 날짜예요"); an empty reason id for a birthday read.
func readBirthday(s string, now time.Time) (time.Time, reason) {
	value := map[string]any{"Value": s}
	unread := reason{"cli.import.reason.bad_birthday", value}
	p, ok := readDateParts(s)
	if !ok {
		return time.Time{}, unread
	}
	year, month, day := p.year, p.month, p.day
	if p.twoDigit {
		year = twoDigitYear(year, month, day, now)
	}
	if id, fault, bad := dialog.BirthdayFault(year, month, day); bad {
		return time.Time{}, reason{"cli.import.reason.birthday_no_such_day", map[string]any{"Value": s, "Fault": reason{id, fault}}}
	}
	if year != 0 && year < 1900 {
		return time.Time{}, unread
	}
	if year != 0 && time.Date(year, time.Month(month), day, 0, 0, 0, 0, now.Location()).After(now) {
		return time.Time{}, reason{"cli.import.reason.birthday_future", value}
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), reason{}
}

// dateParts is a date's numbers as a sheet wrote them, before a year is
// chosen for a two-digit one or none.
type dateParts struct {
	year, month, day int  // year 0 when none was written
	twoDigit         bool // year is the two digits written, "24-05-01"
	noYear           bool // "3/5", "3월 5일": no year written
}

// readDateParts reads a date in any of the forms a date column may hold,
// one rule for birthdays, registration and visit dates alike: year first
// ("1990-03-15", "1990.3.15", "1990년 3월 15일", "19900315"); a two-digit
// year first ("90.3.15", "24-05-01", "900315", the YYMMDD of a resident
// registration number); month first without a year ("3/15", "03-15",
// "0315", "3월 15일", "March 15") or with four digits after ("3/15/1990",
// "March 15, 1990"). Day first ("15/3") is never read: not how Korean
// sheets write dates, and "3/5" would be two days. ok is false for any
// other form; whether the day is on the calendar is the caller's check.
func readDateParts(s string) (dateParts, bool) {
	nums, ok := dateNumbers(englishMonth(s))
	if !ok {
		return dateParts{}, false
	}
	var p dateParts
	y, mo, d, full := yearFirst(nums)
	switch n := len(nums); {
	case full:
	case n == 1 && len(nums[0]) == 6:
		y, mo, d, p.twoDigit = nums[0][:2], nums[0][2:4], nums[0][4:], true
	case n == 1 && len(nums[0]) == 4:
		mo, d = nums[0][:2], nums[0][2:]
	case n == 2 && len(nums[0]) <= 2 && len(nums[1]) <= 2:
		mo, d = nums[0], nums[1]
	case n == 3 && len(nums[0]) <= 2 && len(nums[1]) <= 2 && len(nums[2]) == 4:
		y, mo, d = nums[2], nums[0], nums[1]
	case n == 3 && len(nums[0]) == 2 && len(nums[1]) <= 2 && len(nums[2]) <= 2:
		y, mo, d, p.twoDigit = nums[0], nums[1], nums[2], true
	default:
		return dateParts{}, false
	}
	p.noYear = y == ""
	if !p.noYear {
		p.year, _ = strconv.Atoi(y)
	}
	p.month, _ = strconv.Atoi(mo)
	p.day, _ = strconv.Atoi(d)
	return p, true
}

// twoDigitYear is the year a two-digit one (yy) names on month and day:
// the latest such year not in the future, so 90 is 1990 and 24 is 2024
// (a customer cannot be born, nor have come, tomorrow). A day that does
// not exist is told in the century its year would be.
func twoDigitYear(yy, month, day int, now time.Time) int {
	year := 2000 + yy
	if validDate(year, month, day) && time.Date(year, time.Month(month), day, 0, 0, 0, 0, now.Location()).After(now) ||
		!validDate(year, month, day) && year > now.Year() {
		year -= 100
	}
	return year
}

// earliestTwoDigitVisit is the first year a two-digit year in a
// registration or visit column may name. Before it the year is read in
// this century instead, where it lies in the future and the row is
// refused as such: "27-01-01" is a typo or a future day, never a visit
// in 1927, which would also make the retention run erase the customer.
const earliestTwoDigitVisit = 1950

// yearlessBack bounds how many years back a date without a year is
// placed (latestPast): February 29th, the rarest, is at most eight.
const yearlessBack = 8

// latestPast is the year of the latest month-day not after now, ok false
// when there is none (a day no year has).
func latestPast(month, day int, now time.Time) (int, bool) {
	for year := now.Year(); year >= now.Year()-yearlessBack; year-- {
		if validDate(year, month, day) && !time.Date(year, time.Month(month), day, 0, 0, 0, 0, now.Location()).After(now) {
			return year, true
		}
	}
	return 0, false
}

// readDay reads a registration or visit date in loc, by readDateParts'
// rule (the birthdays' one), optionally followed by a time ("2026-11-23
// 10:00", dangol's export), or RFC 3339. A two-digit year is the latest
// one not in the future, from earliestTwoDigitVisit. A date without a
// year is the latest such day not in the future (yearless is then true,
// and the report says so): a 장부 kept through the year writes "3월 5일",
// and a last visit is past; refusing the row would cost the shop the
// customer for a year it can only guess the same way. The reason's id is
// empty for a date read; the caller refuses one in the future.
func readDay(s, column string, loc *time.Location, now time.Time) (t time.Time, yearless bool, why reason) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), false, reason{}
	}
	unread := reason{"cli.import.reason.bad_date", map[string]any{"Column": column, "Value": s}}
	// The time, if any, is the last word: "2026. 11. 23. 10:00" has
	// spaces in the date itself.
	date, clock := s, ""
	if i := strings.LastIndex(s, " "); i >= 0 && strings.Contains(s[i+1:], ":") {
		date, clock = s[:i], s[i+1:]
	}
	p, ok := readDateParts(date)
	if d := strings.TrimSpace(date); !ok || len(d) == 4 && strings.Trim(d, "0123456789") == "" {
		// Four digits alone are a year ("2024", a 가입년도 column) more
		// often than a month and day, so they are not read as 0315 is
		// in a birthday.
		return time.Time{}, false, unread
	}
	now = now.In(loc)
	year, month, day := p.year, p.month, p.day
	switch {
	case p.twoDigit:
		if year = twoDigitYear(year, month, day, now); year < earliestTwoDigitVisit {
			year += 100
		}
	case p.noYear:
		if y, ok := latestPast(month, day, now); ok {
			year, yearless = y, true
		}
	}
	if id, fault, bad := dialog.BirthdayFault(year, month, day); bad {
		// The calendar's words, as for a birthday: "2월 30일은 없는 날짜예요".
		return time.Time{}, false, reason{"cli.import.reason.date_no_such_day", map[string]any{"Column": column, "Value": s, "Fault": reason{id, fault}}}
	}
	if year < 1900 {
		return time.Time{}, false, unread
	}
	hour, minute, sec := 0, 0, 0
	if clock != "" {
		t, err := time.Parse("15:04:05", clock)
		if err != nil {
			t, err = time.Parse("15:04", clock)
		}
		if err != nil {
			return time.Time{}, false, unread
		}
		hour, minute, sec = t.Clock()
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc), yearless, reason{}
}

// englishMonth writes a date that starts with an English month's name,
// "March 15" or "Mar 15, 1990" (the English export's birthdays), with the
// month's number, "3/15" or "3/15/1990", as parseBirthday reads it; any
// other text is returned as it was.
func englishMonth(s string) string {
	word, rest, _ := strings.Cut(strings.TrimSpace(s), " ")
	word = strings.TrimSuffix(strings.ToLower(word), ".")
	if len(word) < 3 {
		return s
	}
	for mo := time.January; mo <= time.December; mo++ {
		if name := strings.ToLower(mo.String()); strings.HasPrefix(name, word) {
			day, year, _ := strings.Cut(strings.TrimSpace(rest), ",")
			if year = strings.TrimSpace(year); year != "" {
				return fmt.Sprintf("%d/%s/%s", mo, strings.TrimSpace(day), year)
			}
			return fmt.Sprintf("%d/%s", mo, strings.TrimSpace(day))
		}
	}
	return s
}

// yearFirst reads a date's numbers (dateNumbers) written with the year
// first: eight digits ("19900315") or year, month, day ("1990", "3",
// "15"). ok is false for any other form.
func yearFirst(nums []string) (y, mo, d string, ok bool) {
	switch {
	case len(nums) == 1 && len(nums[0]) == 8:
		return nums[0][:4], nums[0][4:6], nums[0][6:], true
	case len(nums) == 3 && len(nums[0]) == 4 && len(nums[1]) <= 2 && len(nums[2]) <= 2:
		return nums[0], nums[1], nums[2], true
	}
	return "", "", "", false
}

// validDate reports whether year-month-day is a calendar day. Year 0 is a
// leap year, so February 29th without a year is valid.
func validDate(year, month, day int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return t.Day() == day
}

// parseDay reads a date with its year in full, as a coupon's last day is
// written (couponDate), in loc: 8 digits or year first (dateNumbers),
// optionally followed by a time, or RFC 3339. A coupon's day lies ahead,
// so no year is guessed for it: the date columns read more (readDay).
func parseDay(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), true
	}
	// The time, if any, is the last word: "2026. 11. 23. 10:00" has
	// spaces in the date itself.
	date, clock := s, ""
	if i := strings.LastIndex(s, " "); i >= 0 && strings.Contains(s[i+1:], ":") {
		date, clock = s[:i], s[i+1:]
	}
	nums, ok := dateNumbers(date)
	if !ok {
		return time.Time{}, false
	}
	y, mo, d, ok := yearFirst(nums)
	if !ok {
		return time.Time{}, false
	}
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(mo)
	day, _ := strconv.Atoi(d)
	if !validDate(year, month, day) || year < 1900 {
		return time.Time{}, false
	}
	hour, minute, sec := 0, 0, 0
	if clock != "" {
		t, err := time.Parse("15:04:05", clock)
		if err != nil {
			t, err = time.Parse("15:04", clock)
		}
		if err != nil {
			return time.Time{}, false
		}
		hour, minute, sec = t.Clock()
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc), true
}

// importReport is what import prints: what was (or would be) imported, the
// rows skipped and refused (at most maxListed of each, with their reasons),
// and what an imported customer does not have yet.
func (m *Main) importReport(lang string, sh *sheet, res importResult, dryRun bool) string {
	t := func(id string, data any) string { return m.Catalog.Text(lang, id, data) }
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }

	head := map[string]any{"File": sh.file, "Encoding": sh.source, "HeaderRow": sh.headerRow}
	switch {
	case sh.json && dryRun:
		line(t("cli.import.title.json.dry", head))
	case sh.json:
		line(t("cli.import.title.json", head))
	case dryRun:
		line(t("cli.import.title.dry", head))
	default:
		line(t("cli.import.title", head))
	}
	var mapped []string
	for f := fieldName; f <= fieldLast; f++ {
		for _, j := range sh.columns[f] {
			mapped = append(mapped, t("cli.import.column", map[string]any{
				"Header": strings.TrimSpace(sh.headers[j]), "Field": t(fieldIDs[f], nil),
			}))
		}
	}
	line(t("cli.import.columns", map[string]any{"Columns": strings.Join(mapped, ", ")}))
	if len(sh.ignored) > 0 {
		line(t("cli.import.ignored", map[string]any{"Columns": strings.Join(sh.ignored, ", ")}))
	}
	count := func(v int) string { return groupDigits(lang, int64(v)) }
	// more says how many of a list of total rows went unlisted.
	more := func(total int) {
		if n := total - maxListed; n > 0 {
			line(t("cli.import.more", map[string]any{"Count": count(n)}))
		}
	}
	// The rows refused against the ledger join the sheet's, in row order.
	rejected := slices.SortedFunc(slices.Values(slices.Concat(sh.rejected, res.rejected)),
		func(a, b rejectedRow) int { return a.row - b.row })
	counts := map[string]any{"Imported": count(len(res.imported)), "Skipped": count(len(res.skipped)), "Rejected": count(len(rejected))}
	if dryRun {
		line(t("cli.import.counts.dry", counts))
	} else {
		line(t("cli.import.counts", counts))
	}
	if res.points > 0 {
		line(t("cli.import.points", map[string]any{"Points": t("core.fmt.points", map[string]any{"N": groupDigits(lang, res.points)})}))
	}

	if len(res.skipped) > 0 {
		line(t("cli.import.skipped.title", nil))
		for _, s := range res.skipped[:min(len(res.skipped), maxListed)] {
			if s.existing != "" {
				line(t("cli.import.skipped.ledger", map[string]any{"Row": s.row, "Name": s.name, "Existing": s.existing, "ExistingName": s.existingName}))
			} else {
				line(t("cli.import.skipped.file", map[string]any{"Row": s.row, "Name": s.name, "First": s.firstRow}))
			}
		}
		more(len(res.skipped))
	}
	if len(sh.nameless) > 0 {
		var rows []string
		for _, r := range sh.nameless[:min(len(sh.nameless), maxListed)] {
			rows = append(rows, t("cli.import.nameless.row", map[string]any{"Row": r}))
		}
		if len(sh.nameless) > maxListed {
			rows = append(rows, "…")
		}
		line(t("cli.import.nameless", map[string]any{"Count": count(len(sh.nameless)), "Rows": strings.Join(rows, ", ")}))
	}
	if len(rejected) > 0 {
		line(t("cli.import.rejected.title", nil))
		for _, r := range rejected[:min(len(rejected), maxListed)] {
			var texts []string
			for _, rs := range r.reasons {
				texts = append(texts, m.reasonText(lang, rs))
			}
			line(t("cli.import.rejected.row", map[string]any{"Row": r.row, "Reason": strings.Join(texts, "; ")}))
		}
		more(len(rejected))
	}
	if len(res.imported) > 0 {
		if res.undated > 0 {
			line(t("cli.import.undated", map[string]any{"Count": count(res.undated)}))
		}
		// A last visit alone carries a visit over (visitRange), so a sheet
		// with either column says how many came over.
		if len(sh.columns[fieldVisits]) > 0 || len(sh.columns[fieldLastVisit]) > 0 {
			line(t("cli.import.visits", map[string]any{"Count": count(res.visits), "Total": count(len(res.imported))}))
		}
		if n, rows := zeroVisitRows(t, sh, res); n > 0 {
			line(t("cli.import.visits_zero", map[string]any{"Count": count(n), "Rows": rows, "Dry": dryRun}))
		}
		if res.retiring > 0 {
			line(t("cli.import.retention", map[string]any{
				"Count": count(res.retiring), "Retention": m.Config.Retention.String(), "Days": ledger.RetentionNoticeDays, "Dry": dryRun,
			}))
		}
		if n, dates := yearlessDates(t, sh, res); n > 0 {
			line(t("cli.import.yearless", map[string]any{"Count": count(n), "Dates": dates, "Dry": dryRun}))
		}
		if res.stamped > 0 {
			line(t("cli.import.stamps", map[string]any{"Customers": count(res.stamped), "Stamps": count(res.stamps)}))
		}
		if res.coupons > 0 {
			line(t("cli.import.coupons", map[string]any{"Customers": count(res.holders), "Coupons": count(res.coupons)}))
		}
		if res.recoded > 0 {
			line(t("cli.import.coupons_recoded", map[string]any{"Count": count(res.recoded)}))
		}
		if res.expired > 0 {
			line(t("cli.import.coupons_expired", map[string]any{"Count": count(res.expired)}))
		}
		if res.started > 0 {
			data := map[string]any{"Count": count(res.started), "Days": ledger.TierDownNoticeDays}
			if !res.heldUntil.IsZero() {
				data["Until"], data["Months"] = res.heldUntil.Format(time.DateOnly), res.window
			}
			line(t("cli.import.tiers_started", data))
		}
		if len(res.tierTags) > 0 {
			var headers, words []string
			for _, j := range sh.columns[fieldTags] {
				headers = append(headers, strings.TrimSpace(sh.headers[j]))
			}
			for _, tt := range res.tierTags {
				words = append(words, t("cli.import.tier_tags.word", map[string]any{"Tag": tt.tag, "Count": count(tt.count)}))
			}
			line(t("cli.import.tier_tags", map[string]any{
				"Columns": strings.Join(headers, ", "), "Words": strings.Join(words, ", "),
				"Last": res.tierTags[len(res.tierTags)-1].tag, "First": res.tierTags[0].tag, "Dry": dryRun,
			}))
		}
		if res.noted > 0 {
			line(t("cli.import.tags_noted", map[string]any{"Count": count(res.noted)}))
		}
		if res.pinned > 0 {
			line(t("cli.import.tiers_pinned", map[string]any{"Count": count(res.pinned)}))
		}
		line(t("cli.import.consent", nil))
	}
	return b.String()
}

// yearlessDates are how many dates the imported rows wrote without a
// year and the first maxListed of them with the day each was read as
// (cli.import.yearless.date), for the report: a year guessed is shown,
// so a shop whose 장부 spans years sees it before importing.
func yearlessDates(t func(string, any) string, sh *sheet, res importResult) (int, string) {
	return listImported(sh, res, func(r *importRow) []string {
		var dates []string
		for _, y := range r.yearless {
			dates = append(dates, t("cli.import.yearless.date", map[string]any{
				"Row": r.row, "Column": y.column, "Value": y.value, "Day": y.day.Format(time.DateOnly),
			}))
		}
		return dates
	})
}

// zeroVisitRows are how many imported rows gave a count of 0 beside a
// last visit (importRow.zeroVisits), carried over as one visit, and the
// first maxListed of them with that day (cli.import.visits_zero.row).
func zeroVisitRows(t func(string, any) string, sh *sheet, res importResult) (int, string) {
	return listImported(sh, res, func(r *importRow) []string {
		if !r.zeroVisits() {
			return nil
		}
		return []string{t("cli.import.visits_zero.row", map[string]any{"Row": r.row, "Day": r.lastVisit.Format(time.DateOnly)})}
	})
}

// listImported counts the items each gives for the rows of sh that res
// imported, and joins the first maxListed of them ("…" after), for a line
// of the report.
func listImported(sh *sheet, res importResult, each func(r *importRow) []string) (int, string) {
	imported := map[int]bool{}
	for _, r := range res.imported {
		imported[r.row] = true
	}
	var n int
	var items []string
	for i := range sh.rows {
		r := &sh.rows[i]
		if !imported[r.row] {
			continue
		}
		for _, item := range each(r) {
			if n++; n <= maxListed {
				items = append(items, item)
			}
		}
	}
	if n > maxListed {
		items = append(items, "…")
	}
	return n, strings.Join(items, ", ")
}

// reasonText is a reason in lang, a reason in its data (the fault of a
// birthday, dialog.BirthdayFault) worded first.
func (m *Main) reasonText(lang string, rs reason) string {
	data := make(map[string]any, len(rs.data))
	for k, v := range rs.data {
		if inner, ok := v.(reason); ok {
			v = m.reasonText(lang, inner)
		}
		data[k] = v
	}
	return m.Catalog.Text(lang, rs.id, data)
}

// groupDigits writes n with the language's digit grouping, 4,250 in both
// Korean and English, through golang.org/x/text rather than a third copy
// of the grouping that dialog and feedback keep unexported. With the
// catalog's core.fmt.points and core.fmt.won it gives the report the units
// chat shows (4,250P, 55,000원).
func groupDigits(lang string, n int64) string {
	return message.NewPrinter(language.Make(locales.Normalize(lang))).Sprintf("%d", n)
}
