package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback/charttest"
)

// testShop and testContact are the shop the chat and journey tests run
// (DANGOL_SHOP_NAME, DANGOL_SHOP_CONTACT); testHeader starts every ad
// they send.
const (
	testShop    = "단골미용실"
	testContact = "02-123-4567"
	testHeader  = "(광고) " + testShop + " (" + testContact + ")"
)

// shopChat runs "dangol chat --at 2026-05-13T14:00" for the shop 단골미용실
// in lang on a fresh data file, with script as its input, every link code
// 815887 and the real clock stopped at 2026-05-01 09:00 in Seoul, and
// returns what it printed. An error, or an ERROR in the log, fails the
// test: the console goldens of issue 14 (advertising, care messages,
// campaigns) each run one such script.
func shopChat(t *testing.T, lang, script string) string {
	t.Helper()
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "dangol.db"), "DANGOL_LANG": lang, "DANGOL_SHOP_NAME": "단골미용실", "DANGOL_SHOP_CONTACT": testContact}
	var out, logs bytes.Buffer
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(script), Stdout: &out, Stderr: &logs,
		Getenv:  func(k string) string { return env[k] },
		Now:     func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, seoul) },
		NewCode: func() string { return "815887" },
	}
	err = m.Run(context.Background(), []string{"chat", "--at", "2026-05-13T14:00"})
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil || strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("chat: %v\n%s\n%s", err, out.String(), logs.String())
	}
	return out.String()
}

// assertGoldenFrom compares the transcript tr from the first occurrence of
// mark on (mark included) with the golden file name in testdata: the
// console scripts' goldens leave out the set-up before the part they show.
func assertGoldenFrom(t *testing.T, tr, mark, name string) {
	t.Helper()
	_, from, ok := strings.Cut(tr, mark)
	if !ok {
		t.Fatalf("no %q in the transcript:\n%s", mark, tr)
	}
	assertGolden(t, filepath.Join("testdata", name), mark+from)
}
