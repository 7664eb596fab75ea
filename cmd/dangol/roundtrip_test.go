package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
	"github.com/xuri/excelize/v2"
)

// moveTiers are the tiers of the shops in the round trip: the built-in
// ones, and one of the shop's own between them ("골드", whose id is its
// name's key).
var moveTiers = ledger.TierRules{Levels: []ledger.Tier{
	{ID: ledger.TierNew}, {ID: ledger.TierRegular, MinVisits: 5}, {Name: "골드", MinVisits: 10}, {ID: ledger.TierVIP, MinVisits: 15}}}

// setMoveTiers gives the ledger at path moveTiers.
func setMoveTiers(t *testing.T, path string) {
	t.Helper()
	updateLedger(t, path, func(tx *ledger.Tx) error {
		_, err := tx.SetTiers(moveTiers, "slack:UM", time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC), nil)
		return err
	})
}

// seedMove fills a ledger with what a shop moving to another dangol has:
// a customer with everything a spreadsheet row can carry (birthday,
// preferences, remarks, tags, their notes' tags too, points, visits,
// stamps on the card, two
// valid coupons and a used one, a tier pinned above what the visits give),
// a customer with nothing but a name, a phone and the shop's own tier
// (골드, pinned), an erased one, and one in the base tier, which older
// exports named by its id alone ("new") and whose birthday has no year;
// its tiers are moveTiers.
func seedMove(t *testing.T, path string) {
	t.Helper()
	setMoveTiers(t, path)
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, seoul) }
	s := mustOpenStore(t, path)
	err = s.Update(context.Background(), func(tx *ledger.Tx) error {
		var steps []error
		step := func(err error) { steps = append(steps, err) }
		_, err := tx.SetStamps(ledger.StampRules{Goal: 5, Reward: ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "아메리카노 1잔"}}, "slack:UM", at(1, 9))
		step(err)
		haneul := &ledger.Customer{Name: "김하늘", Phone: "01012345678", CreatedAt: at(1, 10), Tags: []string{"VIP", "펌"},
			Birthday: time.Date(1990, 3, 14, 0, 0, 0, 0, time.UTC), Preferences: "따뜻한 물", Remarks: "두피 민감"}
		if err := tx.CreateCustomer(haneul); err != nil {
			return err
		}
		jihun := &ledger.Customer{Name: "박지훈", Phone: "01022223333", CreatedAt: at(2, 10)}
		if err := tx.CreateCustomer(jihun); err != nil {
			return err
		}
		gone := &ledger.Customer{Name: "이서연", Phone: "01055556666", CreatedAt: at(2, 11)}
		if err := tx.CreateCustomer(gone); err != nil {
			return err
		}
		for _, n := range []struct {
			day  int
			tags []string
		}{{3, []string{"커트"}}, {20, []string{"커트", "펌", "Clinic"}}} {
			step(tx.AddNote(&ledger.Note{CustomerID: haneul.ID, StaffID: "slack:U1", StaffName: "민지", At: at(n.day, 11), Text: "커트", Tags: n.tags}))
		}
		step(tx.AddPoints(&ledger.PointsEntry{CustomerID: haneul.ID, At: at(3, 11), Kind: ledger.PointsEarn, Points: 2000, Amount: 40000, ActorID: "slack:U1"}))
		_, err = tx.AddStamps(haneul.ID, 2, "slack:U1", "라떼", at(20, 11), seoul)
		step(err)
		_, err = tx.IssueCoupon(ledger.CouponSpec{CustomerID: haneul.ID, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "라떼 (L) 1잔"}, Days: 60, ActorID: "slack:U1"}, at(20, 12), seoul)
		step(err)
		_, err = tx.IssueCoupon(ledger.CouponSpec{CustomerID: haneul.ID, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10}, Days: 30, ActorID: "slack:U1"}, at(20, 12), seoul)
		step(err)
		used, err := tx.IssueCoupon(ledger.CouponSpec{CustomerID: haneul.ID, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitWon, Won: 5000}, Days: 30, ActorID: "slack:U1"}, at(20, 12), seoul)
		step(err)
		if err == nil {
			_, err = tx.UseCoupon(haneul.ID, used.Code, "slack:U1", at(21, 12))
			step(err)
		}
		_, err = tx.PinTier(haneul.ID, ledger.TierVIP, "slack:UM", at(21, 13), seoul)
		step(err)
		_, err = tx.PinTier(jihun.ID, "골드", "slack:UM", at(21, 13), seoul)
		step(err)
		step(tx.EraseCustomer(gone.ID, at(25, 9)))
		step(tx.CreateCustomer(&ledger.Customer{Name: "최유나", Phone: "01077778888", CreatedAt: at(26, 10), Birthday: time.Date(0, 2, 11, 0, 0, 0, 0, time.UTC)}))
		return errors.Join(steps...)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestExportImport_RoundTrip: a shop's CSV or Excel export imported into a
// fresh ledger with the same tiers gives the same customers back: every
// column of the export but the record's id and the consent (asked again)
// is the same when the new ledger is exported, the erased customer's row
// is passed over and counted, not refused, and the coupons keep their
// codes. The tier column holds the tier as the shop calls it in the
// export's language (VIP, 골드; 일반 or Member), and an export written
// before, which held the tiers' ids (vip, 골드, new), reads back the same.
// Before, the erased row was refused ("이름 없음; 전화번호 없음") and tier,
// stamps and coupons were dropped, with birthday, preferences and remarks,
// which the export did not have. The tags are the card's, the customer's
// own and their notes', so /customers #tag finds the same customers after
// the move (it found nobody by a note's tag: the tags column held the
// customer's own only); a birthday without a year is written as read in
// the export's language (2월 11일, February 11; it was 0000-02-11). A
// tier a manager pinned comes back pinned (tier_pinned; it came back
// started, for the rules to lower), and an export from before that column
// still imports, its tiers started.
func TestExportImport_RoundTrip(t *testing.T) {
	tests := []struct {
		name, format, lang string
		ids                bool   // the tier cells rewritten to the ids an older export wrote, without tier_pinned
		tiers              string // the tier cells of the export imported, by phone order
		tags, birthday     string // 김하늘's tags cell, 최유나's birthday cell
	}{
		{"csv", "csv", "ko", false, "VIP,골드,,일반", "VIP, 펌, 커트, Clinic", "2월 11일"},
		{"xlsx", "xlsx", "ko", false, "VIP,골드,,일반", "VIP, 펌, 커트, Clinic", "2월 11일"},
		{"EnglishCSV", "csv", "en", false, "VIP,골드,,Member", "VIP, 펌, 커트, Clinic", "February 11"},
		{"EnglishXLSX", "xlsx", "en", false, "VIP,골드,,Member", "VIP, 펌, 커트, Clinic", "February 11"},
		{"OldIDs", "csv", "ko", true, "vip,골드,,new", "VIP, 펌, 커트, Clinic", "2월 11일"},
		// dangol export's default, which import refused ("JSON 파일이에요 …
		// CSV 를 받아요"): its cells are checked after the import.
		{"JSON", "json", "ko", false, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
			seedMove(t, from)
			setMoveTiers(t, to)
			out := filepath.Join(dir, "고객."+tt.format)
			env := map[string]string{"DANGOL_DB": from, "DANGOL_LANG": tt.lang}
			if r := runMainAt(t, seededNow, env, "export", "--out", out); r.err != nil {
				t.Fatal(r.err)
			}
			if tt.ids {
				rewriteTierIDs(t, out)
			}
			if tt.format != "json" { // the JSON has no such cells: its import is checked below
				if got := exportColumn(t, out, tt.format, "tier"); got != tt.tiers {
					t.Errorf("the export's tier cells %q, want %q", got, tt.tiers)
				}
				if got := exportColumn(t, out, tt.format, "tags"); !strings.HasPrefix(got, tt.tags+",,") {
					t.Errorf("the export's tags cells %q, want 김하늘's %q first", got, tt.tags)
				}
				if got := exportColumn(t, out, tt.format, "birthday"); !strings.HasSuffix(got, ","+tt.birthday) {
					t.Errorf("the export's birthday cells %q, want 최유나's %q last", got, tt.birthday)
				}
			}
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": to}, "import", out)
			if r.err != nil {
				t.Fatal(r.err)
			}
			tiers := "등급을 고정한 채로 옮긴 고객: 2명"
			if tt.ids {
				tiers = "장부의 등급에서 시작한 고객: 2명"
			}
			erasedRow := "4행" // under the header
			if tt.format == "json" {
				erasedRow = "3행" // the third of the customers
			}
			for _, want := range []string{
				"가져옴 3명 · 건너뜀 0명 (이미 있는 전화번호) · 제외 0행",
				"이름도 전화번호도 없는 1행은 건너뛰었어요 (삭제된 고객의 행): " + erasedRow,
				"옮긴 스탬프: 1명, 모두 2개",
				"옮긴 쿠폰: 1명, 모두 2장",
				tiers,
			} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("report lacks %q:\n%s", want, r.stdout)
				}
			}
			if strings.Contains(r.stdout, "이름 없음") {
				t.Errorf("the erased customer's row is refused:\n%s", r.stdout)
			}
			got, want := movedRows(t, to), movedRows(t, from)
			delete(want, "") // the erased customer
			if tt.ids {
				// Started, not pinned: the older export did not say.
				for phone, w := range want {
					want[phone] = slices.DeleteFunc(w, func(c string) bool { return strings.HasPrefix(c, "tier_pinned=") })
					got[phone] = slices.DeleteFunc(got[phone], func(c string) bool { return strings.HasPrefix(c, "tier_pinned=") })
				}
			}
			if len(got) != len(want) {
				t.Fatalf("after the round trip %d customers, want %d:\n%q\nwant\n%q", len(got), len(want), got, want)
			}
			for phone, w := range want {
				if g := got[phone]; !slices.Equal(g, w) {
					t.Errorf("%s after the round trip:\n%q\nwant\n%q", phone, g, w)
				}
			}
			for _, tag := range []string{"커트", "clinic", "VIP"} {
				if got, want := taggedNames(t, to, tag), taggedNames(t, from, tag); len(want) == 0 || !slices.Equal(got, want) {
					t.Errorf("/customers #%s after the round trip finds %q, want %q", tag, got, want)
				}
			}
			if tt.format == "json" {
				// Once only: run again, it skips every customer it brought
				// and adds nothing to them (their points, their tags' notes).
				r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": to}, "import", out)
				if want := "가져옴 0명 · 건너뜀 3명 (이미 있는 전화번호) · 제외 0행"; r.err != nil || !strings.Contains(r.stdout, want) {
					t.Errorf("the second import: %v, report lacks %q:\n%s", r.err, want, r.stdout)
				}
				if again := movedRows(t, to); !maps.EqualFunc(again, got, slices.Equal) {
					t.Errorf("after the second import:\n%q\nwant\n%q", again, got)
				}
			}
		})
	}
}

// rewriteTierIDs rewrites the tier cells of the CSV export at path to the
// tiers' ids, as exports before the tiers' names wrote them, and drops
// the tier_pinned column those did not have.
func rewriteTierIDs(t *testing.T, path string) {
	t.Helper()
	recs := readCSVFile(t, path)
	col := slices.Index(recs[0], "tier")
	ids := map[string]string{"VIP": ledger.TierVIP, "골드": "골드", "단골": ledger.TierRegular, "일반": ledger.TierNew, "": ""}
	for _, rec := range recs[1:] {
		id, ok := ids[rec[col]]
		if !ok {
			t.Fatalf("tier cell %q has no id here", rec[col])
		}
		rec[col] = id
	}
	if pin := slices.Index(recs[0], "tier_pinned"); pin >= 0 {
		for i, rec := range recs {
			recs[i] = slices.Delete(rec, pin, pin+1)
		}
	}
	var w strings.Builder
	w.WriteString("\uFEFF")
	cw := csv.NewWriter(&w)
	cw.UseCRLF = true
	if err := cw.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, []byte(w.String()))
}

// readCSVFile is the rows of the CSV export at path.
func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// taggedNames are the customers /customers #tag lists in the ledger at db.
func taggedNames(t *testing.T, db, tag string) []string {
	t.Helper()
	s := mustOpenStore(t, db)
	defer s.Close()
	var names []string
	err := s.View(context.Background(), func(tx *ledger.Tx) error {
		_, cs, err := tx.ListCustomers(ledger.CustomerFilter{Tags: []string{tag}}, 0, 0)
		for _, c := range cs {
			names = append(names, c.Name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// exportColumn is the cells of column header of the export at path,
// joined by commas in the rows' order.
func exportColumn(t *testing.T, path, format, header string) string {
	t.Helper()
	var recs [][]string
	if format == "xlsx" {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if recs, err = f.GetRows(f.GetSheetName(0)); err != nil {
			t.Fatal(err)
		}
	} else {
		recs = readCSVFile(t, path)
	}
	col := slices.Index(recs[0], header)
	var cells []string
	for _, rec := range recs[1:] {
		cell := ""
		if col < len(rec) {
			cell = rec[col]
		}
		cells = append(cells, cell)
	}
	return strings.Join(cells, ",")
}

// movedRows is the CSV export of the ledger at db by phone, each row as
// header=value cells without the columns a move does not carry: the
// record's id and the consent.
func movedRows(t *testing.T, db string) map[string][]string {
	t.Helper()
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "export", "--format", "csv")
	if r.err != nil {
		t.Fatal(r.err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.stdout, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, rec := range recs[1:] {
		var cells []string
		for j, h := range recs[0] {
			if h != "id" && h != "consent" {
				cells = append(cells, h+"="+rec[j])
			}
		}
		rows[rec[slices.Index(recs[0], "phone")]] = cells
	}
	return rows
}

// TestImport_LoyaltyCells: the tier, stamps and coupons columns are read
// in either language's words: a tier by the chat's word or its id, the
// customer started there (not pinned) when the visits carried over give
// less; a coupon line by its
// benefit and last day, its code kept; a coupon past its last day is
// counted and left out; a tier the ledger lacks, stamps that are not a
// number and a coupon without a last day refuse their row, saying why.
func TestImport_LoyaltyCells(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	file := writeFile(t, filepath.Join(dir, "list.csv"), []byte("이름,전화번호,등급,스탬프,쿠폰\n"+
		"가,010-1111-0001,단골,3,\"5,000원 할인 (2026-12-31까지)\"\n"+
		"나,010-1111-0002,Regular,,\"₩5,000 off (until 2026-12-31, code k7m2qx)\nAmericano (L) (until 2027-01-05)\"\n"+
		"다,010-1111-0003,골드,,\n"+
		"라,010-1111-0004,,x,2\n"+
		"마,010-1111-0005,vip,,10% 할인 (2026-11-30까지)\n"+
		"바,010-1111-0006,new,1,\n"))
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", file)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, want := range []string{
		"가져옴 4명 · 건너뜀 0명 (이미 있는 전화번호) · 제외 2행",
		"4행: 이 장부에 없는 등급이에요: 골드 (있는 등급: 일반, 단골, VIP)",
		"5행: 알아볼 수 없는 스탬프 수예요: x (0부터 10000까지의 정수); 알아볼 수 없는 쿠폰이에요: 2",
		"옮긴 스탬프: 2명, 모두 4개",
		"옮긴 쿠폰: 2명, 모두 3장",
		"마지막 날이 지난 쿠폰 1장은 옮기지 않았어요.",
		"장부의 등급에서 시작한 고객: 3명",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
	s := mustOpenStore(t, db)
	defer s.Close()
	want := map[string]struct {
		tier    string
		stamps  int
		coupons []string // benefit, last day, code ("" any)
	}{
		"01011110001": {ledger.TierRegular, 3, []string{"5000won 2026-12-31 "}},
		"01011110002": {ledger.TierRegular, 0, []string{"5000won 2026-12-31 K7M2QX", "item:Americano (L) 2027-01-05 "}},
		"01011110005": {ledger.TierVIP, 0, nil},
		"01011110006": {ledger.TierNew, 1, nil},
	}
	err := s.View(context.Background(), func(tx *ledger.Tx) error {
		for phone, w := range want {
			c, err := tx.CustomerByPhone(phone)
			if err != nil {
				return err
			}
			tier, err := tx.TierIDOf(c.ID, seededNow, nil)
			if err != nil {
				return err
			}
			card, err := tx.StampCardOf(c.ID, seededNow)
			if err != nil {
				return err
			}
			cps, err := tx.CouponsOf(c.ID, seededNow, false)
			if err != nil {
				return err
			}
			var got []string
			for i, cp := range cps {
				code := ""
				if i < len(w.coupons) && strings.HasSuffix(w.coupons[i], " "+cp.Code) {
					code = cp.Code
				}
				got = append(got, cp.Benefit.String()+" "+cp.LastDay+" "+code)
			}
			if tier != w.tier || card.Stamps != w.stamps || !slices.Equal(got, w.coupons) {
				t.Errorf("%s: tier %s, %d stamps, coupons %q; want %s, %d, %q", phone, tier, card.Stamps, got, w.tier, w.stamps, w.coupons)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestExport_TierNames: the export names a tier as the shop does, in its
// language: the shop's own name from /program tiers ("골드"), the chat's
// word for a built-in one (일반, Member), never the id ("new", "골드" kept
// lower case as "gold"); and the export imports back, the tier read by
// that name, into a ledger with the same tiers.
func TestExport_TierNames(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
	tiers := ledger.TierRules{Levels: []ledger.Tier{{ID: ledger.TierNew}, {Name: "Gold 골드", MinVisits: 30}}}
	for _, db := range []string{from, to} {
		updateLedger(t, db, func(tx *ledger.Tx) error {
			_, err := tx.SetTiers(tiers, "slack:UM", seededNow.Add(-48*time.Hour), nil)
			if err != nil || db == to {
				return err
			}
			for i, name := range []string{"김하늘", "박지훈"} {
				c := &ledger.Customer{Name: name, Phone: "0101234567" + string(rune('0'+i)), CreatedAt: seededNow.Add(-24 * time.Hour)}
				if err := tx.CreateCustomer(c); err != nil {
					return err
				}
				if i == 0 {
					if _, err := tx.PinTier(c.ID, "gold 골드", "slack:UM", seededNow.Add(-time.Hour), nil); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	tierCells := func(db, lang string) []string {
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db, "DANGOL_LANG": lang}, "export", "--format", "csv")
		if r.err != nil {
			t.Fatal(r.err)
		}
		recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var cells []string
		for _, rec := range recs[1:] {
			cells = append(cells, rec[slices.Index(recs[0], "tier")])
		}
		return cells
	}
	if got, want := tierCells(from, "ko"), []string{"Gold 골드", "일반"}; !slices.Equal(got, want) {
		t.Errorf("Korean export's tiers %q, want %q", got, want)
	}
	if got, want := tierCells(from, "en"), []string{"Gold 골드", "Member"}; !slices.Equal(got, want) {
		t.Errorf("English export's tiers %q, want %q", got, want)
	}
	out := filepath.Join(dir, "고객.xlsx")
	if r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": from}, "export", "--out", out); r.err != nil {
		t.Fatal(r.err)
	}
	if r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": to}, "import", out); r.err != nil || !strings.Contains(r.stdout, "가져옴 2명") {
		t.Fatalf("import: %v\n%s", r.err, r.stdout)
	}
	if got, want := tierCells(to, "ko"), []string{"Gold 골드", "일반"}; !slices.Equal(got, want) {
		t.Errorf("after the round trip tiers %q, want %q", got, want)
	}
}

// TestImport_StartTier: a shop moving its 고객관리장부 brings a VIP with 2
// visits; the customer starts at VIP, not pinned, recorded as a start of
// its own ("VIP에서 시작" in /audit, no "고정"), once however often the import
// is run; from there the rules go on: the daily run gives notice, and 30
// days later the customer is 일반. Before, the import pinned the tier for
// good, as a manager's /customer 등급 VIP does.
func TestImport_StartTier(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	file := writeFile(t, filepath.Join(dir, "장부.csv"), []byte("이름,전화번호,등록일,방문횟수,최근방문일,등급\n"+
		"김하늘,010-1111-0001,2025-01-10,2,2026-11-20,VIP\n"))
	for run, want := range []string{"장부의 등급에서 시작한 고객: 1명", "건너뜀 1명"} {
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", file)
		if r.err != nil || !strings.Contains(r.stdout, want) {
			t.Fatalf("import %d: %v, report lacks %q:\n%s", run+1, r.err, want, r.stdout)
		}
	}
	s := mustOpenStore(t, db)
	err := s.View(context.Background(), func(tx *ledger.Tx) error {
		c, err := tx.CustomerByPhone("01011110001")
		if err != nil {
			return err
		}
		st, err := tx.TierOf(c.ID, seededNow, nil)
		if err != nil {
			return err
		}
		if st.TierID != ledger.TierVIP || st.Pinned || st.Computed != ledger.TierNew {
			t.Errorf("imported tier %s pinned %v (rules give %s), want vip, not pinned", st.TierID, st.Pinned, st.Computed)
		}
		var starts []ledger.TierMove
		err = tx.ScanTierMoves(time.Time{}, seededNow.Add(time.Hour), func(m ledger.TierMove) error {
			starts = append(starts, m)
			return nil
		})
		if len(starts) != 1 || starts[0].Cause != ledger.CauseStart || starts[0].To != ledger.TierVIP {
			t.Errorf("tier moves %+v, want one start at vip", starts)
		}
		return err
	})
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	script := strings.Join([]string{
		":as manager 사장",
		"/audit 010-1111-0001",
		"/customer 010-1111-0001",
		":time 2026-12-02 10:30",
		"/customer 010-1111-0001",
		":time 2027-01-01 10:30",
		"/customer 010-1111-0001",
	}, "\n") + "\n"
	tr := rehearseImported(t, db, script)
	const mgr = "사장(매니저)"
	steps := []answerWant{
		{"/audit 010-1111-0001", []string{"등급 (VIP에서 시작, 방문 기록으로는 일반)"}, []string{"고정"}, nil},
		{"/customer 010-1111-0001", []string{"등급: VIP (방문 2회)"}, []string{"고정", "조정될 예정"}, nil},
		{"/customer 010-1111-0001", []string{"등급: VIP", "2027-01-01에 일반으로 조정될 예정이에요"}, nil, nil},
		{"/customer 010-1111-0001", []string{"등급: 일반"}, []string{"등급: VIP"}, nil},
	}
	checkAnswers(t, tr, mgr, steps) // in the order asked: the same command answers three times
}

// TestImport_StartTierHeld: the same VIP brought over to a shop whose
// tiers count the last 12 months' visits (/program tiers 기간 12개월): none
// of the visits carried over is dated in the window, so the sheet's VIP is
// held one window, to 2027-12-01, and the report, the card, /audit and the
// JSON export say so; the import run again extends nothing. No daily run
// tells them of a downgrade on the next day, nor on the hold's last day;
// the day after, the rules apply as for anyone: the notice, and 30 days
// later 일반. Before, the first daily run told every imported VIP they
// were going down.
func TestImport_StartTierHeld(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	updateLedger(t, db, func(tx *ledger.Tx) error {
		tiers := ledger.TierRules{WindowMonths: 12, Levels: []ledger.Tier{{ID: ledger.TierNew}, {ID: ledger.TierRegular, MinVisits: 5}, {ID: ledger.TierVIP, MinVisits: 15}}}
		_, err := tx.SetTiers(tiers, "slack:UM", seededNow.AddDate(0, -1, 0), nil)
		return err
	})
	file := writeFile(t, filepath.Join(dir, "장부.csv"), []byte("이름,전화번호,등록일,방문횟수,최근방문일,등급\n"+
		"김하늘,010-1111-0001,2025-01-10,2,2026-11-20,VIP\n"))
	for run, want := range []string{"장부의 등급에서 시작한 고객: 1명", "건너뜀 1명"} {
		r := runMainAt(t, seededNow.AddDate(0, 0, run*7), map[string]string{"DANGOL_DB": db}, "import", file)
		if r.err != nil || !strings.Contains(r.stdout, want) {
			t.Fatalf("import %d: %v, report lacks %q:\n%s", run+1, r.err, want, r.stdout)
		}
		if held := "2027-12-01까지는 그 등급을 그대로 유지해요"; (run == 0) != strings.Contains(r.stdout, held) {
			t.Errorf("import %d: report says %q: %v\n%s", run+1, held, run == 0, r.stdout)
		}
	}
	if r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "export"); r.err != nil || !strings.Contains(r.stdout, `"held_until":"2027-12-01"`) {
		t.Errorf("the JSON export lacks the hold: %v\n%s", r.err, r.stdout)
	}
	script := strings.Join([]string{
		":as manager 사장",
		"/audit 010-1111-0001",
		"/customer 010-1111-0001",
		":time 2026-12-02 10:30",
		"/customer 010-1111-0001",
		":time 2027-12-01 10:30",
		"/customer 010-1111-0001",
		":time 2027-12-02 10:30",
		"/customer 010-1111-0001",
		":time 2028-01-01 10:30",
		"/customer 010-1111-0001",
	}, "\n") + "\n"
	tr := rehearseImported(t, db, script)
	const mgr = "사장(매니저)"
	held := "등급: VIP (장부에서 가져옴, 2027-12-01까지 유지 · 방문 2회)"
	steps := []answerWant{
		{"/audit 010-1111-0001", []string{"등급 (VIP에서 시작, 방문 기록으로는 일반; 장부에서 가져온 등급이라 2027-12-01까지 유지)"}, []string{"고정"}, nil},
		{"/customer 010-1111-0001", []string{held}, []string{"조정될 예정"}, nil},
		{"/customer 010-1111-0001", []string{held}, []string{"조정될 예정"}, nil},
		{"/customer 010-1111-0001", []string{held}, []string{"조정될 예정"}, nil},
		{"/customer 010-1111-0001", []string{"등급: VIP (방문 2회)", "2028-01-01에 일반으로 조정될 예정이에요"}, []string{"장부에서 가져옴"}, nil},
		{"/customer 010-1111-0001", []string{"등급: 일반"}, []string{"등급: VIP"}, nil},
	}
	checkAnswers(t, tr, mgr, steps) // in the order asked: the same command answers five times
}

// TestImport_TierWords: a tier cell is read by the shop's name for the
// tier (what the export writes, in either language), by the id older
// exports wrote (new, regular, vip, 골드) and by the chat's word for a
// built-in tier, in any case, spacing or Unicode form; a word of no tier of
// the programme is none.
func TestImport_TierWords(t *testing.T) {
	m := &Main{Catalog: testCatalog}
	p := ledger.Programme{Tiers: moveTiers}
	p.Tiers.Normalize()
	tests := []struct{ word, want string }{
		{"일반", ledger.TierNew}, {"Member", ledger.TierNew}, {"new", ledger.TierNew}, {"NEW", ledger.TierNew},
		{"단골", ledger.TierRegular}, {"Regular", ledger.TierRegular}, {"regular", ledger.TierRegular},
		{"VIP", ledger.TierVIP}, {"vip", ledger.TierVIP}, {" V I P", ""},
		{"골드", "골드"}, {" 골드 ", "골드"}, {"\u1100\u1169\u11af\u1103\u1173", "골드"}, // NFD, as macOS may write it
		{"Gold", ""}, {"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			got, ok := m.tierOf(p, tt.word)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("tierOf(%q) = %q, %v; want %q", tt.word, got, ok, tt.want)
			}
		})
	}
}

// rehearseImported runs script in the console rehearsal (chat --at
// 2026-12-01T11:00) on the imported ledger db and returns the transcript,
// failing on an error or an ERROR log.
func rehearseImported(t *testing.T, db, script string) string {
	t.Helper()
	var out, logs bytes.Buffer
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(script), Stdout: &out, Stderr: &logs,
		Getenv: func(k string) string { return map[string]string{"DANGOL_DB": db}[k] },
		Now:    func() time.Time { return seededNow },
	}
	err := m.Run(context.Background(), []string{"chat", "--at", "2026-12-01T11:00"})
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil || strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("chat: %v\n%s\n%s", err, out.String(), logs.String())
	}
	return out.String()
}

// TestExportImport_ManyTags: a customer whose card has more tags than a
// customer's record holds (20 of their own, one with a space, 10 more
// from their notes) moves whole. The export's tags cell holds all 30 and the import used to
// refuse the row ("태그가 너무 많아요 (20개까지)"), losing the customer;
// now the record takes the first 20 and a tags-only note by the import,
// dated at the last visit, the rest, so the new ledger's export has the
// same tags cell, the same visits, and /customers #tag finds them by the
// last tag.
func TestExportImport_ManyTags(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
			var own, noted []string
			for i := range 20 {
				own = append(own, fmt.Sprintf("태그%02d", i))
			}
			own[1] = "뿌리 염색" // one tag with a space, which a move split in two
			for i := range 10 {
				noted = append(noted, fmt.Sprintf("메모%02d", i))
			}
			updateLedger(t, from, func(tx *ledger.Tx) error {
				c := &ledger.Customer{Name: "김하늘", Phone: "01012345678", CreatedAt: seededNow.AddDate(0, -1, 0), Tags: own}
				if err := tx.CreateCustomer(c); err != nil {
					return err
				}
				for i, tags := range [][]string{noted[:5], noted[5:]} {
					n := &ledger.Note{CustomerID: c.ID, StaffID: "slack:U1", At: seededNow.AddDate(0, 0, i-10), Text: "상담", Tags: tags}
					if err := tx.AddNote(n); err != nil {
						return err
					}
				}
				return nil
			})
			out := filepath.Join(dir, "고객."+format)
			if r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": from}, "export", "--out", out); r.err != nil {
				t.Fatal(r.err)
			}
			if got := strings.Count(exportColumn(t, out, format, "tags"), ", ") + 1; got != 30 {
				t.Fatalf("the export's tags cell has %d tags, want 30", got)
			}
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": to}, "import", "--new", out)
			if r.err != nil {
				t.Fatal(r.err)
			}
			for _, want := range []string{"가져옴 1명 · 건너뜀 0명 (이미 있는 전화번호) · 제외 0행", "태그가 고객 기록에 붙일 수 있는 것보다 많은 고객: 1명"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("report lacks %q:\n%s", want, r.stdout)
				}
			}
			got, want := movedRows(t, to), movedRows(t, from)
			if g, w := got["010-1234-5678"], want["010-1234-5678"]; !slices.Equal(g, w) {
				t.Errorf("after the round trip:\n%q\nwant\n%q", g, w)
			}
			for _, tag := range []string{"태그00", "메모09"} {
				if got := taggedNames(t, to, tag); !slices.Equal(got, []string{"김하늘"}) {
					t.Errorf("/customers #%s after the round trip finds %q, want 김하늘", tag, got)
				}
			}
		})
	}
}
