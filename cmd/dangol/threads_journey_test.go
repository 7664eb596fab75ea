package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/slack/slackfake"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/feedback/charttest"
)

// journeyRig is serve with Telegram (long polling on telegramfake) and
// Slack (HTTP mode on slackfake) and the real engine: a customer in
// Telegram, staff in the Slack staff channel's threads. It can be stopped
// and started again on the same data file.
type journeyRig struct {
	t     *testing.T
	db    string
	tg    *telegramfake.Server
	sl    *slackfake.Server
	tgc   chan telegramfake.Call // every Telegram call but getUpdates
	slc   chan slackfake.Call    // every Slack call recorded
	addr  string                 // where Slack's HTTP mode listens
	srv   *serving
	m     *Main
	event int // Slack event ids handed out

	mu     sync.Mutex
	relays map[string]int // sendMessage calls to the customer by text

	// setup, when set, changes each start's settings and Main before
	// serve runs (care_journey_test.go: the engine's clock, a manager).
	setup func(env map[string]string, m *Main)
}

const (
	journeySecret = "journey-secret"
	journeyChat   = 42
	journeyStaff  = "U1" // DANGOL_SLACK_STAFF
)

func newJourneyRig(t *testing.T) *journeyRig {
	r := &journeyRig{t: t, db: t.TempDir() + "/shop.db", tgc: make(chan telegramfake.Call, 256),
		slc: make(chan slackfake.Call, 256), relays: map[string]int{}}
	r.tg = telegramfake.New(telegramfake.Options{Token: tgToken, Username: "dangol_bot", OnCall: func(c telegramfake.Call) {
		if c.Method == "sendMessage" && c.ChatID() == journeyChat {
			r.mu.Lock()
			r.relays[c.Fields["text"]]++
			r.mu.Unlock()
		}
		r.tgc <- c
	}})
	t.Cleanup(r.tg.Close)
	r.sl = slackfake.New(t, slackfake.Options{OnCall: func(c slackfake.Call) { r.slc <- c }})
	r.sl.SetLocale(journeyStaff, "ko-KR") // shown to customers as "Display U1"
	r.sl.SetLocale("U2", "ko-KR")
	// A free port for Slack's HTTP mode, the same across restarts.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	ln.Close()
	return r
}

// lockedBuffer is serve's log, read by the test while serve writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs serve on the rig's data file.
func (r *journeyRig) start() {
	env := map[string]string{
		"DANGOL_DB":                   r.db,
		"DANGOL_SHOP_NAME":            "단골미용실",
		"DANGOL_SHOP_CONTACT":         testContact,
		"DANGOL_TELEGRAM_TOKEN":       tgToken,
		"DANGOL_TELEGRAM_API_URL":     r.tg.URL(),
		"DANGOL_SLACK_BOT_TOKEN":      "xoxb-test",
		"DANGOL_SLACK_SIGNING_SECRET": journeySecret,
		"DANGOL_SLACK_API_URL":        r.sl.APIURL(),
		"DANGOL_SLACK_STAFF_CHANNEL":  "CSTAFF",
		"DANGOL_SLACK_STAFF":          journeyStaff,
		"DANGOL_HTTP_ADDR":            r.addr,
		// Telegram's per-chat pace (a message a second after a burst of
		// three) runs on the real clock: a journey of a dozen messages to
		// one chat would wait seconds for it. The limits have tests of
		// their own (telegram_limits_test.go, TestCampaignLoad).
		"DANGOL_TELEGRAM_CHAT_RATE": "off",
	}
	r.m = &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{},
		Stderr: &lockedBuffer{}, Getenv: func(k string) string { return env[k] }}
	if r.setup != nil {
		r.setup(env, r.m)
	}
	// Slack's HTTP mode listens by itself, not through Main.Listen: serve is
	// up once its address answers.
	ctx, cancel := context.WithCancel(context.Background())
	r.t.Cleanup(cancel)
	r.srv = &serving{t: r.t, base: "http://" + r.addr, done: make(chan error, 1), cancel: cancel, logs: r.m.Stderr.(fmt.Stringer)}
	go func() { r.srv.done <- r.m.Run(ctx, []string{"serve"}) }()
	deadline := time.Now().Add(waitTimeout)
	for {
		c, err := net.Dial("tcp", r.addr)
		if err == nil {
			c.Close()
			return
		}
		select {
		case err := <-r.srv.done:
			r.t.Fatalf("serve ended: %v\n%s", err, r.srv.logText())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.t.Fatal("serve did not listen")
		}
	}
}

// stop ends serve and closes the data file.
func (r *journeyRig) stop() {
	r.srv.stop()
	if err := r.m.Close(); err != nil {
		r.t.Fatal(err)
	}
}

// customer sends a Telegram update from the customer.
func (r *journeyRig) customer(u telegramfake.Update) {
	r.t.Helper()
	if _, err := r.tg.Push(u); err != nil {
		r.t.Fatal(err)
	}
}

// telegram waits for the customer's next sendMessage whose text holds want.
func (r *journeyRig) telegram(want string) telegramfake.Call {
	r.t.Helper()
	return r.awaitTelegram(fmt.Sprintf("sendMessage to the customer with %q", want), func(c telegramfake.Call) bool {
		return c.Method == "sendMessage" && c.ChatID() == journeyChat && strings.Contains(c.Fields["text"], want)
	})
}

// telegramInPlace waits for the customer's pressed message to be edited
// into one that shows want: a press's next question (Reply.InPlace).
func (r *journeyRig) telegramInPlace(pressed telegramfake.Call, want string) telegramfake.Call {
	r.t.Helper()
	return r.awaitTelegram(fmt.Sprintf("edit of message %d to show %q", pressed.MessageID, want), func(c telegramfake.Call) bool {
		return c.Method == "editMessageText" && c.ChatID() == journeyChat && c.MessageID == pressed.MessageID && strings.Contains(c.Fields["text"], want)
	})
}

// awaitTelegram skips Telegram calls until one is what ok wants, failing
// the test, with what, after waitTimeout.
func (r *journeyRig) awaitTelegram(what string, ok func(telegramfake.Call) bool) telegramfake.Call {
	r.t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case c := <-r.tgc:
			if ok(c) {
				return c
			}
		case <-timeout:
			r.t.Fatalf("no %s within %s", what, waitTimeout)
		}
	}
}

// slack waits for the next Slack call of method that ok accepts, skipping
// others.
func (r *journeyRig) slack(method string, ok func(c slackfake.Call) bool) slackfake.Call {
	r.t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case c := <-r.slc:
			if c.Method == method && ok(c) {
				return c
			}
		case <-timeout:
			r.t.Fatalf("no %s call within %s", method, waitTimeout)
		}
	}
}

// shows reports whether a Slack message call's text or blocks hold want.
func shows(c slackfake.Call, want string) bool {
	return strings.Contains(c.Form.Get("text")+c.Form.Get("blocks"), want)
}

// signed posts body to path of the serving Slack endpoint, signed now.
func (r *journeyRig) signed(path, ctype string, body []byte) {
	r.t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(journeySecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest(http.MethodPost, r.srv.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("%s answered %d", path, resp.StatusCode)
	}
}

// inThread posts an Events API message in the staff channel: inner's
// fields over a message's, in a channel.
func (r *journeyRig) inThread(inner map[string]any) {
	r.t.Helper()
	r.event++
	ev := map[string]any{"type": "message", "channel": "CSTAFF", "channel_type": "channel",
		"ts": fmt.Sprintf("1700000500.%06d", r.event), "event_ts": fmt.Sprintf("1700000500.%06d", r.event)}
	for k, v := range inner {
		ev[k] = v
	}
	js, _ := json.Marshal(map[string]any{"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": fmt.Sprintf("EvJourney%d", r.event), "event_time": time.Now().Unix(), "event": ev})
	r.signed("/slack/events", "application/json", js)
}

// click presses the button with payload on the head at headTS.
func (r *journeyRig) click(user, headTS, payload string) {
	r.t.Helper()
	r.clickIn(user, "CSTAFF", headTS, payload)
}

// clickIn presses the button with payload on the message at ts in
// channel (the staff channel, or a DM "D…"); ts "" is an ephemeral
// message (a slash command's answer), which Slack gives a response_url.
func (r *journeyRig) clickIn(user, channel, ts, payload string) {
	r.t.Helper()
	r.event++
	click := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": "T1"},
		"user":       map[string]any{"id": user, "name": strings.ToLower(user)},
		"trigger_id": fmt.Sprintf("trig-journey-%d", r.event),
		"channel":    map[string]any{"id": channel},
		"container":  map[string]any{"type": "message", "channel_id": channel, "message_ts": ts},
		"actions":    []map[string]any{{"type": "button", "action_id": "dangol_btn_0", "block_id": "b1", "value": payload, "text": map[string]any{"type": "plain_text", "text": payload}}},
	}
	if ts == "" {
		click["container"] = map[string]any{"type": "message", "channel_id": channel, "is_ephemeral": true}
		click["response_url"] = r.sl.ResponseURL(fmt.Sprintf("act-%d", r.event))
	}
	js, _ := json.Marshal(click)
	r.signed("/slack/interactivity", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(js)}}.Encode()))
}

// settle waits until the customer's conversation has handled everything
// before: the marker is handled after the replies of the customer's
// earlier messages were sent (one conversation, in order).
func (r *journeyRig) settle() {
	r.t.Helper()
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", marker))
	r.telegram("6")
}

// submit posts the view_submission of view (as views.open got it) with
// its input blocks holding values.
func (r *journeyRig) submit(view map[string]any, values map[string]string) {
	r.t.Helper()
	r.event++
	state := map[string]any{}
	for k, v := range values {
		state[k] = map[string]any{k: map[string]any{"type": "plain_text_input", "value": v}}
	}
	v := map[string]any{"id": "V1", "type": "modal", "state": map[string]any{"values": state}}
	for k, x := range view {
		v[k] = x
	}
	js, _ := json.Marshal(map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T1"},
		"user":       map[string]any{"id": journeyStaff, "name": strings.ToLower(journeyStaff)},
		"trigger_id": fmt.Sprintf("trig-journey-%d", r.event), "view": v,
	})
	r.signed("/slack/interactivity", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(js)}}.Encode()))
}

// relayed is how often the customer was sent text.
func (r *journeyRig) relayed(text string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.relays[text]
}

// marker is what the customer types to mark a point in the journey: a
// code one digit short, answered with exactly one message in Telegram and
// nothing anywhere else.
const marker = "12345"

// quiet fails when a Telegram send to the customer or a Slack post is
// made before a marker: what was asked in between made neither.
func (r *journeyRig) quiet(what string) {
	r.t.Helper()
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", marker))
	timeout := time.After(waitTimeout)
	for {
		select {
		case c := <-r.tgc:
			if c.Method != "sendMessage" || c.ChatID() != journeyChat {
				continue
			}
			if strings.Contains(c.Fields["text"], "[단골미용실") {
				r.t.Fatalf("%s: relayed to the customer: %q", what, c.Fields["text"])
			}
			if strings.Contains(c.Fields["text"], "6자리") {
				return // the marker's answer: nothing came before it
			}
		case c := <-r.slc:
			if c.Method == "chat.postMessage" || c.Method == "chat.update" {
				r.t.Fatalf("%s: Slack got %s %q", what, c.Method, c.Form.Get("text"))
			}
		case <-timeout:
			r.t.Fatalf("%s: the marker got no answer", what)
		}
	}
}

// TestThreadsJourney is issue 12's journey through the real adapters on
// their fakes, with the real engine and ledger: a Telegram customer's
// question becomes a thread in the Slack staff channel, a staff member
// takes it and answers in the thread, the answer reaches the customer as
// "[<shop> <name>] …", the customer's answer joins the same thread, a
// stranger's thread message and an edit are not relayed (the edit is
// noticed once), an answer recorded but not sent when serve stops is sent
// once after the restart, and closing rewrites the head in place.
func TestThreadsJourney(t *testing.T) {
	t.Parallel() // its own ledger, fakes and port
	r := newJourneyRig(t)
	r.start()

	// The question, and [보내기].
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "내일 3시 예약 가능한가요?"))
	ask := r.telegram(testCatalog.Text("ko", "threads.ask", nil))
	r.customer(telegramfake.Press(journeyChat, "하늘", "ko", ask, "qsend"))
	r.telegram("전달했어요")
	head := r.slack("chat.postMessage", func(c slackfake.Call) bool { return shows(c, "내일 3시 예약 가능한가요?") })
	if head.Form.Get("channel") != "CSTAFF" || head.Form.Get("thread_ts") != "" || !shows(head, "문의 #1") {
		t.Fatalf("head %v, want a new message of thread #1 in the staff channel", head.Form)
	}
	headTS := head.TS
	r.settle() // the head's ref is kept once the customer's turn is over

	// [내가 맡을게요] on the head: said in the thread, the head rewritten
	// without the button.
	r.click(journeyStaff, headTS, "th:claim:1")
	said := r.slack("chat.postMessage", func(c slackfake.Call) bool { return shows(c, "맡았어요") })
	if said.Form.Get("thread_ts") != headTS {
		t.Errorf("the claim was said under %q, want the thread %q", said.Form.Get("thread_ts"), headTS)
	}
	upd := r.slack("chat.update", func(slackfake.Call) bool { return true })
	if upd.Form.Get("ts") != headTS || !shows(upd, "담당") || shows(upd, "내가 맡을게요") {
		t.Errorf("claimed head %v, want the state and no [내가 맡을게요]", upd.Form)
	}

	// The staff member answers in the thread.
	r.inThread(map[string]any{"user": journeyStaff, "text": "네, 3시 비어 있어요", "thread_ts": headTS})
	relay := r.telegram("네, 3시 비어 있어요")
	if want := "[단골미용실 Display U1] 네, 3시 비어 있어요"; relay.Fields["text"] != want {
		t.Errorf("relayed %q, want %q", relay.Fields["text"], want)
	}
	if strings.Contains(relay.Fields["text"], "slack:") {
		t.Error("the customer sees the staff member's Slack id")
	}
	r.slack("chat.update", func(c slackfake.Call) bool { return c.Form.Get("ts") == headTS && shows(c, "첫 응답") })

	// The customer's answer goes under the same head.
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "그럼 3시로 부탁드려요"))
	more := r.slack("chat.postMessage", func(c slackfake.Call) bool { return shows(c, "그럼 3시로 부탁드려요") })
	if more.Form.Get("thread_ts") != headTS {
		t.Errorf("the customer's answer went under %q, want %q", more.Form.Get("thread_ts"), headTS)
	}

	// Someone who is not staff writes in the thread: nothing, not even an answer.
	r.inThread(map[string]any{"user": "U2", "text": "저도 궁금해요", "thread_ts": headTS})
	r.quiet("a stranger's thread message")

	// An edit: the thread is told once, nothing is relayed.
	edit := func(text string) {
		r.inThread(map[string]any{"subtype": "message_changed", "hidden": true,
			"message":          map[string]any{"user": journeyStaff, "text": text, "ts": "1700000500.000002", "thread_ts": headTS},
			"previous_message": map[string]any{"user": journeyStaff, "text": "네, 3시 비어 있어요", "ts": "1700000500.000002", "thread_ts": headTS}})
	}
	edit("네, 4시 비어 있어요")
	notice := r.slack("chat.postMessage", func(c slackfake.Call) bool {
		return shows(c, testCatalog.Text("ko", "threadrelay.edit.notice", nil))
	})
	if notice.Form.Get("thread_ts") != headTS {
		t.Errorf("the edit notice went under %q", notice.Form.Get("thread_ts"))
	}
	edit("네, 5시 비어 있어요")
	r.quiet("a second edit")

	// An answer recorded, then its send refused: it waits in the outbox and
	// goes once after the restart.
	const parking = "주차는 건물 뒤에 있어요"
	r.tg.FailNext("sendMessage", telegramfake.Failure{Status: http.StatusBadRequest,
		Body: `{"ok":false,"error_code":400,"description":"Bad Request: try later"}`})
	r.inThread(map[string]any{"user": journeyStaff, "text": parking, "thread_ts": headTS})
	r.telegram(parking) // the refused attempt
	r.slack("chat.postEphemeral", func(c slackfake.Call) bool { return c.Form.Get("thread_ts") == headTS })
	logs := r.srv.logText()
	r.stop()
	r.start()
	defer func() {
		if t.Failed() {
			t.Logf("first run:\n%s\nsecond run:\n%s", logs, r.srv.logText())
		}
	}()
	r.telegram(parking)

	// [답장하기] opens a modal; what is submitted there reaches the customer
	// and is told in the thread.
	r.click(journeyStaff, headTS, "thr:1")
	open := r.slack("views.open", func(slackfake.Call) bool { return true })
	view, _ := open.JSONField(t, "view").(map[string]any)
	if view["callback_id"] != "reply:1" {
		t.Fatalf("modal %v, want the reply form of #1", view)
	}
	const viaForm = "네, 내일 뵐게요"
	r.submit(view, map[string]string{"text": viaForm})
	r.telegram("[단골미용실 Display U1] " + viaForm)
	told := r.slack("chat.postMessage", func(c slackfake.Call) bool { return shows(c, viaForm) })
	if told.Form.Get("thread_ts") != headTS {
		t.Errorf("the form's answer was told under %q, want the thread", told.Form.Get("thread_ts"))
	}

	// Closing rewrites the same head (its ref survived the restart), with
	// only [다시 열기] left.
	r.click(journeyStaff, headTS, "th:close:1")
	closed := r.slack("chat.update", func(slackfake.Call) bool { return true })
	if closed.Form.Get("ts") != headTS || !shows(closed, "종료") || shows(closed, "내가 맡을게요") || !shows(closed, "다시 열기") {
		t.Errorf("closed head %v, want the same head, closed, with [다시 열기] only", closed.Form)
	}
	r.stop()
	if n := r.relayed("[단골미용실 Display U1] " + parking); n != 2 {
		t.Errorf("the answer waiting in the outbox was tried %d times, want 2 (refused once, sent once)", n)
	}
	if n := r.relayed("[단골미용실 Display U1] " + viaForm); n != 1 {
		t.Errorf("the form's answer was sent %d times, want once", n)
	}
	if n := r.relayed("[단골미용실 Display U1] 네, 3시 비어 있어요"); n != 1 {
		t.Errorf("the first answer was sent %d times, want once", n)
	}
}
