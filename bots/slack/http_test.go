package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
)

// noteForm is the form the scripted engine opens for /note.
var noteForm = &dialog.Form{
	ID:     "note",
	Title:  "상담 기록",
	Submit: "저장",
	Fields: []dialog.Field{
		{Name: "customer", Label: "고객 (전화번호 또는 이름)", Hint: "010-1234-5678"},
		{Name: "text", Label: "상담 내용", Multiline: true},
		{Name: "amount", Label: "구매 금액", Hint: "55,000", Optional: true},
		{Name: "tags", Label: "태그", Hint: "#염색 #VIP", Optional: true},
		{Name: "followup", Label: "다음 연락일", Hint: "다음주 화요일", Optional: true},
	},
}

var customerCard = []dialog.Section{{
	Title: "김민지 · 010-****-5678",
	Lines: []string{"방문 3회 · 포인트 2,750", "특이사항: 두피 민감 <@U999> & *VIP*"},
}}

// script is the scripted engine of the HTTP-mode tests: it knows U1 and U2
// as staff and refuses anyone else.
func script(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	if m.UserID != "U1" && m.UserID != "U2" {
		return []dialog.Reply{{Text: "죄송합니다. 직원만 사용할 수 있어요.", Private: true}}, nil
	}
	switch {
	case m.Text == "/note" && m.CanForm:
		return []dialog.Reply{{Form: noteForm, Text: "상담 기록"}}, nil
	case m.FormID == "note" && m.Form["customer"] == "010-12":
		return []dialog.Reply{{FormErrors: map[string]string{"customer": "전화번호를 확인해 주세요."}}}, nil
	case m.FormID == "note":
		return []dialog.Reply{{Text: "상담 기록을 저장했어요.", Sections: customerCard, Private: true}}, nil
	case m.Action != nil && strings.HasPrefix(m.Action.Payload, "answer:"):
		return []dialog.Reply{{Text: m.UserName + " 님이 연락하기로 했어요."}}, nil
	case m.Text == "/summary":
		return []dialog.Reply{{Text: "이번 주 요약", Image: &dialog.Image{Name: "week.png", PNG: []byte("\x89PNG fake")}}}, nil
	case m.Text == "/boom":
		return nil, errors.New("engine exploded")
	}
	return []dialog.Reply{{Text: "받았어요: " + m.Text}}, nil
}

func TestSlashCommandOpensModal(t *testing.T) {
	e := newEnv(t, script)
	resp := e.command("U1", "C1", "/note", "", "TRIG1")
	if resp.status != http.StatusOK || resp.body != "" {
		t.Fatalf("command answered %d %q, want an empty 200", resp.status, resp.body)
	}
	got := e.h.next(t)
	want := dialog.Message{
		Channel: "slack", UserID: "U1", UserName: "Display U1", ConversationID: "C1/U1",
		EventID: "slack:cmd:TRIG1", Lang: "ko-KR", Text: "/note", CanForm: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("message:\n got %+v\nwant %+v", got, want)
	}

	c := e.fake.Next(t, "views.open")
	if c.Token != testBotToken {
		t.Errorf("views.open token %q", c.Token)
	}
	if tr := c.JSONField(t, "trigger_id"); tr != "TRIG1" {
		t.Errorf("trigger_id %v", tr)
	}
	view := viewFrom(t, c)
	if view["callback_id"] != "note" || view["type"] != "modal" {
		t.Errorf("view callback_id %v type %v", view["callback_id"], view["type"])
	}
	if title := view["title"].(map[string]any)["text"]; title != "상담 기록" {
		t.Errorf("title %v", title)
	}
	if submit := view["submit"].(map[string]any)["text"]; submit != "저장" {
		t.Errorf("submit %v", submit)
	}
	if cl := view["close"].(map[string]any)["text"]; cl != "취소" {
		t.Errorf("close %v", cl)
	}
	meta := decodeViewMeta(view["private_metadata"].(string))
	if meta.Channel != "C1" || meta.ResponseURL != e.fake.ResponseURL("cmd-TRIG1") {
		t.Errorf("private_metadata %+v", meta)
	}
	blocks := view["blocks"].([]any)
	if len(blocks) != len(noteForm.Fields) {
		t.Fatalf("%d blocks, want %d", len(blocks), len(noteForm.Fields))
	}
	for i, f := range noteForm.Fields {
		b := blocks[i].(map[string]any)
		el := b["element"].(map[string]any)
		optional, _ := b["optional"].(bool)
		multiline, _ := el["multiline"].(bool)
		if b["type"] != "input" || b["block_id"] != f.Name || el["action_id"] != f.Name || el["type"] != "plain_text_input" ||
			optional != f.Optional || multiline != f.Multiline || b["label"].(map[string]any)["text"] != f.Label {
			t.Errorf("block %d = %v, want input %q (optional %v, multiline %v)", i, b, f.Name, f.Optional, f.Multiline)
		}
		if f.Hint != "" && el["placeholder"].(map[string]any)["text"] != f.Hint {
			t.Errorf("block %d placeholder %v", i, el["placeholder"])
		}
	}
	e.close()
	e.fake.None(t) // the modal's Text is not posted besides
}

// openNoteModal runs /note and returns the view as Slack would send it back.
func openNoteModal(t *testing.T, e *env, user, channel, trigger string) map[string]any {
	t.Helper()
	e.command(user, channel, "/note", "", trigger)
	e.h.next(t)
	return viewFrom(t, e.fake.Next(t, "views.open"))
}

func TestModalSubmissionInvalid(t *testing.T) {
	e := newEnv(t, script)
	view := openNoteModal(t, e, "U1", "C1", "TRIG1")

	resp := e.interaction(submission("U1", "TRIG2", view, map[string]string{"customer": "010-12", "text": "커트 상담"}))
	if resp.status != http.StatusOK || !strings.HasPrefix(resp.ctype, "application/json") {
		t.Fatalf("submission answered %d %s %q", resp.status, resp.ctype, resp.body)
	}
	var got slack.ViewSubmissionResponse
	if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
		t.Fatal(err)
	}
	want := slack.ViewSubmissionResponse{ResponseAction: slack.RAErrors, Errors: map[string]string{"customer": "전화번호를 확인해 주세요."}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answer %+v, want %+v", got, want)
	}
	m := e.h.next(t)
	wantMsg := dialog.Message{
		Channel: "slack", UserID: "U1", UserName: "Display U1", ConversationID: "C1/U1",
		EventID: "slack:view:TRIG2", Lang: "ko-KR", FormID: "note", CanForm: true,
		Form: map[string]string{"customer": "010-12", "text": "커트 상담"},
	}
	if !reflect.DeepEqual(m, wantMsg) {
		t.Errorf("message:\n got %+v\nwant %+v", m, wantMsg)
	}
	e.close()
	e.fake.None(t) // errors shown inline, nothing posted
}

func TestModalSubmissionValid(t *testing.T) {
	e := newEnv(t, script)
	view := openNoteModal(t, e, "U1", "C1", "TRIG1")

	resp := e.interaction(submission("U1", "TRIG3", view, map[string]string{
		"customer": "010-1234-5678", "text": "뿌리 염색", "amount": "55,000", "tags": "#염색", "followup": "",
	}))
	if resp.status != http.StatusOK || resp.body != "" {
		t.Fatalf("submission answered %d %q, want an empty 200 (closes the modal)", resp.status, resp.body)
	}
	m := e.h.next(t)
	if m.FormID != "note" || m.Form["amount"] != "55,000" || m.Form["followup"] != "" || m.ConversationID != "C1/U1" {
		t.Errorf("message %+v", m)
	}
	// The confirmation is ephemeral, through the /note's response_url.
	c := e.fake.Next(t, "response_url")
	if c.Form.Get("id") != "cmd-TRIG1" || c.JSONField(t, "response_type") != "ephemeral" {
		t.Errorf("confirmation went to %s as %v", c.Form.Get("id"), c.JSONField(t, "response_type"))
	}
	texts := blockTexts(c.Blocks(t))
	wantTexts := []string{"상담 기록을 저장했어요.", "김민지 · 010-****-5678", "방문 3회 · 포인트 2,750\n특이사항: 두피 민감 &lt;@U999&gt; &amp; *VIP*"}
	if !reflect.DeepEqual(texts, wantTexts) {
		t.Errorf("card texts %q, want %q", texts, wantTexts)
	}
	e.close()
	e.fake.None(t)
}

func TestModalSubmissionLate(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		if m.FormID != "" {
			<-release
		}
		return script(ctx, m)
	})
	e.bot.submitWait = 20 * time.Millisecond
	view := openNoteModal(t, e, "U1", "C1", "TRIG1")

	resp := e.interaction(submission("U1", "TRIG2", view, map[string]string{"customer": "010-12", "text": "x"}))
	if resp.status != http.StatusOK || resp.body != "" {
		t.Fatalf("late submission answered %d %q, want an empty 200", resp.status, resp.body)
	}
	close(release)
	e.h.next(t)
	c := e.fake.Next(t, "response_url")
	texts := blockTexts(c.Blocks(t))
	want := []string{"입력하신 내용을 확인해 주세요.\n• 전화번호를 확인해 주세요."}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("late errors posted as %q, want %q", texts, want)
	}
	e.close()
}

func TestDMConversation(t *testing.T) {
	e := newEnv(t, script)
	resp := e.event(dmEvent("Ev1", "U1", "D1", "010-1234-5678 &lt;커트&gt; 상담 &amp; <@U2|minji>", nil), 0)
	if resp.status != http.StatusOK {
		t.Fatalf("event answered %d", resp.status)
	}
	got := e.h.next(t)
	want := dialog.Message{
		Channel: "slack", UserID: "U1", UserName: "Display U1", ConversationID: "D1/U1", EventID: "slack:Ev1",
		Lang: "ko-KR", Text: "010-1234-5678 <커트> 상담 & @U2", Private: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("message:\n got %+v\nwant %+v", got, want)
	}
	c := e.fake.Next(t, "chat.postMessage")
	if c.Form.Get("channel") != "D1" || c.Token != testBotToken {
		t.Errorf("answer posted to %q with token %q", c.Form.Get("channel"), c.Token)
	}
	if texts := blockTexts(c.Blocks(t)); len(texts) != 1 || texts[0] != "받았어요: 010-1234-5678 &lt;커트&gt; 상담 &amp; @U2" {
		t.Errorf("answer %q", texts)
	}
	if c.Form.Get("text") != "받았어요: 010-1234-5678 &lt;커트&gt; 상담 &amp; @U2" {
		t.Errorf("notification text %q", c.Form.Get("text"))
	}
	e.close()
	e.fake.None(t)
	if n := e.fake.UsersInfoCalls(); n != 1 {
		t.Errorf("users.info called %d times, want 1", n)
	}
}

func TestDMIgnored(t *testing.T) {
	tests := []struct {
		name  string
		user  string
		extra map[string]any
	}{
		{"Edit", "U1", map[string]any{"subtype": "message_changed"}},
		{"Join", "U1", map[string]any{"subtype": "channel_join"}},
		{"Bot", "", map[string]any{"subtype": "bot_message", "bot_id": "B1"}},
		{"BotWithUser", "U3", map[string]any{"bot_id": "B1"}},
		{"NotIM", "U1", map[string]any{"channel_type": "channel"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, script)
			resp := e.event(dmEvent("EvIgn"+strconv.Itoa(i), tt.user, "D1", "hi", tt.extra), 0)
			if resp.status != http.StatusOK {
				t.Fatalf("event answered %d", resp.status)
			}
			e.close()
			e.h.none(t)
			e.fake.None(t)
		})
	}
}

func TestRetriedEventAppliedOnce(t *testing.T) {
	e := newEnv(t, script)
	ev := dmEvent("EvRetry", "U1", "D1", "안녕하세요", nil)
	for retry := range 3 {
		if resp := e.event(ev, retry); resp.status != http.StatusOK {
			t.Fatalf("delivery %d answered %d", retry, resp.status)
		}
	}
	if m := e.h.next(t); m.EventID != "slack:EvRetry" {
		t.Errorf("event id %q", m.EventID)
	}
	e.fake.Next(t, "chat.postMessage")
	e.close()
	e.h.none(t)
	e.fake.None(t)
}

func TestURLVerification(t *testing.T) {
	e := newEnv(t, script)
	resp := e.event(map[string]any{"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}, 0)
	if resp.status != http.StatusOK || resp.body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge answered %d %q", resp.status, resp.body)
	}
	e.close()
	e.h.none(t)
}

func TestAlertButton(t *testing.T) {
	e := newEnv(t, script)
	alert := dialog.Reply{
		To:      dialog.ToStaffChannel,
		Text:    "낮은 평가: ★2 — \"기다림이 길었어요\" <!channel>",
		Buttons: []dialog.Button{{Label: "제가 연락할게요", Payload: "answer:F1"}},
	}
	if err := e.deliver(context.Background(), alert); err != nil {
		t.Fatal(err)
	}
	c := e.fake.Next(t, "chat.postMessage")
	if c.Form.Get("channel") != staffChannel {
		t.Errorf("alert posted to %q", c.Form.Get("channel"))
	}
	blocks := c.Blocks(t)
	if len(blocks) != 2 || blocks[1]["type"] != "actions" {
		t.Fatalf("alert blocks %v", blocks)
	}
	if got := blockTexts(blocks)[0]; got != "낮은 평가: ★2 — \"기다림이 길었어요\" &lt;!channel&gt;" {
		t.Errorf("alert text %q (must not ping the channel)", got)
	}
	btn := blocks[1]["elements"].([]any)[0].(map[string]any)
	if btn["value"] != "answer:F1" || btn["action_id"] != "dangol_btn_0" {
		t.Errorf("button %v", btn)
	}

	// U2 clicks it in the staff channel; the engine's answer is public there.
	resp := e.interaction(buttonClick("U2", staffChannel, "TRIG9", "dangol_btn_0", "answer:F1", "제가 연락할게요", false, e.fake.ResponseURL("act-9")))
	if resp.status != http.StatusOK || resp.body != "" {
		t.Fatalf("click answered %d %q", resp.status, resp.body)
	}
	m := e.h.next(t)
	want := dialog.Message{
		Channel: "slack", UserID: "U2", UserName: "Display U2", ConversationID: staffChannel + "/U2",
		EventID: "slack:act:TRIG9", Lang: "en-US", Action: &dialog.Action{Payload: "answer:F1", Label: "제가 연락할게요"}, CanForm: true,
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("message:\n got %+v\nwant %+v", m, want)
	}
	c = e.fake.Next(t, "chat.postMessage")
	if c.Form.Get("channel") != staffChannel || blockTexts(c.Blocks(t))[0] != "Display U2 님이 연락하기로 했어요." {
		t.Errorf("answer to %q: %q", c.Form.Get("channel"), blockTexts(c.Blocks(t)))
	}
	// A click on something that is not dangol's button is ignored.
	e.interaction(buttonClick("U2", staffChannel, "TRIG10", "other_app", "x", "x", false, ""))
	e.close()
	e.h.none(t)
	e.fake.None(t)
}

func TestEphemeralButtonAnswersPrivately(t *testing.T) {
	e := newEnv(t, script)
	e.interaction(buttonClick("U1", "C1", "TRIG11", "dangol_btn_2", "answer:F2", "연락", true, e.fake.ResponseURL("act-11")))
	e.h.next(t)
	c := e.fake.Next(t, "response_url")
	if c.Form.Get("id") != "act-11" || c.JSONField(t, "response_type") != "ephemeral" {
		t.Errorf("answer to a click on an ephemeral card went to %v as %v", c.Form.Get("id"), c.JSONField(t, "response_type"))
	}
	e.close()
	e.fake.None(t)
}

func TestUnauthorisedUser(t *testing.T) {
	tests := []struct {
		name        string
		responseURL bool
		want        string
	}{
		{"ResponseURL", true, "response_url"},
		{"PostEphemeral", false, "chat.postEphemeral"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, script)
			form := e.commandForm("UX", "C1", "/customer", "김민지", "TRIGX")
			if !tt.responseURL {
				form.Del("response_url")
			}
			e.postSigned("/slack/commands", formType, []byte(form.Encode()), nil)
			if m := e.h.next(t); m.UserID != "UX" || m.Text != "/customer 김민지" || m.Lang != "" {
				t.Errorf("message %+v", m)
			}
			c := e.fake.Next(t, tt.want)
			texts := blockTexts(c.Blocks(t))
			if len(texts) != 1 || texts[0] != "죄송합니다. 직원만 사용할 수 있어요." {
				t.Errorf("refusal %q", texts)
			}
			switch tt.want {
			case "response_url":
				if c.JSONField(t, "response_type") != "ephemeral" {
					t.Errorf("refusal is not ephemeral: %s", c.JSON)
				}
			case "chat.postEphemeral":
				if c.Form.Get("user") != "UX" || c.Form.Get("channel") != "C1" {
					t.Errorf("ephemeral to %q in %q", c.Form.Get("user"), c.Form.Get("channel"))
				}
			}
			e.close()
			e.fake.None(t)
		})
	}
}

func TestEphemeralFallsBackToDM(t *testing.T) {
	e := newEnv(t, script)
	e.fake.Fail("response_url", "expired_url")
	e.fake.Fail("chat.postEphemeral", "channel_not_found")
	e.command("U1", "GPRIV", "/customer", "김민지", "TRIG1")
	e.h.next(t)
	e.fake.Next(t, "response_url")
	e.fake.Next(t, "chat.postEphemeral")
	if c := e.fake.Next(t, "conversations.open"); c.Form.Get("users") != "U1" {
		t.Errorf("conversations.open users=%q", c.Form.Get("users"))
	}
	if c := e.fake.Next(t, "chat.postMessage"); c.Form.Get("channel") != "DU1" {
		t.Errorf("fallback posted to %q", c.Form.Get("channel"))
	}
	e.close()
	e.fake.None(t)
}

func TestEngineErrorApologises(t *testing.T) {
	e := newEnv(t, script)
	e.command("U2", "C1", "/boom", "", "TRIG1")
	e.h.next(t)
	c := e.fake.Next(t, "response_url")
	if texts := blockTexts(c.Blocks(t)); len(texts) != 1 || texts[0] != "Sorry, something went wrong. Please try again in a moment." {
		t.Errorf("apology %q", texts)
	}
	e.close()
}

func TestRefusedRequests(t *testing.T) {
	body := []byte(url0("/customer", "U1"))
	ts := testNow.Unix()
	tests := []struct {
		name string
		hdr  func() http.Header
		body []byte
	}{
		{"BadSignature", func() http.Header { return signed(ts, sign("wrong-secret", ts, body)) }, body},
		{"TamperedBody", func() http.Header { return signed(ts, sign(testSecret, ts, body)) }, []byte(url0("/customer", "U2"))},
		{"NoSignature", func() http.Header { return http.Header{"X-Slack-Request-Timestamp": {strconv.FormatInt(ts, 10)}} }, body},
		{"NotHex", func() http.Header { return signed(ts, "v0=zz") }, body},
		{"OtherVersion", func() http.Header { return signed(ts, strings.Replace(sign(testSecret, ts, body), "v0=", "v1=", 1)) }, body},
		{"OldTimestamp", func() http.Header {
			old := testNow.Add(-5*time.Minute - time.Second).Unix()
			return signed(old, sign(testSecret, old, body))
		}, body},
		{"FutureTimestamp", func() http.Header {
			f := testNow.Add(5*time.Minute + time.Second).Unix()
			return signed(f, sign(testSecret, f, body))
		}, body},
		{"BadTimestamp", func() http.Header {
			return http.Header{"X-Slack-Request-Timestamp": {"soon"}, "X-Slack-Signature": {sign(testSecret, ts, body)}}
		}, body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, script)
			for _, path := range []string{"/slack/commands", "/slack/events", "/slack/interactivity"} {
				if resp := e.post(path, formType, tt.body, tt.hdr()); resp.status != http.StatusUnauthorized {
					t.Errorf("%s answered %d, want 401", path, resp.status)
				}
			}
			e.close()
			e.h.none(t)
			e.fake.None(t)
		})
	}
}

func TestTimestampWindowEdge(t *testing.T) {
	e := newEnv(t, script)
	body := []byte(url0("/customer", "U1"))
	old := testNow.Add(-5 * time.Minute).Unix()
	if resp := e.post("/slack/commands", formType, body, signed(old, sign(testSecret, old, body))); resp.status != http.StatusOK {
		t.Errorf("a request exactly 5 minutes old answered %d, want 200", resp.status)
	}
	e.h.next(t)
	e.close()
}

func url0(command, user string) string {
	return "command=" + command + "&user_id=" + user + "&channel_id=C1&text=x&trigger_id=T" + user
}

func signed(ts int64, sig string) http.Header {
	return http.Header{"X-Slack-Request-Timestamp": {strconv.FormatInt(ts, 10)}, "X-Slack-Signature": {sig}}
}

// TestSignatureMatchesLibrary checks that what verify accepts is what
// slack.NewSecretsVerifier accepts, on a request signed now.
func TestSignatureMatchesLibrary(t *testing.T) {
	body := []byte("token=x&command=%2Fnote&text=")
	now := time.Now()
	for _, secret := range []string{testSecret, "other"} {
		hdr := signed(now.Unix(), sign(testSecret, now.Unix(), body))
		sv, err := slack.NewSecretsVerifier(hdr, secret)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = sv.Write(body)
		libErr := sv.Ensure()
		b := &Bot{cfg: Config{SigningSecret: secret}, now: func() time.Time { return now }}
		ourErr := b.verify(hdr, body)
		if (libErr == nil) != (ourErr == nil) {
			t.Errorf("secret %q: library says %v, verify says %v", secret, libErr, ourErr)
		}
	}
}

func TestRateLimitedThenSent(t *testing.T) {
	e := newEnv(t, script)
	e.fake.RateLimit("chat.postMessage", 2, "7")
	e.event(dmEvent("Ev429", "U1", "D1", "안녕", nil), 0)
	e.h.next(t)
	for range 2 {
		if c := e.fake.Next(t, "chat.postMessage"); c.Status != http.StatusTooManyRequests {
			t.Errorf("attempt answered %d, want 429", c.Status)
		}
		select {
		case d := <-e.sleeps:
			if d != 7*time.Second {
				t.Errorf("waited %s, want Retry-After 7s", d)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no back-off after 429")
		}
	}
	if c := e.fake.Next(t, "chat.postMessage"); c.Status != http.StatusOK || c.Form.Get("channel") != "D1" {
		t.Errorf("third attempt %d to %q", c.Status, c.Form.Get("channel"))
	}
	e.close()
	e.fake.None(t)
}

func TestRateLimitGivesUp(t *testing.T) {
	e := newEnv(t, script)
	e.fake.RateLimit("chat.postMessage", 100, "1")
	err := e.deliver(context.Background(), dialog.Reply{To: dialog.ToStaffChannel, Text: "x"})
	if _, ok := errors.AsType[*slack.RateLimitedError](err); !ok {
		t.Errorf("Deliver after %d 429s: %v, want a RateLimitedError", maxRateRetries+1, err)
	}
	for range maxRateRetries + 1 {
		e.fake.Next(t, "chat.postMessage")
	}
	e.fake.None(t)
}

func TestSummaryImage(t *testing.T) {
	e := newEnv(t, script)
	e.command("U1", "C1", "/summary", "", "TRIG1")
	e.h.next(t)
	if c := e.fake.Next(t, "response_url"); blockTexts(c.Blocks(t))[0] != "이번 주 요약" {
		t.Errorf("summary text %q", blockTexts(c.Blocks(t)))
	}
	// A file cannot be ephemeral: the chart goes to the asker's DM.
	e.fake.Next(t, "conversations.open")
	if c := e.fake.Next(t, "files.getUploadURLExternal"); c.Form.Get("filename") != "week.png" || c.Form.Get("length") != "9" {
		t.Errorf("getUploadURLExternal %v", c.Form)
	}
	if c := e.fake.Next(t, "upload"); string(c.Body) != "\x89PNG fake" || c.Token != testBotToken {
		t.Errorf("uploaded %q with token %q", c.Body, c.Token)
	}
	if c := e.fake.Next(t, "files.completeUploadExternal"); c.Form.Get("channel_id") != "DU1" {
		t.Errorf("completeUploadExternal %v", c.Form)
	}
	if c := e.fake.Next(t, "response_url"); blockTexts(c.Blocks(t))[0] != "차트는 개인 메시지(DM)로 보내 드렸어요." {
		t.Errorf("notice %q", blockTexts(c.Blocks(t)))
	}
	e.close()
	e.fake.None(t)
}

func TestDeliver(t *testing.T) {
	png := []byte("\x89PNG chart")
	var mu sync.Mutex
	var elsewhere []dialog.Reply
	e := newEnv(t, script)
	e.bot.relay.Router().Register("telegram", senderFunc(func(ctx context.Context, _ relay.Address, r dialog.Reply) error {
		mu.Lock()
		defer mu.Unlock()
		elsewhere = append(elsewhere, r)
		return nil
	}))
	ctx := context.Background()

	if err := e.deliver(ctx, dialog.Reply{To: dialog.ToStaffChannel, Text: "주간 요약", Image: &dialog.Image{Name: "w.png", PNG: png}}); err != nil {
		t.Fatal(err)
	}
	e.fake.Next(t, "chat.postMessage")
	e.fake.Next(t, "files.getUploadURLExternal")
	e.fake.Next(t, "upload")
	if c := e.fake.Next(t, "files.completeUploadExternal"); c.Form.Get("channel_id") != staffChannel {
		t.Errorf("chart shared to %q", c.Form.Get("channel_id"))
	}

	for _, id := range []string{"U7", "slack:U7"} { // the DM channel is opened once
		if err := e.deliver(ctx, dialog.Reply{To: dialog.ToUser, Channel: "slack", UserID: id, Text: "내일 연락할 고객이 있어요"}); err != nil {
			t.Fatal(err)
		}
	}
	e.fake.Next(t, "conversations.open")
	for range 2 {
		if c := e.fake.Next(t, "chat.postMessage"); c.Form.Get("channel") != "DU7" {
			t.Errorf("DM posted to %q", c.Form.Get("channel"))
		}
	}

	tg := dialog.Reply{To: dialog.ToUser, Channel: "telegram", UserID: "42", Text: "hi"}
	if err := e.deliver(ctx, tg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(elsewhere) != 1 || !reflect.DeepEqual(elsewhere[0], tg) {
		t.Errorf("Elsewhere got %+v", elsewhere)
	}
	mu.Unlock()

	if err := e.deliver(ctx, dialog.Reply{Text: "x"}); !errors.Is(err, relay.ErrNoConversation) {
		t.Errorf("ToConversation: %v", err)
	}
	e.fake.None(t)

	noStaff := newEnv(t, script, func(c *Config) { c.StaffChannel = "" })
	if err := noStaff.deliver(ctx, dialog.Reply{To: dialog.ToStaffChannel, Text: "x"}); !errors.Is(err, relay.ErrNoRoute) {
		t.Errorf("no staff channel, through the router: %v", err)
	}
	if err := noStaff.bot.Send(ctx, relay.Address{Channel: "slack", Staff: true}, dialog.Reply{To: dialog.ToStaffChannel, Text: "x"}); !errors.Is(err, ErrNoStaffChannel) {
		t.Errorf("no staff channel: %v", err)
	}
}

func TestConversationOrder(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	active, maxActive := 0, 0
	e := newEnv(t, func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		mu.Lock()
		active++
		maxActive = max(maxActive, active)
		mu.Unlock()
		if m.Text == "first" {
			<-release
		}
		mu.Lock()
		active--
		mu.Unlock()
		return nil, nil
	})
	// "first" is held in the engine: its request is answered when Slack's
	// 3 s are nearly up (shortened here), and the work goes on.
	e.bot.submitWait = 20 * time.Millisecond
	e.event(dmEvent("EvA", "U1", "D1", "first", nil), 0)
	if m := e.h.next(t); m.Text != "first" {
		t.Fatalf("first message %q", m.Text)
	}
	e.event(dmEvent("EvB", "U1", "D1", "second", nil), 0)
	close(release)
	if m := e.h.next(t); m.Text != "second" {
		t.Fatalf("second message %q", m.Text)
	}
	e.close()
	if maxActive != 1 {
		t.Errorf("%d messages of one conversation ran at once", maxActive)
	}
}

func TestClosedBotRefusesWork(t *testing.T) {
	e := newEnv(t, script)
	e.close()
	if resp := e.command("U1", "C1", "/note", "", "TRIG1"); resp.status != http.StatusServiceUnavailable {
		t.Errorf("command after Close answered %d, want 503", resp.status)
	}
	e.h.none(t)
}

func TestBadPayloads(t *testing.T) {
	e := newEnv(t, script)
	tests := []struct {
		path, ctype, body string
		want              int
	}{
		{"/slack/commands", formType, "text=x", http.StatusBadRequest},
		{"/slack/interactivity", formType, "payload=", http.StatusBadRequest},
		{"/slack/interactivity", formType, "payload=%7Bnope", http.StatusBadRequest},
		{"/slack/events", "application/json", "{nope", http.StatusOK},
		{"/slack/events", "application/json", `{"type":"event_callback","event_id":"Ev","event":{"type":"no_such_event"}}`, http.StatusOK},
	}
	for _, tt := range tests {
		if resp := e.postSigned(tt.path, tt.ctype, []byte(tt.body), nil); resp.status != tt.want {
			t.Errorf("%s %q answered %d, want %d", tt.path, tt.body, resp.status, tt.want)
		}
	}
	e.close()
	e.h.none(t)
	e.fake.None(t)
}

func TestNew(t *testing.T) {
	h := &scriptHandler{}
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"SocketMode", Config{BotToken: "xoxb", AppToken: "xapp", Handler: h}, true},
		{"HTTPMode", Config{BotToken: "xoxb", SigningSecret: "s", Handler: h}, true},
		{"NoBotToken", Config{AppToken: "xapp", Handler: h}, false},
		{"NoMode", Config{BotToken: "xoxb", Handler: h}, false},
		{"NoHandler", Config{BotToken: "xoxb", AppToken: "xapp"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := New(tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("New: %v", err)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("error %v is not ErrConfig", err)
			}
			if b != nil && b.cfg.APIURL != "https://slack.com/api/" {
				t.Errorf("default API URL %q", b.cfg.APIURL)
			}
		})
	}
	b, err := New(Config{BotToken: "xoxb", AppToken: "xapp", Handler: h, APIURL: "http://127.0.0.1:1/api"})
	if err != nil || b.cfg.APIURL != "http://127.0.0.1:1/api/" {
		t.Errorf("APIURL without slash: %v %q", err, b.cfg.APIURL)
	}
}

// TestAckAfterCommit: Slack is told an event arrived only once the engine
// has handled it, so a crash cannot lose an event Slack will not resend.
func TestAckAfterCommit(t *testing.T) {
	var handled atomic.Bool
	e := newEnv(t, func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		handled.Store(true)
		return nil, nil
	})
	for _, send := range []func() response{
		func() response { return e.event(dmEvent("EvC", "U1", "D1", "안녕하세요", nil), 0) },
		func() response { return e.command("U1", "C1", "/customer", "김민지", "TRIG9") },
	} {
		handled.Store(false)
		if resp := send(); resp.status != http.StatusOK {
			t.Fatalf("answered %d", resp.status)
		}
		if !handled.Load() {
			t.Error("answered 200 before the engine handled the event")
		}
		e.h.next(t)
	}
}
