package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// The export formats. JSON is everything, for moving data out or auditing;
// CSV is one row per customer, for a spreadsheet.

// exportCustomer is one customer in the JSON export. The fields the issue
// names come first; the rest are the rest of the record, so the export is
// the whole 고객관리장부.
type exportCustomer struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	Phone         string           `json:"phone"`
	Points        int64            `json:"points"`
	Consent       exportConsent    `json:"consent"`
	Notes         []exportNote     `json:"notes"`
	PointsEntries []exportPoints   `json:"points_entries"`
	Feedback      []exportFeedback `json:"feedback"`

	Birthday    *string  `json:"birthday"` // "YYYY-MM-DD", null if unknown
	Preferences string   `json:"preferences"`
	Remarks     string   `json:"remarks"`
	Tags        []string `json:"tags"`
	CardTags    []string `json:"card_tags"` // the card's tags (cardTags); Tags are the customer's own, which /customer … 태그 edits
	Links       []string `json:"links"`     // linked platform ids, "telegram:12345"
	Lang        string   `json:"lang"`
	Visits      int      `json:"visits"`
	LastVisit   *string  `json:"last_visit"`
	CreatedAt   *string  `json:"created_at"`
	Erased      bool     `json:"erased"`

	Loyalty *exportLoyalty `json:"loyalty,omitempty"` // loyalty.go
	Threads []exportThread `json:"threads,omitempty"` // threads.go
	// Marketing is the advertising consent (marketing.go); absent when
	// never asked.
	Marketing *exportMarketing `json:"marketing,omitempty"`
}

// exportConsent is a customer's consent: an object, not a bool, because
// when it was given and for what purpose is what a shop must be able to
// show. An erasure (/forget, a manager's, the retention run's) withdraws a
// consent given: Given is then false, Withdrawn true, WithdrawnAt the
// erasure's time, and At and Purpose still say when and for what it had
// been given.
type exportConsent struct {
	Given       bool    `json:"given"`
	Declined    bool    `json:"declined"`
	At          *string `json:"at"`
	Purpose     string  `json:"purpose"`
	Withdrawn   bool    `json:"withdrawn"`
	WithdrawnAt *string `json:"withdrawn_at"`
}

// exportConsentOf is c's consent as the export shows it.
func exportConsentOf(c ledger.Customer, loc *time.Location) exportConsent {
	ec := exportConsent{
		Given: c.Consent.Given, Declined: c.Consent.Declined,
		At: optTime(c.Consent.At, loc), Purpose: c.Consent.Purpose,
	}
	// The ledger keeps the answer an erased customer gave, as it was: the
	// erasure is the withdrawal.
	if c.Erased && c.Consent.Given {
		ec.Given, ec.Withdrawn, ec.WithdrawnAt = false, true, optTime(c.ErasedAt, loc)
	}
	return ec
}

type exportNote struct {
	At       string   `json:"at"`
	Staff    string   `json:"staff"`
	StaffID  string   `json:"staff_id"`
	Text     string   `json:"text"`
	Tags     []string `json:"tags"`
	Amount   int64    `json:"amount"`
	FollowUp *string  `json:"follow_up"` // "YYYY-MM-DD", null if none
}

type exportPoints struct {
	At     string `json:"at"`
	Kind   string `json:"kind"`
	Points int64  `json:"points"`
	Reason string `json:"reason"`
	Amount int64  `json:"amount"`
	Actor  string `json:"actor"`
	// Reverses is, for a correction (정정), the number of the entry it
	// reverses: entries count from 1, the oldest, as in chat.
	Reverses int `json:"reverses,omitempty"`
}

type exportFeedback struct {
	CustomerID string `json:"customer_id"`
	Rating     int    `json:"rating"`
	NPS        *int   `json:"nps"`
	Comment    string `json:"comment"`
	At         string `json:"at"`
}

// export writes every customer and every feedback to out ("" or "-":
// standard output) in format, from one read transaction.
func (m *Main) export(ctx context.Context, format, out string, force bool) error {
	var write func(context.Context, *ledger.Tx, io.Writer, damagedRecords) error
	if format == "" {
		// "--out customers.csv" asks for CSV: JSON under that name opens
		// as one garbled column in Excel.
		// So does "--out customers.xlsx" an Excel workbook.
		format = "json"
		switch ext := filepath.Ext(out); {
		case strings.EqualFold(ext, ".csv"):
			format = "csv"
		case strings.EqualFold(ext, ".xlsx"):
			format = "xlsx"
		}
	}
	switch format {
	case "json":
		write = m.exportJSON
	case "csv":
		write = m.exportCSV
	case "xlsx":
		write = m.exportXLSX
	default:
		return m.usage("cli.err.export_format", map[string]any{"Value": format})
	}
	// The file may be the shop's own spreadsheet, with what they added by
	// hand: replacing it is asked for, as with a backup.
	if err := m.refuseOutput(out, force); err != nil {
		return err
	}
	if err := m.openExisting(); err != nil {
		return err
	}
	damaged := damagedRecords{}
	err := writeOutput(m.Stdout, out, func(w io.Writer) error {
		return m.Store.View(ctx, func(tx *ledger.Tx) error {
			// A damaged record is passed over and counted, not the end
			// of the export (export_damaged.go).
			defer tx.SkipDamaged(tx.SkipDamaged(damaged.add))
			return write(ctx, tx, w, damaged)
		})
	})
	if err != nil {
		return m.outputProblem(out, err)
	}
	return m.damagedProblem(damaged)
}

// outputProblem is a failure to write the output file path told in the
// shop's language (a folder that is not there, no permission, a full
// disk), for the commands that write one; another failure is returned as
// it was. It said "write /x/y.db: open /x/.y.db.2754136111: no such file or
// directory", naming a temporary file nobody asked for.
func (m *Main) outputProblem(path string, err error) error {
	var why string
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC) || isErrno(err, diskFullErrnos):
		why = "cli.out.why.full"
	case isErrno(err, readOnlyErrnos):
		why = "cli.out.why.read_only"
	case errors.Is(err, fs.ErrNotExist) && isDir(filepath.Dir(path)):
		// The folder is there but refuses new files as if they could not
		// exist (/proc, some network and virtual drives): "there is no
		// folder" sent people looking for one they could see.
		why = "cli.out.why.cannot_create"
	case errors.Is(err, fs.ErrNotExist):
		why = "cli.out.why.no_folder"
	case errors.Is(err, fs.ErrPermission):
		why = "cli.out.why.permission"
	default:
		return err
	}
	lang := m.Config.Lang
	return &localError{m.Catalog.Text(lang, "cli.out.cannot_write", map[string]any{
		"File": path, "Why": m.Catalog.Text(lang, why, map[string]any{"Dir": filepath.Dir(path)}),
	}), err}
}

// isDir reports whether path is a folder that exists.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// writeOutput runs write on standard output, or on a temporary file synced
// and renamed to path once complete, so a failed export or backup never
// leaves half a file, even after a crash.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	return writeOutputChecked(stdout, path, write, nil)
}

// writeOutputChecked is writeOutput that, with check, asks check about the
// complete temporary file before it replaces path: a backup of a damaged
// ledger must not take the place of the good backup path holds. check's
// error is returned as it is; it may move the file away, or it is removed.
func writeOutputChecked(stdout io.Writer, path string, write func(io.Writer) error, check func(tmp string) error) error {
	if path == "" || path == "-" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name()) // after a successful rename there is nothing to remove
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && check != nil {
		if cerr := check(f.Name()); cerr != nil {
			return cerr
		}
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The rename is durable once the folder is synced; failing that only
	// weakens crash safety, so it is not an error.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// exportJSON streams {"customers":[…],"feedback":[…],"audit":[…],
// "programme":[…]}: one customer at a time, so memory holds one customer's
// history, never the whole file. A customer's loyalty (tier, stamps,
// coupons, lots) and the programme's versions are loyalty.go's.
func (m *Main) exportJSON(ctx context.Context, tx *ledger.Tx, w io.Writer, damaged damagedRecords) error {
	loc := m.Config.Loc
	if _, err := io.WriteString(w, "{\"customers\":["); err != nil {
		return err
	}
	// item writes one element of the array being written, after a comma
	// unless it is the first.
	sep := "\n"
	item := func(v any) error {
		b, err := marshal(v)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		sep = ",\n"
		_, err = w.Write(b)
		return err
	}
	err := tx.ForEachCustomer(func(c ledger.Customer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		ec, err := exportCustomerOf(tx, c, loc, m.now())
		if err != nil && damaged.customer(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := item(ec); err != nil {
			return fmt.Errorf("export customer %s: %w", c.ID, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export customers: %w", err)
	}
	if _, err := io.WriteString(w, "\n],\"feedback\":["); err != nil {
		return err
	}
	sep = "\n"
	err = tx.ScanFeedback(time.Time{}, endOfTime, func(f ledger.Feedback) error {
		return item(exportFeedbackOf(f, loc))
	})
	if err != nil {
		return fmt.Errorf("export feedback: %w", err)
	}
	// The audit trail: who read or changed which record, and when.
	if _, err := io.WriteString(w, "\n],\"audit\":["); err != nil {
		return err
	}
	sep = "\n"
	err = tx.ScanAudit(time.Time{}, endOfTime, func(a ledger.AuditEntry) error {
		return item(exportAudit{At: rfc3339(a.At, loc), Actor: a.ActorID, Action: a.Action, CustomerID: a.CustomerID, Detail: a.Detail})
	})
	if err != nil {
		return fmt.Errorf("export audit: %w", err)
	}
	// The loyalty programme's versions (loyalty.go).
	if _, err := io.WriteString(w, "\n],\"programme\":["); err != nil {
		return err
	}
	sep = "\n"
	if err := writeProgrammes(tx, loc, item); err != nil {
		return fmt.Errorf("export programme: %w", err)
	}
	_, err = io.WriteString(w, "\n]}\n")
	return err
}

// exportAudit is one audit entry. Detail is empty for an entry about a
// customer erased since: it was sealed under the erased key. Actor stays
// (the ledger seals it under the shop key too), but for an entry written
// by a dangol from before that, whose actor went with the key.
type exportAudit struct {
	At         string `json:"at"`
	Actor      string `json:"actor"`
	Action     string `json:"action"`
	CustomerID string `json:"customer_id"`
	Detail     string `json:"detail"`
}

// marshal is json.Marshal without HTML escaping: comments with "<3" or
// "A&B" stay readable, and nothing here is embedded in a web page.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// endOfTime is past any record's time; the ledger clamps it.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

func exportCustomerOf(tx *ledger.Tx, c ledger.Customer, loc *time.Location, now time.Time) (exportCustomer, error) {
	bal, err := tx.Balance(c.ID)
	if err != nil {
		return exportCustomer{}, err
	}
	notes, err := tx.NotesOf(c.ID, 0)
	if err != nil {
		return exportCustomer{}, err
	}
	points, err := tx.PointsOf(c.ID, 0)
	if err != nil {
		return exportCustomer{}, err
	}
	fbs, err := tx.FeedbackOf(c.ID, 0)
	if err != nil {
		return exportCustomer{}, err
	}
	ec := exportCustomer{
		ID: c.ID, Name: c.Name, Phone: c.Phone, Points: bal,
		Consent:       exportConsentOf(c, loc),
		Notes:         []exportNote{},
		PointsEntries: []exportPoints{},
		Feedback:      []exportFeedback{},
		Birthday:      optDate(c.Birthday, nil), // a calendar date, in no zone
		Preferences:   c.Preferences,
		Remarks:       c.Remarks,
		Tags:          nonNil(c.Tags),
		CardTags:      nonNil(cardTags(c.Tags, notes)),
		Links:         nonNil(c.Links),
		Lang:          c.Lang,
		Visits:        c.Visits,
		LastVisit:     optTime(c.LastVisit, loc),
		CreatedAt:     optTime(c.CreatedAt, loc),
		Erased:        c.Erased,
	}
	// The ledger lists newest first; an export reads oldest first.
	slices.Reverse(notes)
	slices.Reverse(points)
	slices.Reverse(fbs)
	for _, n := range notes {
		staff := n.StaffName
		if staff == "" {
			staff = n.StaffID
		}
		ec.Notes = append(ec.Notes, exportNote{
			At: rfc3339(n.At, loc), Staff: staff, StaffID: n.StaffID, Text: n.Text,
			Tags: nonNil(n.Tags), Amount: n.Amount, FollowUp: optDate(n.FollowUp, loc),
		})
	}
	number := map[string]int{}
	for i, p := range points {
		number[p.ID] = i + 1
		ec.PointsEntries = append(ec.PointsEntries, exportPoints{
			At: rfc3339(p.At, loc), Kind: string(p.Kind), Points: p.Points,
			Reason: p.Reason, Amount: p.Amount, Actor: p.ActorID, Reverses: number[p.Reverses],
		})
	}
	for _, f := range fbs {
		ec.Feedback = append(ec.Feedback, exportFeedbackOf(f, loc))
	}
	if ec.Loyalty, err = exportLoyaltyOf(tx, c, number, loc, now); err != nil {
		return exportCustomer{}, err
	}
	if ec.Threads, err = exportThreadsOf(tx, c.ID, loc); err != nil {
		return exportCustomer{}, err
	}
	if ec.Marketing, err = exportMarketingOf(tx, c.ID, loc); err != nil {
		return exportCustomer{}, err
	}
	return ec, nil
}

func exportFeedbackOf(f ledger.Feedback, loc *time.Location) exportFeedback {
	ef := exportFeedback{CustomerID: f.CustomerID, Rating: f.Rating, Comment: f.Comment, At: rfc3339(f.At, loc)}
	if f.NPS != ledger.NoNPS {
		nps := f.NPS
		ef.NPS = &nps
	}
	return ef
}

// csvHeader names the CSV columns; they stay English so formulas and
// scripts built on an export keep working whatever the shop's language.
// Columns added later come after the columns of older exports, so
// formulas written against those still find theirs: the loyalty columns,
// then what a move to another ledger needs besides (dangol import reads
// every column but id, consent and coupons_valid back). tier_pinned is
// "yes" for a tier a manager pinned: without it a move brought the tier
// back unpinned, for the rules to lower.
var csvHeader = []string{"id", "name", "phone", "points", "visits", "last_visit", "tags", "consent", "created_at",
	"tier", "stamps", "coupons_valid", "coupons", "birthday", "preferences", "remarks", "tier_pinned"}

// exportCSV writes one row per customer. It starts with a UTF-8 byte order
// mark: without it Excel reads the file as the local code page and shows
// Hangul as mojibake.
func (m *Main) exportCSV(ctx context.Context, tx *ledger.Tx, w io.Writer, damaged damagedRecords) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what spreadsheets expect
	if err := m.customerRows(ctx, tx, cell, cw.Write, damaged); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// customerRows calls row with csvHeader, then with one row per customer
// in its columns, each free text passed through text first (cell for a
// CSV, where a text may be read as a formula).
func (m *Main) customerRows(ctx context.Context, tx *ledger.Tx, text func(string) string, row func([]string) error, damaged damagedRecords) error {
	if err := row(csvHeader); err != nil {
		return err
	}
	loc := m.Config.Loc
	now := m.now()
	err := tx.ForEachCustomer(func(c ledger.Customer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		bal, err := tx.Balance(c.ID)
		if err != nil && damaged.customer(err) {
			return nil
		}
		if err != nil {
			return err
		}
		notes, err := tx.NotesOf(c.ID, 0)
		if err != nil {
			return err
		}
		l, err := m.csvLoyalty(tx, c, loc, now)
		if err != nil && damaged.customer(err) {
			return nil
		}
		if err != nil {
			return err
		}
		consent := ""
		switch ec := exportConsentOf(c, loc); {
		case ec.Withdrawn:
			consent = "withdrawn"
		case ec.Given:
			consent = "given"
		case ec.Declined:
			consent = "declined"
		}
		return row([]string{
			c.ID,
			text(c.Name),
			ledger.FormatPhone(c.Phone), // dashed: a spreadsheet keeps the leading 0 of text, not of a number
			strconv.FormatInt(bal, 10),
			strconv.Itoa(c.Visits),
			localTime(c.LastVisit, loc),
			text(strings.Join(cardTags(c.Tags, notes), ", ")),
			consent,
			localTime(c.CreatedAt, loc),
			text(l.tier), l.stamps, l.valid, text(l.coupons),
			m.birthdayCell(c.Birthday),
			text(c.Preferences),
			text(c.Remarks),
			l.pinned,
		})
	})
	if err != nil {
		return fmt.Errorf("export customers: %w", err)
	}
	return nil
}

// csvCells are a customer's loyalty in the export's cells.
type csvCells struct {
	tier    string // the tier as the shop calls it (dialog.TierName)
	stamps  string // on the current card
	valid   string // how many coupons they can still use
	coupons string // those coupons, one a line (couponLine)
	pinned  string // "yes" when a manager pinned the tier, else empty
}

// csvLoyalty is a customer's loyalty in the export's cells: their tier
// named in the shop's language (the shop's own name, or 일반 for "new"),
// the stamps on their current card, how many coupons they can still use
// and those coupons, one a line. An erased customer's are empty: nothing
// of theirs opens any more.
func (m *Main) csvLoyalty(tx *ledger.Tx, c ledger.Customer, loc *time.Location, now time.Time) (csvCells, error) {
	if c.Erased {
		return csvCells{}, nil
	}
	st, err := tx.TierOf(c.ID, now, loc)
	if err != nil {
		return csvCells{}, fmt.Errorf("tier of a customer: %w", err)
	}
	card, err := tx.StampCardOf(c.ID, now)
	if err != nil {
		return csvCells{}, fmt.Errorf("stamp card of a customer: %w", err)
	}
	valid, err := tx.CouponsOf(c.ID, now, false)
	if err != nil {
		return csvCells{}, fmt.Errorf("coupons of a customer: %w", err)
	}
	lines := make([]string, 0, len(valid))
	for _, cp := range valid {
		lines = append(lines, m.couponLine(cp))
	}
	return csvCells{
		tier:    dialog.TierName(m.Catalog, m.Config.Lang, st.Level),
		stamps:  strconv.Itoa(card.Stamps),
		valid:   strconv.Itoa(len(valid)),
		coupons: strings.Join(lines, "\n"),
		pinned:  pinnedCell(st),
	}, nil
}

// pinnedCell is the tier_pinned cell of a customer's tier: "yes" while a
// manager's pin holds it (dangol import pins it again), else empty. It
// stays English, as the headers and the consent cells do.
func pinnedCell(st ledger.TierStatus) string {
	if st.Stored && st.Pinned {
		return "yes"
	}
	return ""
}

// couponLine is a valid coupon as the export writes it and dangol import
// reads it back (couponWords): what it gives, its last day and its code,
// "아메리카노 1잔 (2027-01-31까지, 코드 K7M2QX)".
func (m *Main) couponLine(cp ledger.Coupon) string {
	return m.Catalog.Text(m.Config.Lang, "cli.export.coupon", map[string]any{
		"Benefit": dialog.BenefitText(m.Catalog, m.Config.Lang, cp.Benefit), "LastDay": cp.LastDay, "Code": cp.Code,
	})
}

// birthdayCell is a birthday as the export writes it: 1990-03-14, or for
// one kept without its year what a spreadsheet user reads in the shop's
// language, "3월 14일" or "March 14", which dangol import reads back the
// same (it wrote 0000-03-14, which it still reads); empty when unknown.
func (m *Main) birthdayCell(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case t.Year() == 0:
		return m.Catalog.Text(m.Config.Lang, "cli.export.birthday_md", map[string]any{
			"Month": int(t.Month()), "Day": t.Day(), "MonthName": t.Month().String(),
		})
	}
	return t.Format(time.DateOnly)
}

// cardTags are a customer's tags as the staff's card shows them and
// /customers #tag finds them: their own, then their notes' (notes newest
// first, as the ledger lists them), each once whatever its case, spelt as
// first typed. The card reads its last notes only; the export reads all,
// so an import finds the customer by every tag /customers found before.
func cardTags(own []string, notes []ledger.Note) []string {
	tags := slices.Clone(own)
	for _, n := range notes {
		for _, tg := range n.Tags {
			if !slices.ContainsFunc(tags, func(u string) bool { return ledger.SameTag(u, tg) }) {
				tags = append(tags, tg)
			}
		}
	}
	return tags
}

// cell keeps a text a spreadsheet would run as a formula ("=…", "+…",
// "-…", "@…") a text, by the usual leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func rfc3339(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

func optTime(t time.Time, loc *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	s := rfc3339(t, loc)
	return &s
}

func optDate(t time.Time, loc *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	if loc != nil {
		t = t.In(loc)
	}
	s := t.Format(time.DateOnly)
	return &s
}

// localTime is a time as a spreadsheet parses it, in the shop's zone.
func localTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
