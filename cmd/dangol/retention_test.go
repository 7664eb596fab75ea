package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
)

func TestParseRetention(t *testing.T) {
	tests := []struct {
		in   string
		want ledger.Retention
		ok   bool
	}{
		{"2y", ledger.Retention{Years: 2}, true},
		{"18m", ledger.Retention{Months: 18}, true},
		{"400d", ledger.Retention{Days: 400}, true},
		{"1y6m", ledger.Retention{Years: 1, Months: 6}, true},
		{" 1y 6m ", ledger.Retention{Years: 1, Months: 6}, true},
		{"2Y", ledger.Retention{Years: 2}, true},
		{"2 years", ledger.Retention{Years: 2}, true},
		{"2년", ledger.Retention{Years: 2}, true},
		{"18개월", ledger.Retention{Months: 18}, true},
		{"1년 6개월", ledger.Retention{Years: 1, Months: 6}, true},
		{"10w", ledger.Retention{Days: 70}, true},
		{"0", ledger.Retention{}, true},
		{"off", ledger.Retention{}, true},
		{"0y", ledger.Retention{}, true},
		{"100y", ledger.Retention{Years: 100}, true},
		{"", ledger.Retention{}, false},
		{"2", ledger.Retention{}, false},
		{"y", ledger.Retention{}, false},
		{"two years", ledger.Retention{}, false},
		{"1.5y", ledger.Retention{}, false},
		{"-1y", ledger.Retention{}, false},
		{"2h", ledger.Retention{}, false},
		{"101y", ledger.Retention{}, false},
		{"99999999999999999999d", ledger.Retention{}, false},
	}
	for _, tt := range tests {
		got, ok := parseRetention(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetention(%q) = %+v, %t; want %+v, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestConfig_Retention: DANGOL_RETENTION defaults to two years, and a value
// it cannot read stops dangol before anything is opened, with a line in
// the shop's language naming the variable.
func TestConfig_Retention(t *testing.T) {
	cfg := configFromEnv(func(string) string { return "" })
	if err := cfg.validate((&Main{Config: cfg, Catalog: testCatalog}).usage); err != nil {
		t.Fatal(err)
	}
	if cfg.Retention != (ledger.Retention{Years: 2}) {
		t.Errorf("default retention = %+v, want two years", cfg.Retention)
	}
	for _, tt := range []struct{ lang, value string }{{"ko", "2 decades"}, {"en", "1.5y"}} {
		db := filepath.Join(t.TempDir(), "d.db")
		r := runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_LANG": tt.lang, "DANGOL_RETENTION": tt.value}, "", "chat")
		want := testCatalog.Text(tt.lang, "privacy.err.retention", map[string]any{"Value": tt.value})
		if !isUsage(r.err) || r.err.Error() != want || !strings.Contains(want, "DANGOL_RETENTION") {
			t.Errorf("%s: err = %v, want the usage error %q", tt.lang, r.err, want)
		}
		assertOnlyFiles(t, filepath.Dir(db))
	}
}

// seedRetention makes a shop whose first customer, linked and consenting,
// last came three years before now, and whose second came last month.
func seedRetention(t *testing.T, db string, now time.Time) (gone, kept string) {
	t.Helper()
	s := mustOpenStore(t, db)
	long := now.AddDate(-3, 0, 0)
	err := s.Update(context.Background(), func(tx *ledger.Tx) error {
		a := &ledger.Customer{Name: "옛손님", Phone: "01012340001", CreatedAt: long}
		b := &ledger.Customer{Name: "요즘손님", Phone: "01012340002", CreatedAt: long}
		for _, c := range []*ledger.Customer{a, b} {
			if err := tx.CreateCustomer(c); err != nil {
				return err
			}
		}
		if err := tx.LinkCustomer(a.ID, "telegram:42", ledger.Consent{Given: true, At: long, Purpose: "loyalty+feedback"}); err != nil {
			return err
		}
		if err := tx.RecordVisit(a.ID, long); err != nil {
			return err
		}
		gone, kept = a.ID, b.ID
		if err := tx.RecordVisit(b.ID, now.AddDate(0, -1, 0)); err != nil {
			return err
		}
		// The old one was told a month and a day ago (the notice run),
		// so their erasure day has come.
		_, err := tx.NoticeRetention(ledger.Retention{Years: 2}, now.Location(), now.AddDate(0, 0, -ledger.RetentionNoticeDays-1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return gone, kept
}

// TestRetention_AtStart: serve and chat erase, as they start, a customer
// whose two years are up and who was told the day a month before (dangol
// was off on the day), and keep the one who
// came recently. The export then shows the erased customer's consent
// withdrawn, at the time of the erasure. With DANGOL_RETENTION=0 nobody is
// erased.
func TestRetention_AtStart(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 15, 0, 0, 0, seoul)
	for _, tt := range []struct {
		name, cmd, retention string
		erased               bool
	}{
		{"Chat", "chat", "", true},
		{"Serve", "serve", "", true},
		{"Off", "chat", "0", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "shop.db")
			gone, kept := seedRetention(t, db, now)
			env := map[string]string{"DANGOL_DB": db, "DANGOL_RETENTION": tt.retention}
			var out, logs bytes.Buffer
			m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &logs,
				Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return now }}
			err := m.Run(context.Background(), []string{tt.cmd})
			if cerr := m.Close(); err == nil {
				err = cerr
			}
			if err != nil || strings.Contains(logs.String(), "level=ERROR") {
				t.Fatalf("%s: %v\n%s", tt.cmd, err, logs.String())
			}

			r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export")
			if r.err != nil {
				t.Fatal(r.err)
			}
			var exp struct{ Customers []exportCustomer }
			if err := json.Unmarshal([]byte(r.stdout), &exp); err != nil {
				t.Fatal(err)
			}
			byID := map[string]exportCustomer{}
			for _, c := range exp.Customers {
				byID[c.ID] = c
			}
			g, k := byID[gone], byID[kept]
			if k.Erased || k.Name != "요즘손님" {
				t.Errorf("the recent customer = %+v, want kept", k)
			}
			if !tt.erased {
				if g.Erased || !g.Consent.Given || g.Consent.Withdrawn {
					t.Errorf("with retention off the old customer = %+v, want kept", g)
				}
				return
			}
			at := now.Format(time.RFC3339)
			if !g.Erased || g.Name != "" || g.Phone != "" || len(g.Links) != 0 {
				t.Errorf("the customer past two years = %+v, want erased", g)
			}
			if c := g.Consent; c.Given || !c.Withdrawn || c.WithdrawnAt == nil || *c.WithdrawnAt != at || c.At == nil || c.Purpose != "loyalty+feedback" {
				t.Errorf("erased customer's consent = %+v, want withdrawn at %s, given before", c, at)
			}
			if !strings.Contains(r.stdout, `"actor":"system:retention","action":"erase","customer_id":"`+gone+`","detail":"2y"`) {
				t.Errorf("the export's audit lacks the retention job's erasure:\n%s", r.stdout)
			}
			csv := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export", "--format", "csv")
			if !strings.Contains(csv.stdout, gone+",,,0,1,") || !strings.Contains(csv.stdout, ",withdrawn,") {
				t.Errorf("the CSV does not show the erased customer's consent withdrawn:\n%s", csv.stdout)
			}
		})
	}
}

// TestChat_RetentionRehearsal is the done-when on the console's clock: two
// customers visit on the same day and one comes back a year later. A month
// before the first one's two years are up the owner is told the day their
// data goes (they are on no channel, so only the owner), and their card
// says it; the daily run on that day erases them, once, and the owner's morning DM
// says so, once; the one who came back stays.
func TestChat_RetentionRehearsal(t *testing.T) {
	t.Parallel() // its own ledger, Main and fakes
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	const (
		staff = "민지(직원)"
		dm    = "→ [console:사장] 보관 기간이 지난 고객 1명의 정보를 삭제했어요."
		warn  = "보관 기간 만료: 2029-01-05 삭제 예정"
		told  = "→ [console:사장] 보관 기간이 끝나 가는 고객 1명의 정보가 아래 날짜에 삭제될 예정이에요."
	)
	script := strings.Join([]string{
		":as staff 민지",
		"/customer new 010-1234-5678 김하늘",
		"/customer new 010-2222-3333 박지훈",
		"/note 010-1234-5678 커트 상담",
		"/note 010-2222-3333 펌 상담",
		":time 2028-01-04 10:00",
		"/note 010-2222-3333 재방문",
		":time 2028-12-04 09:00",
		"/customer 010-1234-5678",
		":time 2028-12-05 11:00",
		"/customer 010-1234-5678",
		"/customer 010-2222-3333",
		":time 2029-01-04 09:59",
		"/customer 010-1234-5678",
		":time 2029-01-05 10:00",
		"/customer 010-1234-5678",
		"/customer 010-2222-3333",
		":time +2d",
	}, "\n") + "\n"
	var out, logs bytes.Buffer
	env := map[string]string{"DANGOL_DB": db, "DANGOL_SUMMARY_CRON": "off"} // its charts are beside the point
	m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(script), Stdout: &out, Stderr: &logs,
		Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return time.Date(2026, 12, 1, 15, 0, 0, 0, seoul) }}
	err = m.Run(context.Background(), []string{"chat", "--at", "2027-01-04T10:00"})
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil || strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("chat: %v\n%s\n%s", err, out.String(), logs.String())
	}
	// erasureDMs counts the erasure's DM in an answer.
	erasureDMs := func(n int) map[string]int { return map[string]int{"보관 기간이 지난 고객": n} }
	steps := []answerWant{
		{":time 2028-12-04 09:00", nil, []string{warn}, erasureDMs(0)},
		{"/customer 010-1234-5678", []string{"김하늘"}, []string{"삭제 예정"}, erasureDMs(0)},
		{":time 2028-12-05 11:00", []string{"⏰ 2028-12-04 (월) 11:00\n" + told, "· 김하늘: 2029-01-05 (텔레그램 미연결, 안내 못 함)"}, []string{"박지훈"}, erasureDMs(0)},
		{"/customer 010-1234-5678", []string{"김하늘", warn}, nil, erasureDMs(0)},
		{"/customer 010-2222-3333", []string{"박지훈"}, []string{"삭제 예정"}, erasureDMs(0)},
		{":time 2029-01-04 09:59", nil, nil, erasureDMs(0)},
		{"/customer 010-1234-5678", []string{"김하늘", warn}, nil, erasureDMs(0)},
		{":time 2029-01-05 10:00", []string{"⏰ 2029-01-05 (금) 09:00\n" + dm}, nil, erasureDMs(1)},
		{"/customer 010-1234-5678", nil, []string{"김하늘"}, erasureDMs(0)},
		{"/customer 010-2222-3333", []string{"박지훈"}, []string{"삭제 예정"}, erasureDMs(0)},
		{":time +2d", nil, nil, erasureDMs(0)},
	}
	rest := out.String()
	// Up to the first step's answer.
	_, rest = answer(t, rest, staff, "/note 010-2222-3333 재방문")
	checkAnswers(t, rest, staff, steps)
	if n := strings.Count(out.String(), "보관 기간이 지난 고객"); n != 1 {
		t.Errorf("the erasure was told %d times in all, want once", n)
	}
	assertOnlyFiles(t, dir)
}

// TestExportConsentOf: however a customer was erased (/forget, a manager,
// the retention run: each leaves Erased, ErasedAt and the consent as it
// was), the export shows a consent given as withdrawn at the erasure; one
// never given or declined stays as it was.
func TestExportConsentOf(t *testing.T) {
	given := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	erased := time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC)
	str := func(t time.Time) *string { s := t.Format(time.RFC3339); return &s }
	tests := []struct {
		name string
		c    ledger.Customer
		want exportConsent
	}{
		{"Given", ledger.Customer{Consent: ledger.Consent{Given: true, At: given, Purpose: "loyalty+feedback"}},
			exportConsent{Given: true, At: str(given), Purpose: "loyalty+feedback"}},
		{"GivenThenErased", ledger.Customer{Consent: ledger.Consent{Given: true, At: given, Purpose: "loyalty+feedback"}, Erased: true, ErasedAt: erased},
			exportConsent{At: str(given), Purpose: "loyalty+feedback", Withdrawn: true, WithdrawnAt: str(erased)}},
		{"NeverAskedErased", ledger.Customer{Erased: true, ErasedAt: erased}, exportConsent{}},
		{"DeclinedErased", ledger.Customer{Consent: ledger.Consent{Declined: true, At: given}, Erased: true, ErasedAt: erased},
			exportConsent{Declined: true, At: str(given)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := json.Marshal(exportConsentOf(tt.c, time.UTC))
			want, _ := json.Marshal(tt.want)
			if string(got) != string(want) {
				t.Errorf("exportConsentOf = %s, want %s", got, want)
			}
		})
	}
}
