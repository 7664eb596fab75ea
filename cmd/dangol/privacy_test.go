package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback/charttest"
)

// runChat runs `dangol chat` in process on stdin with a fixed clock and
// link code, as runMain does for other commands.
func runChat(t *testing.T, env map[string]string, stdin string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr,
		Getenv:  func(k string) string { return env[k] },
		Now:     func() time.Time { return now },
		NewCode: func() string { return "815887" },
	}
	err := m.Run(context.Background(), []string{"chat"})
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return result{stdout.String(), stderr.String(), err}
}

// TestPrivacy_NothingInTheClear is issue 9's "done when": a scripted
// session in Korean and English, through the chat engine and through
// `dangol import`, stores distinctive values in every personal field; the
// raw data file and a backup taken during the session hold none of them
// (nor the phones' digits, nor the names' UTF-8 bytes). After /forget,
// restoring that earlier backup shows the customer as erased.
func TestPrivacy_NothingInTheClear(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	backup := filepath.Join(dir, "during.db")
	// With the bot's name, /link also makes a deep-link token.
	env := map[string]string{"DANGOL_DB": db, "DANGOL_POINTS_RATE": "5", "DANGOL_TELEGRAM_BOT_NAME": "dangol_privacy_bot"}

	// Import: name, phone, birthday, preferences, remarks, tags.
	sheet := filepath.Join(dir, "customers.csv")
	csv := "이름,전화번호,생일,선호사항,특이사항,태그\n" +
		"남궁하늘별,010-2718-2818,1987-06-05,선호펜넬7781,특이오스프리1193,태그마지판5521\n"
	if err := os.WriteFile(sheet, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runMain(t, env, "", "import", sheet); r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	// Chat in Korean: a customer, a note, points with a reason, a link, a
	// rating with a comment.
	r := runChat(t, env, strings.Join([]string{
		":as staff 민지",
		"/customer new 010-4815-1623 황보잔티페",
		"/customer 010-4815-1623 생일 1991-07-23", "/customer 010-4815-1623 선호 선호카피바라6060",
		"/customer 010-4815-1623 특이사항 특이쿼카7070", "/customer 010-4815-1623 태그 +태그웜뱃8080",
		"/customer new 010-3141-5926 황보잔티페", "1", // same name: register anyway
		"/note 010-4815-1623 노트가제보3321 두피 상담 #커트",
		"/points add 010-4815-1623 55000 사유퀸스4411",
		// Corrections: a note deleted, a note edited, a large earn confirmed
		// (its reason waited in the session's draft) and undone.
		"/note 010-4815-1623 지울노트오실롯9753", "/note delete 010-4815-1623 2", "1",
		"/note edit 010-4815-1623 1 노트가제보3321 두피 상담 고친말코손바닥1357",
		"/points add 010-4815-1623 2000000 사유확인오카피2468", "1", "/points undo",
		"/link 010-4815-1623",
		":as customer 86420531",
		"/start", "1", "815887",
		"/feedback", "2", "11", "코멘트바다코끼리6671",
		"/birthday 1992-08-24",
		// A question joins the complaint thread the low rating opened (#1);
		// staff answer and resolve it with a note, a typed message to the
		// customer and bonus points (issue 12, flow_resolve.go).
		"문의하마코뿔소4747",
		":as staff 민지", "/reply 1 답장두루미5858", "/inbox close 1 메모올빼미6969", "사과수달7171", "500",
		":as manager 사장", "/customer 010-3141-5926 삭제", "사유고객요청판다9090", "1", // erased on request
		// A pending pair of code and token, left in the file.
		":as staff 민지",
		"/link 010-2718-2818",
		// A listing by a customer's tag and its CSV (the filter is kept in
		// the session and the audit), then the manager reads the trail.
		"/customers #태그마지판5521", "1",
		":as manager 사장",
		"/audit 010-2718-2818", "/audit @민지",
	}, "\n")+"\n")
	if r.err != nil || !strings.Contains(r.stdout, "황보잔티페님, 연결되었어요") || !strings.Contains(r.stdout, "1. 남궁하늘별 · ") || !strings.Contains(r.stdout, "[파일: customers-") ||
		!strings.Contains(r.stdout, "남궁하늘별 (010-****-2818) 님 기록을 보고 바꾼 내역") || !strings.Contains(r.stdout, "민지 님이 보고 바꾼 내역") {
		t.Fatalf("chat: %v\n%s", r.err, r.stdout)
	}
	if !strings.Contains(r.stdout, "[매장 민지] 답장두루미5858") || !strings.Contains(r.stdout, "[매장 민지] 사과수달7171") || !strings.Contains(r.stdout, "민지님이 #1번을 종료했어요") {
		t.Fatalf("chat: the question's answer was not relayed or its thread not closed:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "황보잔티페 고객의 개인정보를 지웠어요") {
		t.Fatalf("chat: the customer of the same name was not erased on request:\n%s", r.stdout)
	}
	tokens := regexp.MustCompile(`t\.me/dangol_privacy_bot\?start=([A-Z2-7]{26})`).FindAllStringSubmatch(r.stdout, -1)
	if len(tokens) != 2 {
		t.Fatalf("want two deep links, got %q", tokens)
	}
	if r := runMain(t, env, "", "backup", backup); r.err != nil {
		t.Fatalf("backup: %v", r.err)
	}
	// Chat in English: an unlinked sender's comment, and a note left half
	// typed (its draft stays in the session).
	r = runChat(t, env, strings.Join([]string{
		":lang en",
		":as customer 97531864",
		"/feedback", "2", "11", "anon-lantern-2255",
		"anon-question-3366", // joins the unlinked sender's complaint thread
		":as staff 민지",
		"/note",
		"010-2718-2818",
	}, "\n")+"\n")
	if r.err != nil || !strings.Contains(r.stdout, "anon-lantern-2255") || !strings.Contains(r.stdout, "anon-question-3366") {
		t.Fatalf("chat: %v\n%s", r.err, r.stdout)
	}

	values := []string{
		"남궁하늘별", "남궁", "하늘별", "황보잔티페", "잔티페", // names, and their given names
		"010-2718-2818", "01027182818", "27182818", "010-4815-1623", "01048151623", "48151623", // phones and their digits
		"1987-06-05", "19870605", // a birthday
		"선호펜넬7781", "특이오스프리1193", "태그마지판5521", // preferences, remarks, a customer's tag
		"86420531", "97531864", // platform ids: the linked customer, the unlinked sender
		"노트가제보3321", "두피 상담", "사유퀸스4411", "코멘트바다코끼리6671", "anon-lantern-2255", // note, reason, comments
		"지울노트오실롯9753", "고친말코손바닥1357", "사유확인오카피2468", // a deleted note, an edited one, a confirmed earn's reason
		"선호카피바라6060", "특이쿼카7070", "태그웜뱃8080", "1991-07-23", "19910723", "1992-08-24", "19920824", // edited in chat
		"010-3141-5926", "01031415926", "사유고객요청판다9090", // a customer erased on request, and the reason
		"문의하마코뿔소4747", "답장두루미5858", "메모올빼미6969", "사과수달7171", "anon-question-3366", // thread texts: a question, an answer, a closing note, the resolution's message
		"815887",                   // the link code
		tokens[0][1], tokens[1][1], // deep-link tokens: used up with its code, and pending
	}
	for _, path := range []string{db, backup} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("커트")) {
			t.Fatalf("%s: the clear note tag is not found either: the search proves nothing", path)
		}
		for _, v := range values {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("%s holds %q in the clear", filepath.Base(path), v)
			}
		}
	}
	// The data is all there for whoever has the key.
	r = runMain(t, env, "", "export")
	for _, v := range []string{"남궁하늘별", "01027182818", "선호펜넬7781", "특이오스프리1193", "태그마지판5521", "황보잔티페", "노트가제보3321 두피 상담 고친말코손바닥1357", "사유퀸스4411", "사유확인오카피2468", "코멘트바다코끼리6671"} {
		if !strings.Contains(r.stdout, v) {
			t.Errorf("export lacks %q", v)
		}
	}

	if strings.Contains(r.stdout, "지울노트오실롯9753") || !strings.Contains(r.stdout, `"reverses":2`) {
		t.Errorf("export: want the deleted note gone and the undone earn's correction naming entry 2:\n%s", r.stdout)
	}

	for _, v := range []string{"선호카피바라6060", "특이쿼카7070", "태그웜뱃8080", `"1992-08-24"`} {
		if !strings.Contains(r.stdout, v) {
			t.Errorf("export lacks the value edited in chat %q", v)
		}
	}
	if strings.Contains(r.stdout, "01031415926") {
		t.Error("export shows the customer erased on request")
	}

	// /forget, then the backup taken before it is restored.
	r = runChat(t, env, ":as customer 86420531\n/forget\n1\n")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r := runMain(t, env, "", "restore", "--force", backup); r.err != nil {
		t.Fatalf("restore: %v\n%s", r.err, r.stderr)
	}
	r = runMain(t, env, "", "export")
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, v := range []string{"황보잔티페", "01048151623", "노트가제보3321", "사유퀸스4411", "코멘트바다코끼리6671", "86420531"} {
		if strings.Contains(r.stdout, v) {
			t.Errorf("the restored backup shows the erased customer's %q", v)
		}
	}
	if !strings.Contains(r.stdout, "남궁하늘별") || !strings.Contains(r.stdout, `"erased":true`) {
		t.Errorf("restored export: want the other customer kept and one erased:\n%s", r.stdout)
	}
}
