package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/korean"

	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
)

// ledgerState is what a test reads back from a ledger file after a run.
type ledgerState struct {
	byPhone  map[string]ledger.Customer
	balances map[string]int64 // by customer id
	points   []ledger.PointsEntry
	audit    []ledger.AuditEntry
}

// readLedger opens the ledger at path, reads everything tests look at and
// closes it, so the next run of dangol can open it.
func readLedger(t *testing.T, path string) ledgerState {
	t.Helper()
	s, err := ledger.Open(path, testLedgerOptions(t, path))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := ledgerState{byPhone: map[string]ledger.Customer{}, balances: map[string]int64{}}
	err = s.View(context.Background(), func(tx *ledger.Tx) error {
		err := tx.ForEachCustomer(func(c ledger.Customer) error {
			st.byPhone[c.Phone] = c
			bal, err := tx.Balance(c.ID)
			st.balances[c.ID] = bal
			return err
		})
		if err != nil {
			return err
		}
		if err := tx.ScanPoints(time.Time{}, endOfTime, func(p ledger.PointsEntry) error {
			st.points = append(st.points, p)
			return nil
		}); err != nil {
			return err
		}
		return tx.ScanAudit(time.Time{}, endOfTime, func(a ledger.AuditEntry) error {
			st.audit = append(st.audit, a)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func birthday(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// cp949File writes the UTF-8 fixture name encoded as CP949, the way Korean
// Excel saves "CSV (쉼표로 분리)", and returns its path.
func cp949File(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "import", name))
	if err != nil {
		t.Fatal(err)
	}
	b, err := korean.EUCKR.NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cp949.csv")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImport(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	fixture := func(name string) func(*testing.T) string {
		return func(*testing.T) string { return filepath.Join("testdata", "import", name) }
	}
	tests := []struct {
		name     string
		file     func(*testing.T) string
		lang     string
		imported int
		rejected []int    // row numbers
		want     []string // lines in the report
		check    map[string]ledger.Customer
		points   map[string]int64 // balance by phone
	}{
		{
			name:     "KoreanUTF8BOM",
			file:     fixture("ko-bom.csv"),
			imported: 4,
			want: []string{
				"고객 명부 가져오기: ko-bom.csv (UTF-8 BOM, 머리글 3행)",
				"읽은 열: 고객명 → 이름, 연락처 → 전화번호, 생년월일 → 생일, 선호사항 → 선호, 특이사항 → 특이사항, 분류 → 태그, 첫방문 → 등록일, 적립금 → 포인트, 방문횟수 → 방문횟수",
				"쓰지 않은 열: 담당",
				"가져옴 4명 · 건너뜀 0명 (이미 있는 전화번호) · 제외 0행",
				"옮기는 포인트 잔액: 모두 2,050P (고객마다 '명부에서 옮긴 잔액' 조정 한 건)",
				"등록일이 없는 1명은 오늘 등록한 고객으로 기록돼요. 이번 주 요약의 신규 고객 수에 들어가요.",
				"방문 기록을 옮긴 고객: 4명 중 0명 (최근 방문일이 있는 행: 방문횟수가 없으면 그날 1회로, 2회 이상이면 등록일이 최근 방문보다 앞선 행). 나머지는 dangol 에서 방문이 새로 쌓여요.",
				"가져온 고객은 아직 텔레그램에서 동의하지 않은 상태예요. 종이 동의서는 가게에서 보관해 주세요. 고객이 텔레그램을 연결할 때 다시 동의를 받고, 그 전에는 주간 요약의 생일 목록에 나오지 않아요.",
			},
			check: map[string]ledger.Customer{
				"01012345678": {Name: "김하늘", Birthday: birthday(1990, 3, 15), Preferences: "따뜻한 물", Remarks: "두피 민감",
					Tags: []string{"VIP", "펌"}, CreatedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, seoul)},
				"01098765432": {Name: "이서연", Birthday: birthday(1990, 3, 15), Tags: []string{"단골", "커트"}, CreatedAt: time.Date(2024, 6, 3, 0, 0, 0, 0, seoul)},
				"01055556666": {Name: "박민준", Birthday: birthday(0, 3, 15), CreatedAt: time.Date(2024, 7, 1, 0, 0, 0, 0, seoul)},
				"021234567":   {Name: "최유나", Birthday: birthday(0, 3, 15), Remarks: "메모, 쉼표 포함\n두 줄", CreatedAt: seededNow},
			},
			points: map[string]int64{"01012345678": 1750, "01098765432": 300, "01055556666": 0, "021234567": 0},
		},
		{
			name:     "CP949",
			file:     func(t *testing.T) string { return cp949File(t, "cp949-source.csv") },
			imported: 2,
			want:     []string{"(CP949, 머리글 1행)", "읽은 열: 이름 → 이름, 휴대폰 → 전화번호, 생일 → 생일, 메모 → 특이사항, 구분 → 태그, 등록일 → 등록일, 포인트 → 포인트"},
			check: map[string]ledger.Customer{
				"01012345678": {Name: "김하늘", Birthday: birthday(1990, 3, 15), Remarks: "두피 민감", Tags: []string{"VIP"}, CreatedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, seoul)},
				"01077778888": {Name: "정우성", Birthday: birthday(1973, 3, 20), Remarks: "커피, 설탕 없이", Tags: []string{"단골", "커트"}, CreatedAt: time.Date(2024, 7, 1, 0, 0, 0, 0, seoul)},
			},
			points: map[string]int64{"01012345678": 1750, "01077778888": 0},
		},
		{
			name:     "EnglishHeaders",
			file:     fixture("en.csv"),
			lang:     "en",
			imported: 2,
			want: []string{
				"Customer import: en.csv (UTF-8, header on row 1)",
				"Columns read: Name → name, Phone Number → phone, Birthday → birthday, Preferences → preferences, Notes → remarks, Tags → tags, Registered → registered, Points → points, Visits → visits",
				"Imported 2 · skipped 0 (phone already known) · rejected 0 rows",
				"1 customer without a registration date is recorded as registered today, and counts as a new customer in this week's summary.",
			},
			check: map[string]ledger.Customer{
				"01033334444": {Name: "Jane Kim", Birthday: birthday(1985, 12, 1), Preferences: "latte", Remarks: "allergic to nuts",
					Tags: []string{"VIP", "color"}, CreatedAt: time.Date(2023, 1, 15, 0, 0, 0, 0, seoul)},
				"01044445555": {Name: "Min Park", Birthday: birthday(0, 12, 24), CreatedAt: seededNow},
			},
			points: map[string]int64{"01033334444": 500},
		},
		{
			name:     "BadRows",
			file:     fixture("bad.csv"),
			imported: 2,
			rejected: []int{2, 3, 4, 5, 6, 7, 8, 12},
			want: []string{
				"가져옴 2명 · 건너뜀 1명 (이미 있는 전화번호) · 제외 8행",
				"  10행 다른이름: 9행과 전화번호가 같아요",
				"  2행: 이름이 비어 있어요",
				"  3행: 알아볼 수 없는 전화번호예요: 123",
				"  4행: 전화번호가 비어 있어요",
				"  5행: 생일 2월 30일: 2월 30일은 없는 날짜예요 (2월은 29일까지)", // it read "알아볼 수 없는 생일이에요"
				"  6행: 알아볼 수 없는 포인트예요: -100 (0 이상의 정수)",
				"  7행: 미래 날짜예요: 등록일 2099-01-01",
				"  8행: 전화번호가 1.01E+10 처럼 숫자로 바뀌어 뒷자리가 사라졌어요. 엑셀에서 전화번호 열을 텍스트 형식으로 바꾼 뒤 다시 저장해 주세요",
				"  12행: 이름이 너무 길어요 (100자까지)", // it read "장부에 넣을 수 없어요: name longer than 100 characters"
			},
			check: map[string]ledger.Customer{
				"01011116666": {Name: "좋은이름", CreatedAt: seededNow},
				// The export's guard against formulas is taken off again.
				"01011118888": {Name: `=HYPERLINK("x")`, CreatedAt: seededNow},
			},
			points: map[string]int64{"01011118888": 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "shop.db")
			env := map[string]string{"DANGOL_DB": db, "DANGOL_LANG": tt.lang}
			r := runMainAt(t, seededNow, env, "import", tt.file(t))
			if r.err != nil {
				t.Fatalf("import: %v\n%s", r.err, r.stderr)
			}
			lines := strings.Split(r.stdout, "\n")
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("the report lacks %q:\n%s", w, r.stdout)
				}
			}
			var rejected []int
			for _, l := range lines {
				var row int
				if _, err := fmt.Sscanf(l, "  %d행:", &row); err == nil {
					rejected = append(rejected, row)
				}
			}
			if !slices.Equal(rejected, tt.rejected) {
				t.Errorf("rejected rows %v, want %v:\n%s", rejected, tt.rejected, r.stdout)
			}

			st := readLedger(t, db)
			if len(st.byPhone) != tt.imported {
				t.Errorf("%d customers in the ledger, want %d", len(st.byPhone), tt.imported)
			}
			for phone, want := range tt.check {
				got, ok := st.byPhone[phone]
				if !ok {
					t.Errorf("no customer with phone %s", phone)
					continue
				}
				if got.Name != want.Name || !got.Birthday.Equal(want.Birthday) || got.Preferences != want.Preferences ||
					got.Remarks != want.Remarks || !slices.Equal(got.Tags, want.Tags) || !got.CreatedAt.Equal(want.CreatedAt) {
					t.Errorf("customer %s =\n%+v\nwant\n%+v", phone, got, want)
				}
				if got.Consent != (ledger.Consent{}) || len(got.Links) != 0 || got.Visits != 0 {
					t.Errorf("customer %s: consent %+v, links %v, visits %d; want none: an import is not a consent, and these sheets have no last visit", phone, got.Consent, got.Links, got.Visits)
				}
				if bal := st.balances[got.ID]; bal != tt.points[phone] {
					t.Errorf("customer %s has %d points, want %d", phone, bal, tt.points[phone])
				}
			}
			for _, p := range st.points {
				if p.Kind != ledger.PointsAdjust || p.Reason != "import" || p.ActorID != "system:import" || !p.At.Equal(seededNow) {
					t.Errorf("points entry %+v, want an adjust with reason import by system:import", p)
				}
			}
			if len(st.audit) != tt.imported {
				t.Errorf("%d audit entries, want one per imported customer (%d)", len(st.audit), tt.imported)
			}
			for _, a := range st.audit {
				if a.Action != "import" || a.ActorID != "system:import" || a.CustomerID == "" || !strings.HasPrefix(a.Detail, "file=") {
					t.Errorf("audit entry %+v, want action import by system:import naming the file", a)
				}
			}
		})
	}
}

// TestImport_VisitsInAudit: the sheet's visit count cannot become the
// ledger's (it counts visits it saw), so it is kept where it can be read.
func TestImport_VisitsInAudit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	if r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", "testdata/import/ko-bom.csv"); r.err != nil {
		t.Fatal(r.err)
	}
	st := readLedger(t, db)
	details := map[string]string{}
	for _, a := range st.audit {
		details[a.CustomerID] = a.Detail
	}
	if got, want := details[st.byPhone["01012345678"].ID], "file=ko-bom.csv row=4 visits=12"; got != want {
		t.Errorf("audit detail %q, want %q", got, want)
	}
	if got, want := details[st.byPhone["01055556666"].ID], "file=ko-bom.csv row=6"; got != want {
		t.Errorf("audit detail %q, want %q (no visit count in the sheet)", got, want)
	}
}

// TestImport_Rerun: importing the same file again adds nothing, changes
// nothing, and says why; a customer already in the ledger keeps what it had.
func TestImport_Rerun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	seed(t, db) // 김하늘 01012345678, 1750 points
	env := map[string]string{"DANGOL_DB": db}
	first := runMainAt(t, seededNow, env, "import", "testdata/import/ko-bom.csv")
	if first.err != nil {
		t.Fatal(first.err)
	}
	for _, want := range []string{"가져옴 3명 · 건너뜀 1명 (이미 있는 전화번호) · 제외 0행", "  4행 김하늘: 장부에 이미 있는 전화번호예요\n"} {
		if !strings.Contains(first.stdout, want) {
			t.Errorf("first import lacks %q:\n%s", want, first.stdout)
		}
	}
	st := readLedger(t, db)
	if c := st.byPhone["01012345678"]; c.ID != "C1" || c.Preferences != "따뜻한 물" || c.Remarks != "" || st.balances["C1"] != 1750 {
		t.Errorf("the existing customer was changed: %+v, %d points", c, st.balances["C1"])
	}
	before := runMainAt(t, seededNow, env, "export").stdout

	again := runMainAt(t, seededNow.Add(time.Hour), env, "import", "testdata/import/ko-bom.csv")
	if again.err != nil {
		t.Fatal(again.err)
	}
	if want := "가져옴 0명 · 건너뜀 4명 (이미 있는 전화번호) · 제외 0행"; !strings.Contains(again.stdout, want) {
		t.Errorf("second import lacks %q:\n%s", want, again.stdout)
	}
	if strings.Contains(again.stdout, "동의하지 않은") {
		t.Errorf("the consent note is printed though nobody was imported:\n%s", again.stdout)
	}
	if after := runMainAt(t, seededNow, env, "export").stdout; after != before {
		t.Errorf("a second import changed the ledger:\n%s\nwant\n%s", after, before)
	}
	if n := len(readLedger(t, db).audit); n != len(st.audit) {
		t.Errorf("%d audit entries after the second import, want %d", n, len(st.audit))
	}
}

// TestImport_DryRun reports what an import would do and keeps none of it.
func TestImport_DryRun(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "shop.db")
		seed(t, db)
		env := map[string]string{"DANGOL_DB": db}
		before := runMainAt(t, seededNow, env, "export").stdout
		audit := len(readLedger(t, db).audit)
		r := runMainAt(t, seededNow, env, "import", "--dry-run", "testdata/import/ko-bom.csv")
		if r.err != nil {
			t.Fatal(r.err)
		}
		for _, want := range []string{
			"미리 보기 (--dry-run, 아무것도 저장하지 않았어요): ko-bom.csv (UTF-8 BOM, 머리글 3행)",
			"가져올 고객 3명 · 건너뛸 고객 1명 (이미 있는 전화번호) · 제외할 행 0행",
			"  4행 김하늘: 장부에 이미 있는 전화번호예요\n",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
			}
		}
		if after := runMainAt(t, seededNow, env, "export").stdout; after != before {
			t.Errorf("a dry run changed the ledger:\n%s", after)
		}
		if n := len(readLedger(t, db).audit); n != audit {
			t.Errorf("a dry run wrote %d audit entries", n-audit)
		}
	})
	t.Run("NoDataFileYet", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "shop.db")
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", "testdata/import/ko-bom.csv", "--dry-run")
		if r.err != nil || !strings.Contains(r.stdout, "가져올 고객 4명") {
			t.Fatalf("err %v, report:\n%s", r.err, r.stdout)
		}
		if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a dry run created %s (stat: %v)", db, err)
		}
	})
}

// TestImport_RoundTrip: what dangol export --format csv writes, dangol
// import reads back: names (a formula-like one too), phones, balances, tags
// and registration times.
func TestImport_RoundTrip(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
	seed(t, from)
	out := filepath.Join(dir, "customers.csv")
	if r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": from}, "export", "--format", "csv", "--out", out); r.err != nil {
		t.Fatal(r.err)
	}
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": to}, "import", "--new", out) // beside from's key: --new
	if r.err != nil {
		t.Fatal(r.err)
	}
	if want := "쓰지 않은 열: id, consent"; !strings.Contains(r.stdout, want) {
		t.Errorf("report lacks %q:\n%s", want, r.stdout)
	}
	// The columns an import carries (visits and last_visit where the
	// history has a usual gap: see TestImport_Visits); consent is the
	// customer's own and is asked again.
	carried := func(db string) [][]string {
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "export", "--format", "csv")
		if r.err != nil {
			t.Fatal(r.err)
		}
		recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]string
		for _, rec := range recs[1:] {
			rows = append(rows, []string{rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], rec[8]}) // name, phone, points, visits, last_visit, tags, created_at
		}
		return rows
	}
	got, want := carried(to), carried(from)
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("after the round trip:\n%q\nwant\n%q", got, want)
	}
}

// countdownCtx is a context whose Err turns to Canceled on its n-th call:
// an import interrupted in the middle of its transaction.
type countdownCtx struct {
	context.Context
	n atomic.Int32
}

func (c *countdownCtx) Err() error {
	if c.n.Add(-1) <= 0 {
		return context.Canceled
	}
	return nil
}

// TestImport_AllOrNothing: an import stopped after some customers were
// created in its transaction keeps none of them.
func TestImport_AllOrNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	before := runMainAt(t, seededNow, env, "export").stdout
	// One check as the transaction starts, then one per row: the fourth
	// row of ko-bom.csv is where it stops, three customers in.
	ctx := &countdownCtx{Context: context.Background()}
	ctx.n.Store(1 + 4)
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &strings.Builder{},
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return seededNow },
	}
	err := m.Run(ctx, []string{"import", "testdata/import/ko-bom.csv"})
	if cerr := m.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "가져오지 못했어요. 장부에는 아무것도 저장하지 않았어요") {
		t.Fatalf("err = %v, want context.Canceled saying nothing was imported", err)
	}
	if strings.Contains(err.Error(), "지웠어요") {
		t.Errorf("err = %v: the data file was there before, it must not be said removed", err)
	}
	if after := runMainAt(t, seededNow, env, "export").stdout; after != before {
		t.Errorf("an interrupted import kept something:\n%s", after)
	}
}

// TestImport_ListsAtMost20 keeps the report readable for a sheet in the
// wrong shape: 20 rows listed, then how many more.
func TestImport_ListsAtMost20(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("이름,전화번호\n")
	for i := range 25 {
		fmt.Fprintf(&b, "고객%d,없음\n", i)
	}
	path := filepath.Join(dir, "wrong.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": filepath.Join(dir, "shop.db")}, "import", path)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if n := strings.Count(r.stdout, "알아볼 수 없는 전화번호예요: 없음"); n != 20 {
		t.Errorf("%d rejected rows listed, want 20:\n%s", n, r.stdout)
	}
	if !strings.Contains(r.stdout, "  … 그 밖에 5행\n") {
		t.Errorf("the report does not say how many more:\n%s", r.stdout)
	}
}

func TestImport_Errors(t *testing.T) {
	t.Parallel() // its own data files; most of its time is waiting out a lock's timeout
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	noHeader := write("no-header.csv", []byte("고객관리장부\n김하늘,010-1234-5678\n"))
	empty := write("empty.csv", []byte(" \r\n"))
	garbage := write("garbage.csv", []byte{0xff, 0xfe - 1, 0x00, 0x81, 0x00, 0xc8})
	broken := write("broken.csv", []byte("이름,전화번호\n김하늘,\"010-1234-5678\"x\"\n"))
	// dangol export's JSON cut short: the JSON an export writes is read
	// (TestExportImport_RoundTrip), one that is not whole says so.
	exported := write("all.json", []byte("{\"customers\":[\n{\"id\":\"C1\",\"name\":\"김하늘\"}\n"))
	ledgerFile := write("shop-backup.db", append(make([]byte, 16), []byte("\xed\xda\x0c\xed\x02\x00\x00\x00")...))
	tests := []struct {
		name  string
		args  []string
		want  string
		usage bool
	}{
		{"ErrNoHeader", []string{"import", noHeader}, "no-header.csv: 머리글 행을 찾지 못했어요. 처음 10행 안에 이름 열", false},
		{"ErrNoHeaderEnglish", []string{"--lang", "en", "import", noHeader}, "no header row found", false},
		{"ErrEmpty", []string{"import", empty}, "empty.csv: 빈 파일이에요.", false},
		{"ErrEncoding", []string{"import", garbage}, "garbage.csv: 글자를 읽을 수 없어요.", false},
		{"ErrMissing", []string{"import", filepath.Join(dir, "nope.csv")}, "no such file", false},
		{"ErrFormat", []string{"import", "--format", "xls", noHeader}, usageText("cli.err.import_format", map[string]any{"Value": "xls"}), true},
		{"ErrCSVAsXLSX", []string{"import", "--format", "xlsx", noHeader}, "no-header.csv: 엑셀 통합 문서(.xlsx)가 아니라 글자(CSV) 파일이에요. --format xlsx 를 빼면", false},
		{"ErrSheetOfCSV", []string{"import", "--sheet", "고객", noHeader}, "CSV 파일에는 시트가 없어요. --sheet 고객은", false},
		{"ErrArgs", []string{"import"}, usageText("cli.err.args", map[string]any{"Command": "import", "Want": 1, "Got": 0, "Args": "[]"}), true},
		{"ErrBrokenCSV", []string{"import", broken}, "broken.csv: 2번째 줄의 CSV 형식이 깨져 있어요", false},
		// dangol's own files say what they are and what takes them (a
		// CSV parser's error, and "글자를 읽을 수 없어요", before).
		{"ErrExportJSON", []string{"import", exported}, exported + ": dangol export 로 내보낸 JSON 파일 같은데 읽을 수 없어요", false},
		{"ErrLedgerFile", []string{"import", ledgerFile}, testCatalog.Text("ko", "cli.import.err.ledger", map[string]any{"File": ledgerFile}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "shop.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, tt.args...)
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) || isUsage(r.err) != tt.usage {
				t.Fatalf("err = %v, want one containing %q (usage error: %t)", r.err, tt.want, tt.usage)
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("a refused import created %s", db)
			}
		})
	}

	t.Run("ErrLocked", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "shop.db")
		s := mustOpenStore(t, db)
		defer s.Close()
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", "testdata/import/en.csv")
		if !errors.Is(r.err, ledger.ErrLocked) || !strings.Contains(r.err.Error(), "파일은 실행 중인 dangol 이 쓰고 있어요") {
			t.Fatalf("err = %v, want the localised ErrLocked", r.err)
		}
	})
}

func TestDecodeSheet(t *testing.T) {
	euckr, _ := korean.EUCKR.NewEncoder().String("이름,전화번호\n")
	tests := []struct {
		name, in, want, enc string
	}{
		{"UTF8", "이름,전화번호\n", "이름,전화번호\n", "UTF-8"},
		{"UTF8BOM", "\uFEFF이름,전화번호\n", "이름,전화번호\n", "UTF-8 BOM"},
		{"CP949", euckr, "이름,전화번호\n", "CP949"},
		{"UTF16LE", "\xff\xfe" + "\x74\xc7\x84\xb9\x09\x00", "이름\t", "UTF-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, err := decodeSheet([]byte(tt.in))
			if err != nil || got != tt.want || enc != tt.enc {
				t.Errorf("decodeSheet = %q, %q, %v; want %q, %q", got, enc, err, tt.want, tt.enc)
			}
		})
	}
}

func TestParseBirthday(t *testing.T) {
	now := seededNow // 2026-12-01
	tests := []struct {
		in   string
		want time.Time // zero: refused
	}{
		{"1990-03-15", birthday(1990, 3, 15)},
		{"1990.3.15", birthday(1990, 3, 15)},
		{"1990. 3. 15.", birthday(1990, 3, 15)},
		{"1990/03/15", birthday(1990, 3, 15)},
		{"1990년 3월 15일", birthday(1990, 3, 15)},
		{"19900315", birthday(1990, 3, 15)},
		{"900315", birthday(1990, 3, 15)},
		{"050315", birthday(2005, 3, 15)},
		{"261130", birthday(2026, 11, 30)},
		{"261202", birthday(1926, 12, 2)}, // 2026-12-02 is tomorrow
		{"90.3.15", birthday(1990, 3, 15)},
		{"3/15/1990", birthday(1990, 3, 15)},
		{"3/15", birthday(0, 3, 15)},
		{"03-15", birthday(0, 3, 15)},
		{"3월 15일", birthday(0, 3, 15)},
		{"0315", birthday(0, 3, 15)},
		{"2/29", birthday(0, 2, 29)},
		{"0000-03-15", birthday(0, 3, 15)}, // dangol's JSON export of a birthday without a year, and older CSVs
		{"March 15", birthday(0, 3, 15)},   // the English CSV export's
		{"Mar 15", birthday(0, 3, 15)},
		{"sept. 9", birthday(0, 9, 9)},
		{"March 15, 1990", birthday(1990, 3, 15)},
		{"February 30", time.Time{}},
		{"Ma 15", time.Time{}},
		{"Marchy 15", time.Time{}},
		{"15/3", time.Time{}}, // day first: not how Korean sheets write it
		{"1990-02-30", time.Time{}},
		{"1990-13-01", time.Time{}},
		{"1899-01-01", time.Time{}},
		{"2027-01-01", time.Time{}},
		{"1990", time.Time{}},
		{"32947", time.Time{}}, // an Excel serial number
		{"3월", time.Time{}},
		{"봄", time.Time{}},
		{"1990-03-15 00:00", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseBirthday(tt.in, now)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("parseBirthday(%q) = %v, %t; want %v", tt.in, got, ok, tt.want)
			}
		})
	}
}

func TestParseDay(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	day := func(y, m, d, h, mi int) time.Time { return time.Date(y, time.Month(m), d, h, mi, 0, 0, seoul) }
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-11-23 10:00", day(2026, 11, 23, 10, 0)}, // dangol's CSV export
		{"2026-11-23", day(2026, 11, 23, 0, 0)},
		{"2026.11.23", day(2026, 11, 23, 0, 0)},
		{"2026. 11. 23.", day(2026, 11, 23, 0, 0)},
		{"2026. 11. 23. 10:05", day(2026, 11, 23, 10, 5)},
		{"2026/11/23 9:30:00", day(2026, 11, 23, 9, 30)},
		{"20261123", day(2026, 11, 23, 0, 0)},
		{"2026년 11월 23일", day(2026, 11, 23, 0, 0)},
		{"2026-11-23T10:00:00+09:00", day(2026, 11, 23, 10, 0)},
		{"11/23", time.Time{}},
		{"2026-11-31", time.Time{}},
		{"2026-11-23 25:00", time.Time{}},
		{"어제", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDay(tt.in, seoul)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("parseDay(%q) = %v, %t; want %v", tt.in, got, ok, tt.want)
			}
		})
	}
}

// TestReadDay: registration and visit dates are read by the birthdays'
// rule (readDateParts): a two-digit year is the latest not in the future,
// and a date without a year the latest such day up to now.
func TestReadDay(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, seoul)
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, seoul) }
	tests := []struct {
		in       string
		want     time.Time
		yearless bool
		reason   string // the id of a date refused
	}{
		{in: "2024-05-01", want: day(2024, 5, 1)},
		{in: "2026. 11. 23. 10:05", want: time.Date(2026, 11, 23, 10, 5, 0, 0, seoul)},
		{in: "2026-11-23T10:00:00+09:00", want: time.Date(2026, 11, 23, 10, 0, 0, 0, seoul)},
		{in: "24-05-01", want: day(2024, 5, 1)}, // it read "알아볼 수 없는 날짜예요"
		{in: "26-03-05", want: day(2026, 3, 5)},
		{in: "24.5.1", want: day(2024, 5, 1)},
		{in: "240501", want: day(2024, 5, 1)},
		{in: "98.3.1", want: day(1998, 3, 1)},
		{in: "26-12-01 09:00", want: time.Date(2026, 12, 1, 9, 0, 0, 0, seoul)},
		// Not 1927: in this century, where it is a future day the
		// caller refuses.
		{in: "27-01-01", want: day(2027, 1, 1)},
		{in: "3월 5일", want: day(2026, 3, 5), yearless: true},
		{in: "3/5", want: day(2026, 3, 5), yearless: true},
		{in: "12/1", want: day(2026, 12, 1), yearless: true},     // today
		{in: "12월 25일", want: day(2025, 12, 25), yearless: true}, // not yet this year: last year's
		{in: "2/29", want: day(2024, 2, 29), yearless: true},
		{in: "March 5", want: day(2026, 3, 5), yearless: true},
		{in: "2/30", reason: "cli.import.reason.date_no_such_day"},
		{in: "2026-11-31", reason: "cli.import.reason.date_no_such_day"},
		{in: "24-13-01", reason: "cli.import.reason.date_no_such_day"},
		{in: "15/3", reason: "cli.import.reason.date_no_such_day"}, // "15월은 없어요", as for a birthday
		{in: "1899-01-01", reason: "cli.import.reason.bad_date"},
		{in: "2024", reason: "cli.import.reason.bad_date"}, // a year alone, not 20월 24일
		{in: "0305", reason: "cli.import.reason.bad_date"},
		{in: "2026-11-23 25:00", reason: "cli.import.reason.bad_date"},
		{in: "어제", reason: "cli.import.reason.bad_date"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, yearless, why := readDay(tt.in, "최근 방문일", seoul, now)
			if why.id != tt.reason || !got.Equal(tt.want) || yearless != tt.yearless {
				t.Errorf("readDay(%q) = %v, yearless %t, reason %q; want %v, %t, %q", tt.in, got, yearless, why.id, tt.want, tt.yearless, tt.reason)
			}
		})
	}
}

// TestImport_DateForms: the tester's rows, refused over their dates, are
// imported, and a date without a year is shown as the day it was read as.
func TestImport_DateForms(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	path := filepath.Join(t.TempDir(), "장부.csv")
	sheet := "번호,고객명,연락처,생년월일,첫방문,최근 방문일,방문횟수\n" +
		"2,이 수민,01022223333,900315,24-05-01,26-03-05,3\n" +
		"3,박서준,+82 10 5555 6666,3월 5일,2025년 1월 3일,3월 5일,7\n" +
		"4,한지민,010-6666-7777,,27-01-01,,\n"
	if err := os.WriteFile(path, []byte(sheet), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "shop.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db, "DANGOL_LANG": lang}, "import", "--dry-run", path)
			if r.err != nil {
				t.Fatal(r.err)
			}
			want := map[string][]string{
				"ko": {
					"가져올 고객 2명 · 건너뛸 고객 0명 (이미 있는 전화번호) · 제외할 행 1행",
					"  4행: 미래 날짜예요: 첫방문 27-01-01",
					"연도 없이 적힌 날짜 1개는 오늘이 지나지 않는 가장 가까운 그날로 읽었어요: 3행 최근 방문일 3월 5일 → 2026-03-05. 다른 해라면",
				},
				"en": {"1 date was written without a year and read as the latest such day up to today: row 3 최근 방문일 3월 5일 → 2026-03-05. If another year"},
			}[lang]
			for _, w := range want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("the report lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
	db := filepath.Join(t.TempDir(), "shop.db")
	if r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", path); r.err != nil {
		t.Fatal(r.err)
	}
	st := readLedger(t, db)
	if c := st.byPhone["01022223333"]; !c.CreatedAt.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, seoul)) || !c.Birthday.Equal(birthday(1990, 3, 15)) ||
		!c.LastVisit.Equal(time.Date(2026, 3, 5, 0, 0, 0, 0, seoul)) || c.Visits != 3 {
		t.Errorf("이 수민 = registered %v, birthday %v, last visit %v, %d visits; want 2024-05-01, 1990-03-15, 2026-03-05, 3", c.CreatedAt, c.Birthday, c.LastVisit, c.Visits)
	}
	if c := st.byPhone["01055556666"]; !c.LastVisit.Equal(time.Date(2026, 3, 5, 0, 0, 0, 0, seoul)) || c.Visits != 7 {
		t.Errorf("박서준 = last visit %v, %d visits; want 2026-03-05, 7", c.LastVisit, c.Visits)
	}
}

// TestImport_NamelessRows: a row without a name and a phone is an erased
// customer's only in dangol's export; in a shop's sheet (the rest of a
// merged cell) it is refused showing what it held, and a row numbered
// ahead with nothing else is passed over as empty.
func TestImport_NamelessRows(t *testing.T) {
	tests := []struct {
		name, sheet string
		want        []string
		not         string
	}{
		{
			name: "ShopSheet",
			sheet: "No,성명,핸드폰,구분,비고\n" +
				"1,김하늘,010-1234-5678,VIP,두피 민감\n" +
				"2,,,단골,위 칸과 같음(병합)\n" +
				"3,,,,\n",
			want: []string{
				"가져올 고객 1명 · 건너뛸 고객 0명 (이미 있는 전화번호) · 제외할 행 1행",
				"  3행: 이름과 전화번호가 없는 행이에요 (적힌 칸: 구분 단골 · 비고 위 칸과 같음(병합)). 병합된 칸이 이어진 행이면",
			},
			not: "삭제된 고객", // it read "(삭제된 고객의 행): 3행, 4행"
		},
		{
			name: "Export",
			sheet: "id,name,phone,points,visits,consent\n" +
				"C1,김하늘,010-1234-5678,0,2,given\n" +
				"C2,,,0,3,withdrawn\n",
			want: []string{
				"가져올 고객 1명 · 건너뛸 고객 0명 (이미 있는 전화번호) · 제외할 행 0행",
				"이름도 전화번호도 없는 1행은 건너뛰었어요 (삭제된 고객의 행): 3행",
			},
			not: "이름과 전화번호가 없는 행이에요",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "장부.csv")
			if err := os.WriteFile(path, []byte(tt.sheet), 0o600); err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "shop.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", "--dry-run", path)
			if r.err != nil {
				t.Fatal(r.err)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("the report lacks %q:\n%s", w, r.stdout)
				}
			}
			if strings.Contains(r.stdout, tt.not) {
				t.Errorf("the report says %q:\n%s", tt.not, r.stdout)
			}
		})
	}
}

// TestImport_TierTags: VIP or 단골 in a 구분 column become tags, not the
// tier, and the report says where they went and how to find them, so a
// shop is not surprised that /customers VIP (a tier) lists nobody.
func TestImport_TierTags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "장부.csv")
	sheet := "성명,핸드폰,구분\n" +
		"김하늘,010-1234-5678,\"VIP, 펌\"\n" +
		"박서준,010-5555-6666,vip\n" +
		"이수민,010-2222-3333,단골\n" +
		"최지우,010-7777-8888,염색\n"
	if err := os.WriteFile(path, []byte(sheet), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		args []string
		want string
	}{
		{"ko", []string{"--dry-run"}, "구분 열의 VIP(2명), 단골(1명)은 태그로 넣었어요 — 등급은 방문 횟수·금액 규칙으로 정해져요. 태그로 찾으려면 /customers #VIP (/customers VIP는 등급으로 찾아요). 장부의 등급에서 시작하게 하려면 등급만 적힌 열의 머리글을 '등급'으로 바꿔 가져오세요.\n"},
		{"ko", nil, "등급을 정해 두려면: /customer 고객 등급 VIP\n"},
		{"en", []string{"--dry-run"}, "VIP (2 customers), 단골 (1 customer) in the 구분 column went in as tags — tiers come from the visit and spend rules. To find them by tag: /customers #VIP (/customers VIP lists the tier)."},
	}
	for _, tt := range tests {
		t.Run(tt.lang+strings.Join(tt.args, ""), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "shop.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db, "DANGOL_LANG": tt.lang}, append(append([]string{"import"}, tt.args...), path)...)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if !strings.Contains(r.stdout, tt.want) {
				t.Errorf("the report lacks %q:\n%s", tt.want, r.stdout)
			}
		})
	}
}

func TestImportCells(t *testing.T) {
	t.Run("Phone", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"010-1234-5678", "01012345678"},
			{"1012345678", "01012345678"}, // Excel dropped the leading 0
			{"212345678", "0212345678"},   // Seoul, the same
			{"+82 10 1234 5678", "01012345678"},
			{"123", ""}, {"010-1234", ""}, {"abc", ""}, {"0", ""}, {"10-1234-5678", ""},
		}
		for _, tt := range tests {
			got, ok := phoneCell(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("phoneCell(%q) = %q, %t; want %q", tt.in, got, ok, tt.want)
			}
		}
	})
	t.Run("Points", func(t *testing.T) {
		for in, want := range map[string]int64{"1750": 1750, "1,750": 1750, "1750P": 1750, "1,750 점": 1750, "300포인트": 300, "1750.0": 1750, "0": 0,
			"1만": 10000, "1.5만P": 15000, "3만 5천 포인트": 35000, "2만원": 20000} {
			if got, ok := parsePoints(in); !ok || got != want {
				t.Errorf("parsePoints(%q) = %d, %t; want %d", in, got, ok, want)
			}
		}
		for _, in := range []string{"-5", "1.5", "많이", "P", "1만1억", "만많이"} {
			if got, ok := parsePoints(in); ok {
				t.Errorf("parsePoints(%q) = %d, want refused", in, got)
			}
		}
	})
	t.Run("Tags", func(t *testing.T) {
		// How shops write several tags in one cell, and tags of several
		// words: a space is never a separator ("두피 케어" was split in
		// two in a cell without commas).
		tests := []struct {
			in   string
			want []string
		}{
			{"펌,염색", []string{"펌", "염색"}},
			{"펌, 염색", []string{"펌", "염색"}},
			{"펌 , 염색 ,", []string{"펌", "염색"}},
			{"펌/염색", []string{"펌", "염색"}},
			{"펌 / 염색", []string{"펌", "염색"}},
			{"펌、염색", []string{"펌", "염색"}},
			{"펌，염색", []string{"펌", "염색"}},
			{"펌·염색", []string{"펌", "염색"}},
			{"펌・염색", []string{"펌", "염색"}},
			{"펌; 염색", []string{"펌", "염색"}},
			{"펌|염색", []string{"펌", "염색"}},
			{"펌\n염색", []string{"펌", "염색"}},
			{"#단골 #커트", []string{"단골", "커트"}},
			{"#VIP, #펌 #커트", []string{"VIP", "펌", "커트"}},
			{"단골, 커트/펌", []string{"단골", "커트", "펌"}},
			{"두피 케어", []string{"두피 케어"}},
			{"펌 염색", []string{"펌 염색"}},
			{"펌, 염색 컷", []string{"펌", "염색 컷"}},
			{"VIP, 뿌리 염색", []string{"VIP", "뿌리 염색"}},
			{"VIP; 두피  관리 ,", []string{"VIP", "두피 관리"}},
			{"#두피 케어 #펌", []string{"두피 케어", "펌"}},
			{"펌ㆍ염색", []string{"펌ㆍ염색"}}, // a Hangul letter, kept in a chat tag
			{" ", nil},
			{"", nil},
		}
		for _, tt := range tests {
			if got := splitTags(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("splitTags(%q) = %q, want %q", tt.in, got, tt.want)
			}
		}
	})
	t.Run("Pinned", func(t *testing.T) {
		tests := []struct {
			in           string
			pinned, read bool
		}{
			{"yes", true, true}, {"YES", true, true}, {"예", true, true}, {"고정", true, true}, {"✓", true, true},
			{"no", false, true}, {"아니요", false, true}, {"0", false, true},
			{"maybe", false, false}, {"vip", false, false},
		}
		for _, tt := range tests {
			if pinned, ok := pinnedWord(tt.in); pinned != tt.pinned || ok != tt.read {
				t.Errorf("pinnedWord(%q) = %t, %t; want %t, %t", tt.in, pinned, ok, tt.pinned, tt.read)
			}
		}
	})
	t.Run("Header", func(t *testing.T) {
		for in, want := range map[string]field{
			" 고객명 ": fieldName, "전화번호 (숫자만)": fieldPhone, "휴대폰번호*": fieldPhone, "Phone Number": fieldPhone,
			"created_at": fieldRegistered, "첫 방문": fieldRegistered, "적립금(원)": fieldPoints, "담당": fieldNone, "": fieldNone,
			"tier_pinned": fieldTierPinned, "등급 고정": fieldTierPinned, "고정": fieldNone,
		} {
			if got := headerAliases[normHeader(in)]; got != want {
				t.Errorf("header %q is field %d, want %d", in, got, want)
			}
		}
	})
}

// TestImport_Visits: a sheet's visit count and last visit carry over when
// they make a history with a usual gap (the at-risk rule needs one), so a
// regular stays a regular; anything less starts afresh and is reported.
func TestImport_Visits(t *testing.T) {
	dir := t.TempDir()
	db, sheet := filepath.Join(dir, "shop.db"), filepath.Join(dir, "visits.csv")
	csvText := "이름,연락처,첫방문,최근 방문일,방문횟수\n" +
		"김단골,010-1111-0001,2025-01-10,2026-11-20,16\n" + // carried: 16 visits, Jan 2025 to Nov 2026
		"이한번,010-1111-0002,,2026-10-01,1\n" + // carried: a single visit needs no first
		"박모름,010-1111-0003,,2026-10-01,5\n" + // no first visit: no usual gap
		"최같은날,010-1111-0004,2026-10-01,2026-10-01,3\n" + // several visits on one day
		"정횟수만,010-1111-0005,2025-01-10,,7\n" // no last visit
	if err := os.WriteFile(sheet, []byte(csvText), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", sheet)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if want := "방문 기록을 옮긴 고객: 5명 중 2명"; !strings.Contains(r.stdout, want) {
		t.Errorf("report lacks %q:\n%s", want, r.stdout)
	}
	st := readLedger(t, db)
	seoul, _ := time.LoadLocation("Asia/Seoul")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, seoul) }
	tests := []struct {
		phone  string
		visits int
		last   time.Time
	}{
		{"01011110001", 16, day(2026, 11, 20)},
		{"01011110002", 1, day(2026, 10, 1)},
		{"01011110003", 0, time.Time{}},
		{"01011110004", 0, time.Time{}},
		{"01011110005", 0, time.Time{}},
	}
	for _, tt := range tests {
		c, ok := st.byPhone[tt.phone]
		if !ok {
			t.Errorf("%s was not imported", tt.phone)
			continue
		}
		if c.Visits != tt.visits || !c.LastVisit.Equal(tt.last) {
			t.Errorf("%s %s: %d visits, last %s; want %d, %s", tt.phone, c.Name, c.Visits, c.LastVisit, tt.visits, tt.last)
		}
	}
}

// TestImport_FieldIDs: the report names every field the import reads by
// a message of its own (fieldIDs), in each language.
func TestImport_FieldIDs(t *testing.T) {
	for f := fieldName; f <= fieldLast; f++ {
		for _, lang := range []string{"ko", "en"} {
			if fieldIDs[f] == "" || !testCatalog.Has(lang, fieldIDs[f]) {
				t.Errorf("field %d has no name in %s (fieldIDs %q)", f, lang, fieldIDs[f])
			}
		}
	}
}

// TestImport_TooLong: a name, preferences or remarks longer than the
// ledger keeps refuses the row saying which, with the limit.
func TestImport_TooLong(t *testing.T) {
	long := strings.Repeat("가", 2001)
	cols := map[field][]int{fieldName: {0}, fieldPhone: {1}, fieldPreferences: {2}, fieldRemarks: {3}}
	headers := []string{"이름", "전화번호", "선호", "특이사항"}
	for _, tt := range []struct {
		rec   []string
		want  string
		limit int
	}{
		{[]string{long[:101*3], "010-3333-1111", "", ""}, "cli.import.reason.too_long_name", 100},
		{[]string{"김", "010-3333-1111", long, ""}, "cli.import.reason.too_long_preferences", 2000},
		{[]string{"김", "010-3333-1111", "", long}, "cli.import.reason.too_long_remarks", 2000},
	} {
		_, reasons := parseRow(tt.rec, cols, headers, time.UTC, seededNow)
		if len(reasons) != 1 || reasons[0].id != tt.want || reasons[0].data["Limit"] != tt.limit {
			t.Errorf("row %.20q…: reasons %v, want %s (limit %d)", tt.rec, reasons, tt.want, tt.limit)
		}
	}
}

// TestImport_ChatListHeaders: the CSV a staff member gets from /customers
// (its headers from the catalog, in either language) names the columns
// import reads, so the list goes back in as it came out.
func TestImport_ChatListHeaders(t *testing.T) {
	want := map[int]field{1: fieldName, 2: fieldPhone, 4: fieldVisits, 5: fieldLastVisit, 6: fieldTags}
	for _, lang := range []string{"ko", "en"} {
		hs := strings.Split(testCatalog.Text(lang, "customers.csv.header", nil), ",")
		for i, f := range want {
			if got, ok := headerAliases[normHeader(hs[i])]; !ok || got != f {
				t.Errorf("%s header %q reads as %v (%v), want %s", lang, hs[i], got, ok, fieldIDs[f])
			}
		}
	}
}

// TestImport_PhoneOfSomeoneElse: a row whose phone is another customer's
// in the ledger names that customer, so the shop sees it is not the same
// person (the report gave only "C1" before).
func TestImport_PhoneOfSomeoneElse(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db) // 김하늘 01012345678
	csv := filepath.Join(dir, "sheet.csv")
	if err := os.WriteFile(csv, []byte("이름,전화번호\n박서연,010-1234-5678\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", csv)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if want := "  2행 박서연: 장부에 이미 있는 전화번호예요 (김하늘님의 번호)"; !strings.Contains(r.stdout, want) {
		t.Errorf("import lacks %q:\n%s", want, r.stdout)
	}
}

// TestCSVRecordRows: each CSV record's row number is the row a spreadsheet
// shows it on: an empty line is a row (encoding/csv passes over it, and
// rows after one were reported one short), a cell with a line break is
// still one row, CRLF or LF alike.
func TestCSVRecordRows(t *testing.T) {
	tests := []struct {
		name, text string
		want       []int
	}{
		{"Plain", "이름,전화번호\n가,010\n나,011\n", []int{1, 2, 3}},
		{"BlankLines", "이름,전화번호\n가,010\n\n\n나,123\n다,010\n", []int{1, 2, 5, 6}},
		{"BlankFirst", "\n이름,전화번호\n가,010\n", []int{2, 3}},
		{"CRLF", "이름,전화번호\r\n가,010\r\n\r\n나,011\r\n", []int{1, 2, 4}},
		{"LineBreakInCell", "이름,메모\n가,\"두 줄\n메모\"\n나,x\n\n다,y", []int{1, 2, 3, 5}},
		{"SpacesLine", "이름,전화번호\n  \n가,010\n", []int{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, rows, err := csvRecords(tt.text)
			if err != nil || !slices.Equal(rows, tt.want) || len(recs) != len(rows) {
				t.Errorf("rows %v (%d records), %v; want %v", rows, len(recs), err, tt.want)
			}
		})
	}
}

// TestImport_PointsTooBig: a balance larger than a points entry holds is a
// rejected row, not a balance that makes the customer's next earn overflow.
func TestImport_PointsTooBig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(path, []byte("이름,전화번호,포인트\n박,010-3333-1111,\"9,223,372,036,854,775,807\"\n최,010-3333-2222,1000000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": filepath.Join(dir, "shop.db")}, "import", path)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := "  2행: " + testCatalog.Text("ko", "cli.import.reason.points_too_big", map[string]any{"Value": "9,223,372,036,854,775,807", "Max": "1,000,000,000"})
	if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "가져옴 1명") {
		t.Errorf("report:\n%s\nwant %q and the other row imported", r.stdout, want)
	}
}

// TestImport_BirthdayFaults: a birthday cell read as a date the calendar
// lacks says which day does not exist, in the words chat uses
// (dialog.BirthdayFault), and one ahead of today says so; each was
// "알아볼 수 없는 생일이에요", as a cell of no date at all still is.
func TestImport_BirthdayFaults(t *testing.T) {
	tests := []struct{ cell, want string }{
		{"2/30", "생일 2/30: 2월 30일은 없는 날짜예요 (2월은 29일까지)"},
		{"2월 30일", "생일 2월 30일: 2월 30일은 없는 날짜예요 (2월은 29일까지)"},
		{"13/01", "생일 13/01: 13월은 없어요 (월은 1부터 12까지)"},
		{"1991-02-29", "생일 1991-02-29: 1991년 2월 29일은 없는 날짜예요 (1991년 2월은 28일까지)"},
		{"900431", "생일 900431: 1990년 4월 31일은 없는 날짜예요 (1990년 4월은 30일까지)"},
		{"2099-01-01", "생일이 앞으로 올 날짜예요: 2099-01-01 (태어난 해를 확인해 주세요)"},
		{"생일모름", "알아볼 수 없는 생일이에요: 생일모름 (예: 1990-03-15, 1990.3.15, 900315, 3/15)"},
	}
	var csv strings.Builder
	csv.WriteString("이름,전화번호,생일\n")
	for i, tt := range tests {
		fmt.Fprintf(&csv, "고객%d,010-2000-%04d,%s\n", i, i, tt.cell)
	}
	dir := t.TempDir()
	file := writeFile(t, filepath.Join(dir, "생일.csv"), []byte(csv.String()))
	r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": filepath.Join(dir, "shop.db")}, "import", file)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for i, tt := range tests {
		if want := fmt.Sprintf("  %d행: %s", i+2, tt.want); !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("the report lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestImport_FormatOptions: a --format or a --sheet the file contradicts
// is refused, naming the option, for every kind import reads (a JSON
// export took --format csv and --sheet 2 without a word), and --format
// json reads a JSON export that the content alone did not tell.
func TestImport_FormatOptions(t *testing.T) {
	dir := t.TempDir()
	exportJSON := []byte(`{"customers":[{"name":"김하늘","phone":"010-1234-5678","points":100}]}`)
	files := map[string]string{
		"json":     writeFile(t, filepath.Join(dir, "all.json"), exportJSON),
		"indented": writeFile(t, filepath.Join(dir, "indented.json"), []byte("\uFEFF{\n  \"customers\": [\n    {\"name\": \"김하늘\", \"phone\": \"010-1234-5678\"}\n  ]\n}\n")),
		"reordered": writeFile(t, filepath.Join(dir, "reordered.json"),
			[]byte(`{"version": 1, "customers": [{"name": "김하늘", "phone": "010-1234-5678"}]}`)),
		"csv":  writeFile(t, filepath.Join(dir, "list.csv"), []byte("이름,전화번호\n김하늘,010-1234-5678\n")),
		"xlsx": writeFile(t, filepath.Join(dir, "list.xlsx"), shopWorkbook(t)),
	}
	refused := func(id, file string, data map[string]any) string {
		data["File"] = files[file]
		return testCatalog.Text("ko", id, data)
	}
	tests := []struct {
		name string
		file string
		args []string
		want string // the error; "" for an import
	}{
		{"JSONAsCSV", "json", []string{"--format", "csv"}, refused("cli.import.err.json_as_csv", "json", map[string]any{"Format": "csv"})},
		{"JSONAsXLSX", "json", []string{"--format", "xlsx"}, refused("cli.import.err.json_as_xlsx", "json", map[string]any{"Format": "xlsx"})},
		{"JSONWithSheet", "json", []string{"--sheet", "2"}, refused("cli.import.err.sheet_json", "json", map[string]any{"Sheet": "2"})},
		{"JSONWithFormatAndSheet", "json", []string{"--format", "json", "--sheet", "2"}, refused("cli.import.err.sheet_json", "json", map[string]any{"Sheet": "2"})},
		{"CSVAsJSON", "csv", []string{"--format", "json"}, refused("cli.import.err.csv_as_json", "csv", map[string]any{"Format": "json"})},
		{"XLSXAsJSON", "xlsx", []string{"--format", "json"}, refused("cli.import.err.xlsx_as_json", "xlsx", map[string]any{"Format": "json"})},
		{"JSON", "json", []string{"--format", "json"}, ""},
		{"JSONAuto", "json", nil, ""},
		{"IndentedAuto", "indented", nil, ""},
		{"ReorderedAsJSON", "reordered", []string{"--format", "json"}, ""},
		{"CSV", "csv", []string{"--format", "csv"}, ""},
		{"XLSXSheet", "xlsx", []string{"--format", "xlsx", "--sheet", "고객목록"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "shop.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, append(append([]string{"import", "--dry-run"}, tt.args...), files[tt.file])...)
			switch {
			case tt.want == "" && r.err != nil:
				t.Fatalf("err = %v, want an import", r.err)
			case tt.want != "" && (r.err == nil || r.err.Error() != tt.want || isUsage(r.err)):
				t.Fatalf("err = %v\nwant %q", r.err, tt.want)
			}
		})
	}
	t.Run("English", func(t *testing.T) {
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db"), "DANGOL_LANG": "en"},
			"import", "--sheet", "2", files["json"])
		if want := "a dangol export JSON file has no sheets; --sheet 2 is for Excel"; r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Fatalf("err = %v, want %q", r.err, want)
		}
	})
}

// TestImport_Progress: on a terminal a big sheet's import shows how many
// rows are done of how many on standard error, to the end; elsewhere, and
// on standard output, it shows none.
func TestImport_Progress(t *testing.T) {
	sheet := writeFile(t, filepath.Join(t.TempDir(), "list.csv"),
		[]byte("이름,전화번호\n김하늘,010-1234-5678\n이도윤,010-2222-3333\n박서준,010-4444-5555\n"))
	label := testCatalog.Text("ko", "cli.import.progress", nil)
	for _, terminal := range []bool{true, false} {
		t.Run(fmt.Sprint("terminal=", terminal), func(t *testing.T) {
			r := runMainWith(t, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db")}, func(m *Main) {
				m.Terminal = func(w io.Writer) bool { return terminal && w == m.Stderr }
				m.progressMin = 1 // the sheet is small
			}, "import", sheet)
			if r.err != nil {
				t.Fatal(r.err)
			}
			shown := strings.Contains(r.stderr, label) && strings.Contains(r.stderr, "3/3") && strings.Contains(r.stderr, "100%")
			if shown != terminal {
				t.Errorf("progress shown %t, want %t:\n%q", shown, terminal, r.stderr)
			}
			if strings.Contains(r.stdout, label) {
				t.Error("the progress went to standard output")
			}
		})
	}
}
