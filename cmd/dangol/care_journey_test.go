package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/slack/slackfake"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/ledger"
)

// Issue 14's care messages through the real adapters on their fakes, with
// the real engine, ledger and scheduler: journeyRig (threads_journey_test.go)
// on an engine clock the test moves (journeyClock), so a follow-up's
// morning, a visit's three hours and the night rule take no real time.

// journeyClock is the engine's and the scheduler's clock in a care
// journey (Main.Now, Main.After): it stands still until the test moves it,
// and then wakes serve's scheduler and waits until it has made what fell
// due. The Slack and Telegram adapters keep the real clock (request
// signatures, Telegram's limits), as in production.
type journeyClock struct {
	mu   sync.Mutex
	now  time.Time
	wake chan time.Time // the scheduler's timer while it waits; nil otherwise
	idle chan struct{}  // told each time the scheduler waits again
}

// Now is Main.Now.
func (c *journeyClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After is Main.After. The scheduler asks for a timer once it has made
// what was due, so a call says it is idle; the timer fires only when the
// test moves the clock.
func (c *journeyClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	c.wake = ch
	c.mu.Unlock()
	select {
	case c.idle <- struct{}{}:
	default:
	}
	return ch
}

// set moves the clock to when and returns the scheduler's timer, if it
// waits on one.
func (c *journeyClock) set(when time.Time) chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = when
	wake := c.wake
	c.wake = nil
	return wake
}

// careRig is a journeyRig on a journeyClock, with the slash commands staff
// type and every Telegram message to every chat kept (the rig counts only
// journeyChat's).
type careRig struct {
	*journeyRig
	clock *journeyClock
	sent  map[int64][]string // sendMessage texts by chat, of the calls taken from tgc
	// expected are the warnings a journey causes on purpose (a customer
	// who blocked the bot): stop fails on any other.
	expected []string
}

// The journeys' second Telegram customer.
const otherChat = 43

// newCareRig is a journeyRig whose engine clock starts at start, with
// extra settings over the rig's. The weekly summary is off: a Monday's
// post missed at start would name the journey's customers in the staff
// channel, among the answers a journey waits for.
func newCareRig(t *testing.T, start time.Time, extra map[string]string) *careRig {
	r := &careRig{journeyRig: newJourneyRig(t), clock: &journeyClock{now: start, idle: make(chan struct{}, 1)},
		sent: map[int64][]string{}}
	r.setup = func(env map[string]string, m *Main) {
		env["DANGOL_SUMMARY_CRON"] = "off"
		for k, v := range extra {
			env[k] = v
		}
		m.Now, m.After = r.clock.Now, r.clock.After
	}
	return r
}

// stop ends serve, failing the test if that run logged a warning or an
// error: a care message that failed, even if retried, is a finding.
func (r *careRig) stop() {
	r.t.Helper()
	r.journeyRig.stop()
	for _, line := range strings.Split(r.srv.logText(), "\n") {
		if (strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN")) && !r.isExpected(line) {
			r.t.Errorf("serve logged: %s", line)
		}
	}
}

func (r *careRig) isExpected(line string) bool {
	if strings.Contains(line, `msg="telegram: commands not registered"`) && strings.Contains(line, "context canceled") {
		return true // a restart right after a start stops the adapter while it registers its commands
	}
	for _, msg := range r.expected {
		if strings.Contains(line, msg) {
			return true
		}
	}
	return false
}

// begin starts serve and waits until its scheduler has made what was due
// at start (a post missed while it was down included).
func (r *careRig) begin() {
	r.t.Helper()
	r.start()
	r.waitIdle("its start-up round")
}

// waitIdle waits until the scheduler waits for its timer again.
func (r *careRig) waitIdle(what string) {
	r.t.Helper()
	select {
	case <-r.clock.idle:
	case err := <-r.srv.done:
		r.t.Fatalf("serve ended before the scheduler finished %s: %v\n%s", what, err, r.srv.logText())
	case <-time.After(waitTimeout):
		r.t.Fatalf("the scheduler did not finish %s within %s\n%s", what, waitTimeout, r.srv.logText())
	}
}

// at moves the engine clock to when and waits until the scheduler has
// made what fell due by then: each job its latest occurrence, so a check
// job (ratings, campaigns) looks at the moment it is moved to. Replies to
// Telegram are sent before the scheduler records them, so what the round
// sent has reached the fake.
func (r *careRig) at(when time.Time) {
	r.t.Helper()
	wake := r.clock.set(when)
	if wake == nil {
		r.t.Fatal("the scheduler is not waiting for its timer")
	}
	wake <- when
	r.waitIdle("its round at " + when.Format(time.DateTime))
}

// command types a slash command in Slack as user, in channel.
func (r *careRig) command(user, channel, cmd, text string) {
	r.t.Helper()
	r.event++
	form := url.Values{
		"token": {"legacy"}, "team_id": {"T1"}, "api_app_id": {"A1"},
		"channel_id": {channel}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {cmd}, "text": {text},
		"response_url": {r.sl.ResponseURL(fmt.Sprintf("cmd-%d", r.event))},
		"trigger_id":   {fmt.Sprintf("trig-cmd-%d", r.event)},
	}
	r.signed("/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// answer waits for the next answer shown to a staff member alone in
// Slack (a slash command's or an ephemeral click's response_url, an
// ephemeral message or a post in their DM) that holds want.
func (r *careRig) answer(want string) slackfake.Call {
	r.t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case c := <-r.slc:
			private := c.Method == "response_url" || c.Method == "chat.postEphemeral" ||
				(c.Method == "chat.postMessage" && strings.HasPrefix(c.Form.Get("channel"), "D"))
			if private && says(c, want) {
				return c
			}
		case <-timeout:
			r.t.Fatalf("Slack showed nothing with %q within %s", want, waitTimeout)
		}
	}
}

// campaign has the manager (journeyStaff) type the one-line /campaign
// ": text" in the staff channel and returns campaign n's preview.
func (r *careRig) campaign(n int, text string) slackfake.Call {
	r.t.Helper()
	r.command(journeyStaff, "CSTAFF", "/campaign", ": "+text)
	return r.answer(fmt.Sprintf("캠페인 #%d 미리 보기", n))
}

// confirm presses campaign n's [발송] on its preview and waits for the
// answer, which starts with want ("캠페인 #1: 2명에게").
func (r *careRig) confirm(n int, preview slackfake.Call, want string) {
	r.t.Helper()
	r.clickIn(journeyStaff, "CSTAFF", "", button(r.t, preview, fmt.Sprintf("cmp:send:%d", n)))
	r.answer(want)
}

// says reports whether a Slack call's text, blocks or JSON body hold want.
func says(c slackfake.Call, want string) bool {
	return shows(c, want) || strings.Contains(string(c.JSON), want)
}

// slackButton is a Block Kit button as dangol renders it.
type slackButton struct{ label, value string }

// slackButtons returns the buttons of a Slack message call (its blocks, as
// a form field or in a JSON body), in order.
func slackButtons(t *testing.T, c slackfake.Call) []slackButton {
	t.Helper()
	var doc any
	raw := c.Form.Get("blocks")
	if raw == "" {
		raw = string(c.JSON)
	}
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatalf("%s blocks %q: %v", c.Method, raw, err)
	}
	var out []slackButton
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "button" {
				text, _ := v["text"].(map[string]any)
				label, _ := text["text"].(string)
				value, _ := v["value"].(string)
				out = append(out, slackButton{label, value})
				return
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return out
}

// button returns the value of c's first button whose value starts with
// prefix, or whose label is prefix.
func button(t *testing.T, c slackfake.Call, prefix string) string {
	t.Helper()
	bs := slackButtons(t, c)
	for _, b := range bs {
		if strings.HasPrefix(b.value, prefix) || b.label == prefix {
			return b.value
		}
	}
	t.Fatalf("no button %s in %s: %q", prefix, c.Method, bs)
	return ""
}

// take keeps a Telegram call taken from tgc.
func (r *careRig) take(c telegramfake.Call) {
	if c.Method == "sendMessage" {
		r.sent[c.ChatID()] = append(r.sent[c.ChatID()], c.Fields["text"])
	}
}

// telegramTo waits for the next sendMessage to chat whose text holds want.
func (r *careRig) telegramTo(chat int64, want string) telegramfake.Call {
	r.t.Helper()
	return r.await(fmt.Sprintf("sendMessage to chat %d with %q", chat, want), func(c telegramfake.Call) bool {
		return c.Method == "sendMessage" && c.ChatID() == chat && strings.Contains(c.Fields["text"], want)
	})
}

// inPlaceOf waits for pressed, a message to chat, to be edited into one
// that shows want: a press's next question (Reply.InPlace).
func (r *careRig) inPlaceOf(chat int64, pressed telegramfake.Call, want string) telegramfake.Call {
	r.t.Helper()
	return r.await(fmt.Sprintf("edit of message %d in chat %d to show %q", pressed.MessageID, chat, want), func(c telegramfake.Call) bool {
		return c.Method == "editMessageText" && c.ChatID() == chat && c.MessageID == pressed.MessageID && strings.Contains(c.Fields["text"], want)
	})
}

// await takes Telegram calls (each kept, take) until one is what ok wants,
// failing the test, with what, after waitTimeout.
func (r *careRig) await(what string, ok func(telegramfake.Call) bool) telegramfake.Call {
	r.t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case c := <-r.tgc:
			r.take(c)
			if ok(c) {
				return c
			}
		case <-timeout:
			r.t.Fatalf("no %s within %s", what, waitTimeout)
		}
	}
}

// sentTo is how many messages to chat held want, of every call made so
// far.
func (r *careRig) sentTo(chat int64, want string) int {
	for more := true; more; {
		select {
		case c := <-r.tgc:
			r.take(c)
		default:
			more = false
		}
	}
	n := 0
	for _, text := range r.sent[chat] {
		if strings.Contains(text, want) {
			n++
		}
	}
	return n
}

// press is the customer in chat pressing the button data on the message
// the bot sent in call.
func (r *careRig) press(chat int64, call telegramfake.Call, data string) {
	r.t.Helper()
	if !hasString(call.Buttons(), data) {
		r.t.Fatalf("the message %q has no button %q: %q", call.Fields["text"], data, call.Buttons())
	}
	r.customer(telegramfake.Press(chat, "하늘", "ko", call, data))
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// careCustomer is a customer seeded before serve starts: linked to a
// Telegram chat with the consent given at /start when chat is not 0,
// with advertising consent when ads, with visits on the days given.
type careCustomer struct {
	name, phone string
	chat        int64
	ads         bool
	visits      []time.Time
	code        string    // a link code waiting for them, when not ""
	birthday    time.Time // zero: unknown
	adsAt       time.Time // when the advertising consent was given; zero: when they registered
}

// seedCare writes cs into the data file at path at the time at, and
// returns their ids in order.
func seedCare(t *testing.T, path string, at time.Time, cs ...careCustomer) []string {
	t.Helper()
	s := mustOpenStore(t, path)
	var ids []string
	err := s.Update(context.Background(), func(tx *ledger.Tx) error {
		ids = ids[:0]
		for _, cc := range cs {
			c := &ledger.Customer{Name: cc.name, Phone: cc.phone, Birthday: cc.birthday, CreatedAt: at.Add(-200 * 24 * time.Hour)}
			if err := tx.CreateCustomer(c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
			if cc.chat != 0 {
				pid := fmt.Sprintf("telegram:%d", cc.chat)
				if err := tx.LinkCustomer(c.ID, pid, ledger.Consent{Given: true, At: c.CreatedAt, Purpose: "loyalty+feedback"}); err != nil {
					return err
				}
			}
			if cc.ads {
				given := cc.adsAt
				if given.IsZero() {
					given = c.CreatedAt
				}
				if _, err := tx.SetMarketing(c.ID, true, ledger.ViaStart, given); err != nil {
					return err
				}
			}
			for _, v := range cc.visits {
				if err := tx.RecordVisit(c.ID, v); err != nil {
					return err
				}
			}
			if cc.code != "" {
				if err := tx.PutLinkCode(cc.code, c.ID, at.Add(time.Hour)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// inspect reads the data file once serve has stopped.
func inspect(t *testing.T, path string, fn func(tx *ledger.Tx) error) {
	t.Helper()
	s := mustOpenStore(t, path)
	defer s.Close()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// kst is a wall-clock time of 2026 in the shop's zone (DANGOL_TZ's
// default).
func kst(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, shopZone())
}

var shopZone = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation(DefaultTZ)
	if err != nil {
		panic(err)
	}
	return loc
})

// relayedText is the message a staff member's answer reaches the customer
// as.
func relayedText(text string) string {
	return testCatalog.Text("ko", "threads.relay", map[string]any{"Shop": "단골미용실", "Staff": "Display U1", "Text": text})
}

// TestCareJourney_FollowUp: a note with a follow-up date saved from the
// Slack note modal; the next morning's 09:00 DM and /followups carry
// [메시지 보내기]; pressing it in the DM opens the modal with the draft
// (the customer's name and the note's tag); what is submitted there reaches
// the customer's Telegram once, as the staff's answer in a thread whose head
// is posted in the staff channel, and the follow-up is done; the customer's
// answer lands under that head, and /response counts both; the modal
// submitted again sends nothing. For a customer
// not linked, the button
// shows the staff member alone the full phone to call.
func TestCareJourney_FollowUp(t *testing.T) {
	t.Parallel() // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 13, 0), map[string]string{"DANGOL_SLACK_MANAGERS": journeyStaff})
	seedCare(t, r.db, r.clock.Now(), careCustomer{name: "김하늘", phone: "01012345678", chat: journeyChat},
		careCustomer{name: "박솔", phone: "01055556666"}) // not linked
	r.begin()

	// The notes, in the modal /note opens.
	for _, n := range []map[string]string{
		{"customer": "010-1234-5678", "text": "펌 상담, 다음 달 뿌리 염색 예정", "amount": "", "tags": "#펌", "followup": "2026-12-03"},
		{"customer": "010-5555-6666", "text": "염색 상담", "amount": "", "tags": "", "followup": "2026-12-03"},
	} {
		r.command(journeyStaff, "CSTAFF", "/note", "")
		open := r.slack("views.open", func(slackfake.Call) bool { return true })
		view, _ := open.JSONField(t, "view").(map[string]any)
		if view["callback_id"] != "note" {
			t.Fatalf("/note opened %v, want the note form", view)
		}
		r.submit(view, n)
		r.answer("상담 기록을 저장했어요")
	}

	// The next morning's DM, and /followups, offer [메시지 보내기].
	r.at(kst(12, 3, 9, 0))
	dm := r.slack("chat.postMessage", func(c slackfake.Call) bool { return c.Form.Get("channel") == "DU1" })
	send := button(t, dm, "메시지 보내기: 김하늘")
	call := button(t, dm, "메시지 보내기: 박솔")
	r.command(journeyStaff, "CSTAFF", "/followups", "")
	list := r.answer("김하늘")
	if got := button(t, list, "메시지 보내기: 김하늘"); got != send {
		t.Errorf("/followups offers %q, the DM %q", got, send)
	}

	// 박솔 is not linked: the full phone to call, to the staff member alone.
	r.clickIn(journeyStaff, "DU1", dm.TS, call)
	phone := testCatalog.Text("ko", "care.followup.call_unlinked", map[string]any{"Name": "박솔", "Phone": "010-5555-6666"})
	r.answer(strings.Split(phone, "\n")[0]) // a line: JSON bodies escape the newline

	// [메시지 보내기] in the DM: the modal with the draft.
	r.clickIn(journeyStaff, "DU1", dm.TS, send)
	open := r.slack("views.open", func(slackfake.Call) bool { return true })
	view, _ := open.JSONField(t, "view").(map[string]any)
	draft := testCatalog.Text("ko", "care.followup.draft_text", map[string]any{"Name": "김하늘", "Topic": "펌"})
	if view["callback_id"] != send || !strings.Contains(string(open.JSON), draft) { // the form's id is the button's payload
		t.Fatalf("the follow-up modal %s, want %s with the draft %q", open.JSON, send, draft)
	}
	const edited = "김하늘님, 지난번 펌 관련해 연락드려요. 뿌리 염색은 다음 주 화요일 어떠세요?"
	r.submit(view, map[string]string{"text": edited})

	// Once to the customer, under a new head in the staff channel.
	got := r.telegramTo(journeyChat, edited)
	if got.Fields["text"] != relayedText(edited) {
		t.Errorf("the customer got %q, want %q", got.Fields["text"], relayedText(edited))
	}
	head := r.slack("chat.postMessage", func(c slackfake.Call) bool { return c.Form.Get("channel") == "CSTAFF" && says(c, "후속 연락") })
	if head.Form.Get("thread_ts") != "" || !says(head, "김하늘") || says(head, "01012345678") || says(head, "010-1234-5678") {
		t.Errorf("the follow-up's head %v, want a new message naming 김하늘 with the phone masked", head.Form)
	}
	told := r.slack("chat.postMessage", func(c slackfake.Call) bool { return says(c, edited) })
	if told.Form.Get("thread_ts") != head.TS {
		t.Errorf("the message was told under %q, want the head %q", told.Form.Get("thread_ts"), head.TS)
	}
	r.answer(testCatalog.Text("ko", "core.followups.done", map[string]any{"Name": "김하늘"}))
	// The same modal submitted again (a second window, a double click):
	// done already, nothing sent.
	r.submit(view, map[string]string{"text": edited})
	r.answer(testCatalog.Text("ko", "core.followups.already", map[string]any{"Name": "김하늘"}))

	// The customer's answer joins that thread.
	const reply = "네 좋아요, 화요일 오후에 갈게요"
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", reply))
	joined := r.slack("chat.postMessage", func(c slackfake.Call) bool { return says(c, reply) })
	if joined.Form.Get("thread_ts") != head.TS {
		t.Errorf("the customer's answer went under %q, want the follow-up's head %q", joined.Form.Get("thread_ts"), head.TS)
	}

	// Done: /followups has only 박솔 left.
	r.command(journeyStaff, "CSTAFF", "/followups", "")
	if left := r.answer("박솔"); says(left, "김하늘") {
		t.Errorf("/followups after the message %s, want 김하늘's follow-up done", left.JSON)
	}
	// The response figures count the message and its answer.
	// The clock has stood still since the message, as the console's does.
	r.command(journeyStaff, "CSTAFF", "/response", "")
	r.answer("후속 연락: 보낸 메시지 1건 (고객 1명) · 답장 1명")
	r.stop()
	if n := r.sentTo(journeyChat, edited); n != 1 {
		t.Errorf("the follow-up message was sent %d times, want once", n)
	}
	inspect(t, r.db, func(tx *ledger.Tx) error {
		n, err := tx.Note(strings.TrimPrefix(send, "fs:"))
		if err != nil {
			return err
		}
		if !n.FollowUpDone {
			t.Error("the follow-up is not marked done")
		}
		return nil
	})
}

// TestCareJourney_Advertising: a customer links in Telegram with a code
// and says yes to the optional advertising question (a callback), which
// /mydata then shows with its date; a
// manager's one-line /campaign in Slack shows the preview, and [발송]
// queues it for the campaign job; the customer gets one message starting
// testHeader with the [수신 거부] button, presses it and is told
// the withdrawal with its date (and /marketing says so); the other
// customer's question counts as a reply in /campaign 1; the next
// campaign counts them as without
// consent and sends them nothing, while the other consenting customer
// gets both. serve is down at the campaign's minute and restarts: the
// start-up round sends it, and a restart right after sends nothing again.
// A campaign confirmed at 21:10 goes at 08:00.
func TestCareJourney_Advertising(t *testing.T) {
	t.Parallel() // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 13, 0), map[string]string{"DANGOL_SLACK_MANAGERS": journeyStaff})
	seedCare(t, r.db, r.clock.Now(),
		careCustomer{name: "김하늘", phone: "01012345678", code: "135790"},
		careCustomer{name: "이바다", phone: "01087654321", chat: otherChat, ads: true})
	r.begin()

	// Linking: the consent, then the optional question, answered yes.
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "/start 135790"))
	consent := r.telegramTo(journeyChat, "이 텔레그램 계정을 매장의 고객 정보와 연결하면")
	r.press(journeyChat, consent, "yes")
	ask := r.telegramTo(journeyChat, "[혜택·이벤트 소식 받기 (선택)]")
	r.press(journeyChat, ask, "mkt:on:start")
	r.telegramTo(journeyChat, testCatalog.Text("ko", "ads.set.on", map[string]any{"Date": "2026-12-02"}))
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "/mydata"))
	r.telegramTo(journeyChat, "혜택·이벤트 소식(광고): 동의 (2026-12-02 동의)")

	// The campaign: the preview, [발송], the job's next minute.
	const offer = "이번 주 펌 20% 할인해 드려요"
	preview := r.campaign(1, offer)
	if !says(preview, "받는 분: 2명") {
		t.Errorf("the preview %s, want 2 recipients", preview.JSON)
	}
	r.confirm(1, preview, "캠페인 #1: 2명에게")
	// serve is down when the job's minute comes: the start-up round sends
	// it, and a restart right after sends nothing again.
	r.stop()
	r.clock.set(kst(12, 2, 13, 1))
	r.begin()
	ad := r.telegramTo(journeyChat, offer)
	if text := ad.Fields["text"]; !strings.HasPrefix(text, testHeader+"\n") || !strings.Contains(ad.Fields["reply_markup"], "수신 거부") {
		t.Errorf("the campaign reads %q with %s, want it to start with (광고) and the shop, with [수신 거부]", text, ad.Fields["reply_markup"])
	}
	r.telegramTo(otherChat, offer)
	r.stop()
	r.clock.set(kst(12, 2, 13, 2))
	r.begin()
	r.at(kst(12, 2, 13, 3))

	// [수신 거부]: withdrawn in one tap, the date confirmed.
	r.press(journeyChat, ad, "mkt:off:optout")
	r.telegramTo(journeyChat, testCatalog.Text("ko", "ads.set.off", map[string]any{"Date": "2026-12-02", "Shop": "단골미용실"}))
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "/marketing"))
	r.telegramTo(journeyChat, "혜택·이벤트 소식(광고) 수신: 받지 않음 (2026-12-02 거부)")

	// The other customer asks about it: a thread, counted as a reply.
	const question = "펌 할인 토요일에도 되나요?"
	r.customer(telegramfake.Text(otherChat, "바다", "ko", question))
	r.press(otherChat, r.telegramTo(otherChat, testCatalog.Text("ko", "threads.ask", nil)), "qsend")
	r.slack("chat.postMessage", func(c slackfake.Call) bool { return c.Form.Get("channel") == "CSTAFF" && says(c, question) })
	r.command(journeyStaff, "CSTAFF", "/campaign", "1")
	if shown := r.answer("캠페인 #1 ("); !says(shown, "발송 2") || !says(shown, "14일 안에 수신 거부 1 · 답장(메시지나 평가를 보낸 고객) 1명") {
		t.Errorf("/campaign 1 %s, want 2 sent, 1 opted out and 1 reply", shown.JSON)
	}

	// The next campaign skips them as without consent.
	r.at(kst(12, 2, 15, 0))
	const second = "주말 염색 예약하시면 트리트먼트 무료예요"
	preview = r.campaign(2, second)
	if !says(preview, "받는 분: 1명 (광고 수신 미동의 1명") {
		t.Errorf("the second preview %s, want 1 recipient and 1 without consent", preview.JSON)
	}
	r.confirm(2, preview, "캠페인 #2: 1명에게")
	r.at(kst(12, 2, 15, 1))
	r.telegramTo(otherChat, second)

	// One confirmed at 21:10 waits for 08:00.
	r.at(kst(12, 2, 21, 10))
	const night = "내일 오전 예약 손님께 음료 서비스 드려요"
	preview = r.campaign(3, night)
	if !says(preview, "보낼 시각: 2026-12-03 08:00") || !says(preview, "밤 9시~아침 8시에는 보내지 않아") {
		t.Errorf("the 21:10 preview %s, want it sent at 08:00 after the night rule", preview.JSON)
	}
	r.confirm(3, preview, "캠페인 #3: 1명에게 2026-12-03 08:00에")
	r.at(kst(12, 2, 21, 11))
	r.at(kst(12, 3, 7, 59))
	if n := r.sentTo(otherChat, night); n != 0 {
		t.Fatalf("the campaign confirmed at 21:10 went in the night (%d)", n)
	}
	r.at(kst(12, 3, 8, 0))
	r.telegramTo(otherChat, night)
	r.stop()
	if n, m := r.sentTo(journeyChat, offer), r.sentTo(journeyChat, second); n != 1 || m != 0 {
		t.Errorf("the customer who opted out got the campaigns %d and %d times, want once and never", n, m)
	}
	if n, m := r.sentTo(otherChat, offer), r.sentTo(otherChat, second); n != 1 || m != 1 {
		t.Errorf("the other customer got the campaigns %d and %d times, want once each", n, m)
	}
	if n := r.sentTo(journeyChat, testHeader); n != 1 {
		t.Errorf("the customer who opted out got %d advertising messages, want 1", n)
	}
	inspect(t, r.db, func(tx *ledger.Tx) error {
		c, err := tx.Campaign(2)
		if err != nil {
			return err
		}
		if c.Counts.Sent != 1 || c.Counts.Skipped[ledger.SkipNoConsent] != 1 {
			t.Errorf("campaign #2 counts %+v, want 1 sent and 1 skipped for consent", c.Counts)
		}
		return nil
	})
}

// TestCareJourney_RatingRequest: a visit recorded from Slack (/points add
// at 13:00) gets its rating request in Telegram at 16:00
// (DANGOL_FEEDBACK_AFTER's 3h), with the five star buttons, once; a star
// goes on with the feedback flow (its NPS question, then the comment); a
// visit noted at 19:30 the next day is not asked about: its 22:30 is past
// 21:00, and the morning after it would no longer be "오늘". A restart after the request does not ask again; a
// visit on a day they rated already (/feedback) is not asked about. Words
// typed at the NPS question are taken as the comment.
func TestCareJourney_RatingRequest(t *testing.T) {
	t.Parallel() // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 13, 0), nil)
	seedCare(t, r.db, r.clock.Now(), careCustomer{name: "김하늘", phone: "01012345678", chat: journeyChat})
	r.begin()
	const asked = "오늘 방문 어떠셨어요?"
	ask := testCatalog.Text("ko", "care.rating.ask", map[string]any{"Shop": "단골미용실"})

	// The visit: a points earn from Slack.
	r.command(journeyStaff, "CSTAFF", "/points", "add 010-1234-5678 30000")
	r.answer("김하늘님께")
	r.at(kst(12, 2, 15, 50))
	if n := r.sentTo(journeyChat, asked); n != 0 {
		t.Fatalf("asked %d times before the three hours were up", n)
	}

	// Three hours later: the request, with the stars, once.
	r.at(kst(12, 2, 16, 0))
	req := r.telegramTo(journeyChat, asked)
	if req.Fields["text"] != ask {
		t.Errorf("the request reads %q, want %q", req.Fields["text"], ask)
	}
	want := []string{"rr:2026-12-02:1", "rr:2026-12-02:2", "rr:2026-12-02:3", "rr:2026-12-02:4", "rr:2026-12-02:5"}
	if got := req.Buttons(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the request's buttons %q, want %q", got, want)
	}
	r.stop() // a restart does not ask again
	r.clock.set(kst(12, 2, 16, 5))
	r.begin()
	r.at(kst(12, 2, 16, 10))
	r.at(kst(12, 2, 17, 30))
	if n := r.sentTo(journeyChat, asked); n != 1 {
		t.Errorf("the visit was asked about %d times, want once", n)
	}

	// A star goes on with the feedback flow.
	r.press(journeyChat, req, "rr:2026-12-02:5")
	// Words typed at the NPS question are the comment, not refused.
	r.telegramTo(journeyChat, testCatalog.Text("ko", "core.feedback.ask_nps", nil))
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "친절하게 해 주셔서 좋았어요"))
	r.telegramTo(journeyChat, testCatalog.Text("ko", "core.feedback.thanks", nil))
	r.press(journeyChat, req, "rr:2026-12-02:3") // a second star on the same request: not counted
	r.telegramTo(journeyChat, testCatalog.Text("ko", "care.rating.already", nil))

	// The next day's visit at 19:30 is due at 22:30, past 21:00: it is not
	// asked about, in the night nor the next morning (it went at 09:00 as
	// "오늘 방문 어떠셨어요?").
	r.at(kst(12, 3, 19, 30))
	r.command(journeyStaff, "CSTAFF", "/note", "010-1234-5678 커트 상담 #커트")
	r.answer("김하늘")
	r.at(kst(12, 3, 22, 30))
	r.at(kst(12, 4, 9, 0))
	r.at(kst(12, 4, 9, 10))
	if n := r.sentTo(journeyChat, asked); n != 1 {
		t.Errorf("the 19:30 visit was asked about (%d requests in all, want 1 so far)", n)
	}

	// A visit whose day they rated already, by /feedback, is not asked
	// about.
	r.at(kst(12, 5, 11, 0))
	r.command(journeyStaff, "CSTAFF", "/points", "add 010-1234-5678 20000")
	r.answer("김하늘님께")
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "/feedback"))
	stars := r.telegramTo(journeyChat, testCatalog.Text("ko", "core.feedback.ask_rating", nil))
	r.press(journeyChat, stars, "rate:4")
	nps := r.inPlaceOf(journeyChat, stars, testCatalog.Text("ko", "core.feedback.ask_nps", nil))
	r.press(journeyChat, nps, "skip")
	comment := r.inPlaceOf(journeyChat, stars, testCatalog.Text("ko", "core.feedback.ask_comment", nil))
	r.press(journeyChat, comment, "skip")
	r.inPlaceOf(journeyChat, stars, testCatalog.Text("ko", "core.feedback.thanks", nil))
	r.at(kst(12, 5, 14, 0))
	r.at(kst(12, 5, 18, 0))
	r.stop()
	if n := r.sentTo(journeyChat, asked); n != 1 {
		t.Errorf("%d rating requests in all, want 1 (none for the evening visit, none for the day rated already)", n)
	}
	inspect(t, r.db, func(tx *ledger.Tx) error {
		var got []ledger.Feedback
		err := tx.ScanFeedback(kst(12, 1, 0, 0), kst(12, 4, 0, 0), func(f ledger.Feedback) error {
			got = append(got, f)
			return nil
		})
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].Rating != 5 || got[0].NPS != ledger.NoNPS || got[0].Comment != "친절하게 해 주셔서 좋았어요" {
			t.Errorf("feedback %+v, want the one 5-star rating without NPS, with its comment", got)
		}
		return nil
	})
}

// TestCareJourney_WinBack: two regulars away for months, both with
// advertising consent; /summary in Slack lists both with [안부 메시지].
// [안부 메시지] on /customers 뜸한 opens the
// modal with the greeting; submitted at 14:00 it reaches 이바다's Telegram
// at once, as advertising. Pressed for 김하늘 at 21:30 it waits for 08:00;
// serve restarts in the night and again right after the morning's send,
// and each of them gets it exactly once; a further press is refused as
// already sent.
func TestCareJourney_WinBack(t *testing.T) {
	t.Parallel()                                                                                    // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 14, 0), map[string]string{"DANGOL_SLACK_MANAGERS": journeyStaff}) // /summary is theirs
	now := r.clock.Now()
	away := []time.Time{now.AddDate(0, 0, -130), now.AddDate(0, 0, -120), now.AddDate(0, 0, -110)}
	ids := seedCare(t, r.db, now,
		careCustomer{name: "김하늘", phone: "01012345678", chat: journeyChat, ads: true, visits: away},
		careCustomer{name: "이바다", phone: "01087654321", chat: otherChat, ads: true, visits: away})
	haneul, bada := ids[0], ids[1]
	r.begin()

	// /summary lists them as at risk, each with [안부 메시지].
	r.command(journeyStaff, "CSTAFF", "/summary", "")
	summary := r.answer("발길이 뜸해진 단골 2명")
	for _, id := range ids {
		button(t, summary, "wb:"+id)
	}

	// By day: sent at once.
	r.command(journeyStaff, "CSTAFF", "/customers", "뜸한")
	list := r.answer("이바다")
	r.clickIn(journeyStaff, "CSTAFF", "", button(t, list, "wb:"+bada))
	open := r.slack("views.open", func(slackfake.Call) bool { return true })
	view, _ := open.JSONField(t, "view").(map[string]any)
	if view["callback_id"] != "wb:"+bada || !strings.Contains(string(open.JSON), "이바다님, 요즘 뵙기 어려워") {
		t.Fatalf("the win-back modal %s, want 이바다's greeting", open.JSON)
	}
	const dayText = "이바다님, 요즘 뵙기 어려워 안부 여쭤요. 잘 지내시죠?"
	r.submit(view, map[string]string{"text": dayText})
	got := r.telegramTo(otherChat, dayText)
	if text := got.Fields["text"]; !strings.HasPrefix(text, testHeader+"\n") || !hasString(got.Buttons(), "mkt:off:optout") {
		t.Errorf("the win-back reads %q with %q, want (광고), the shop and [수신 거부]", text, got.Buttons())
	}
	r.answer(testCatalog.Text("ko", "winback.sent", map[string]any{"Name": "이바다"}))
	r.submit(view, map[string]string{"text": dayText}) // submitted again: once per lapse
	r.answer("이바다님께는 2026-12-02에 안부 메시지를 이미 보냈어요")

	// At 21:30: queued for 08:00.
	r.at(kst(12, 2, 21, 30))
	r.command(journeyStaff, "CSTAFF", "/customers", "뜸한")
	list = r.answer("김하늘")
	r.clickIn(journeyStaff, "CSTAFF", "", button(t, list, "wb:"+haneul))
	open = r.slack("views.open", func(slackfake.Call) bool { return true })
	view, _ = open.JSONField(t, "view").(map[string]any)
	const nightText = "김하늘님, 요즘 뵙기 어려워 안부 여쭤요. 다음에 또 들러 주세요."
	r.submit(view, map[string]string{"text": nightText})
	r.answer(testCatalog.Text("ko", "winback.queued", map[string]any{"Name": "김하늘", "When": "2026-12-03 08:00"}))
	if n := r.sentTo(journeyChat, nightText); n != 0 {
		t.Fatalf("the win-back pressed at 21:30 went in the night (%d)", n)
	}

	// A restart in the night; the morning job sends it, once.
	r.stop()
	r.clock.set(kst(12, 3, 7, 59))
	r.begin()
	if n := r.sentTo(journeyChat, nightText); n != 0 {
		t.Fatalf("the win-back went before 08:00 (%d)", n)
	}
	r.at(kst(12, 3, 8, 0))
	got = r.telegramTo(journeyChat, nightText)
	if !strings.HasPrefix(got.Fields["text"], testHeader+"\n") {
		t.Errorf("the morning's win-back reads %q, want it to start with (광고) and the shop", got.Fields["text"])
	}

	// A restart right after the send: nothing again, and another press is
	// refused.
	r.stop()
	r.clock.set(kst(12, 3, 8, 5))
	r.begin()
	r.at(kst(12, 3, 11, 0)) // the automatic win-back's hour: off, nothing
	r.clickIn(journeyStaff, "CSTAFF", "", "wb:"+haneul)
	r.answer(testCatalog.Text("ko", "winback.already", map[string]any{"Name": "김하늘", "Date": "2026-12-03"}))
	r.stop()
	if n, m := r.sentTo(journeyChat, testHeader), r.sentTo(otherChat, testHeader); n != 1 || m != 1 {
		t.Errorf("advertising messages sent %d and %d times, want once to each", n, m)
	}
}

// TestCareJourney_Birthday: a manager sets the birthday benefit in Slack;
// on the birthday the 09:00 DM tells them "생일 축하 1명", and at 10:00
// the customer with advertising consent gets the greeting in Telegram as
// advertising, with the benefit given once, while the one without it gets
// nothing; a restart that morning sends nothing again.
func TestCareJourney_Birthday(t *testing.T) {
	t.Parallel() // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 13, 0), map[string]string{"DANGOL_SLACK_MANAGERS": journeyStaff})
	ids := seedCare(t, r.db, r.clock.Now(),
		careCustomer{name: "김하늘", phone: "01012345678", chat: journeyChat, ads: true, birthday: time.Date(1990, 12, 3, 0, 0, 0, 0, time.UTC)},
		careCustomer{name: "이바다", phone: "01087654321", chat: otherChat, birthday: time.Date(1992, 12, 3, 0, 0, 0, 0, time.UTC)})
	r.begin()
	r.command(journeyStaff, "CSTAFF", "/program", "birthday 2,000P")
	r.answer("2,000P")

	r.at(kst(12, 3, 9, 0))
	dm := r.slack("chat.postMessage", func(c slackfake.Call) bool { return c.Form.Get("channel") == "DU1" })
	if want := testCatalog.Text("ko", "ads.birthday.dm", map[string]any{"Count": 1}); !says(dm, want) {
		t.Errorf("the morning DM %v, want %q", dm.Form, want)
	}
	r.at(kst(12, 3, 10, 0))
	greeting := testCatalog.Text("ko", "ads.birthday.greeting", map[string]any{"Name": "김하늘"})
	got := r.telegramTo(journeyChat, greeting)
	if text := got.Fields["text"]; !strings.HasPrefix(text, testHeader+"\n") || !strings.Contains(text, "2,000P") || !hasString(got.Buttons(), "mkt:off:optout") {
		t.Errorf("the greeting reads %q with %q, want (광고), the shop, the 2,000P and [수신 거부]", text, got.Buttons())
	}
	r.stop()
	r.clock.set(kst(12, 3, 10, 5))
	r.begin()
	r.at(kst(12, 3, 10, 10))
	r.stop()
	if n, m := r.sentTo(journeyChat, testHeader), r.sentTo(otherChat, testHeader); n != 1 || m != 0 {
		t.Errorf("birthday greetings sent %d and %d times, want once to the consenting customer and never to the other", n, m)
	}
	inspect(t, r.db, func(tx *ledger.Tx) error {
		for i, want := range []int64{2000, 0} {
			bal, err := tx.Balance(ids[i])
			if err != nil {
				return err
			}
			if bal != want {
				t.Errorf("customer %d's balance %d, want %d", i, bal, want)
			}
		}
		return nil
	})
}

// TestCareJourney_Blocked: a customer who blocked the bot is refused
// (403) the campaign once and never retried, while the other gets it;
// /campaign 1 counts the failure as blocked, and the next preview counts
// them unreachable; once they write again, they are counted in again.
func TestCareJourney_Blocked(t *testing.T) {
	t.Parallel() // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 13, 0), map[string]string{"DANGOL_SLACK_MANAGERS": journeyStaff})
	seedCare(t, r.db, r.clock.Now(),
		careCustomer{name: "김하늘", phone: "01012345678", chat: journeyChat, ads: true},
		careCustomer{name: "이바다", phone: "01087654321", chat: otherChat, ads: true})
	r.expected = []string{`msg="outbox: a reply to someone who blocked the bot is given up"`}
	r.begin()
	r.tg.Block(otherChat)

	const offer = "이번 주 펌 20% 할인해 드려요"
	r.confirm(1, r.campaign(1, offer), "캠페인 #1: 2명에게")
	r.at(kst(12, 2, 13, 1))
	r.telegramTo(journeyChat, offer)
	r.telegramTo(otherChat, offer) // refused: blocked
	r.at(kst(12, 2, 13, 2))
	r.at(kst(12, 2, 13, 10))

	r.command(journeyStaff, "CSTAFF", "/campaign", "1")
	if shown := r.answer("캠페인 #1 ("); !says(shown, "발송 1") || !says(shown, "실패 1 (차단 1") {
		t.Errorf("/campaign 1 %s, want 1 sent and 1 failed as blocked", shown.JSON)
	}
	if preview := r.campaign(2, "주말 예약 안내"); !says(preview, "받는 분: 1명 (광고 수신 미동의 0명, 연락 불가 1명") {
		t.Errorf("the next preview %s, want the blocked customer counted unreachable", preview.JSON)
	}

	// They write again: reachable, and counted in.
	r.tg.Unblock(otherChat)
	r.customer(telegramfake.Text(otherChat, "바다", "ko", "/points"))
	r.telegramTo(otherChat, "0P")
	if preview := r.campaign(3, "다음 주 예약 안내"); !says(preview, "받는 분: 2명") {
		t.Errorf("the preview after they wrote again %s, want 2 recipients", preview.JSON)
	}
	r.stop()
	if n, m := r.sentTo(journeyChat, offer), r.sentTo(otherChat, offer); n != 1 || m != 1 {
		t.Errorf("the campaign was tried %d and %d times, want once each (the refused one never retried)", n, m)
	}
}

// TestCareJourney_CampaignModal: /campaign alone opens the Slack modal;
// submitted with an audience (#펌, which one customer's note carries), a
// text and 500 points each, it shows the preview; [발송] sends it by the
// job to that customer only, with the benefit said and given once. [발송]
// pressed again before the send changes nothing; after it, it shows what
// the campaign did.
func TestCareJourney_CampaignModal(t *testing.T) {
	t.Parallel() // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 13, 0), map[string]string{"DANGOL_SLACK_MANAGERS": journeyStaff})
	ids := seedCare(t, r.db, r.clock.Now(),
		careCustomer{name: "김하늘", phone: "01012345678", chat: journeyChat, ads: true},
		careCustomer{name: "이바다", phone: "01087654321", chat: otherChat, ads: true})
	r.begin()
	r.command(journeyStaff, "CSTAFF", "/note", "010-8765-4321 펌 상담 #펌")
	r.answer("상담 기록을 저장했어요")

	r.command(journeyStaff, "CSTAFF", "/campaign", "")
	open := r.slack("views.open", func(slackfake.Call) bool { return true })
	view, _ := open.JSONField(t, "view").(map[string]any)
	if view["callback_id"] != "campaign" {
		t.Fatalf("/campaign opened %v, want the campaign form", view)
	}
	const offer = "펌 하신 분께 클리닉 20% 할인해 드려요"
	r.submit(view, map[string]string{"audience": "#펌", "text": offer, "points": "500", "coupon": "", "when": ""})
	preview := r.answer("캠페인 #1 미리 보기")
	if !says(preview, "대상: #펌 — 1명") || !says(preview, "받는 분: 1명") || !says(preview, "500P") {
		t.Errorf("the preview %s, want #펌's one customer and the 500P", preview.JSON)
	}
	send := button(t, preview, "cmp:send:1")
	r.clickIn(journeyStaff, "CSTAFF", "", send)
	r.answer("캠페인 #1: 1명에게")
	r.clickIn(journeyStaff, "CSTAFF", "", send) // a second click on the same preview
	r.answer("캠페인 #1은 이미 발송 예약되어 있어요")
	r.at(kst(12, 2, 13, 1))
	got := r.telegramTo(otherChat, offer)
	if text := got.Fields["text"]; !strings.HasPrefix(text, testHeader+"\n") || !strings.Contains(text, "🎁 혜택으로 500P를 넣어 드렸어요.") {
		t.Errorf("the campaign reads %q, want (광고), the shop and the 500P", text)
	}
	r.clickIn(journeyStaff, "CSTAFF", "", send) // and once it went: what it did
	if late := r.answer("캠페인 #1"); !says(late, "캠페인 #1 (완료)") || !says(late, "발송 1") {
		t.Errorf("[발송] pressed after the send answers %s, want the campaign done with 1 sent", late.JSON)
	}
	r.at(kst(12, 2, 13, 2))
	r.at(kst(12, 2, 13, 3))
	r.stop()
	if n, m := r.sentTo(otherChat, offer), r.sentTo(journeyChat, offer); n != 1 || m != 0 {
		t.Errorf("sent %d times to the audience and %d to the customer outside it, want once and never", n, m)
	}
	inspect(t, r.db, func(tx *ledger.Tx) error {
		for i, want := range []int64{0, 500} {
			if bal, err := tx.Balance(ids[i]); err != nil || bal != want {
				t.Errorf("customer %d's balance %d (%v), want %d", i, bal, err, want)
			}
		}
		return nil
	})
}

// TestCareJourney_Reconfirm: advertising consent given more than two
// years ago is confirmed again in Telegram (정보통신망법's 재확인): at 11:00
// both customers are asked once; one presses [계속 받을게요] and keeps it,
// the other does not answer and lapses 30 days later, which /marketing
// tells them and the next campaign counts.
func TestCareJourney_Reconfirm(t *testing.T) {
	t.Parallel() // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 10, 30), map[string]string{"DANGOL_SLACK_MANAGERS": journeyStaff})
	long := kst(11, 20, 12, 0).AddDate(-2, 0, 0)
	seedCare(t, r.db, r.clock.Now(),
		careCustomer{name: "김하늘", phone: "01012345678", chat: journeyChat, ads: true, adsAt: long},
		careCustomer{name: "이바다", phone: "01087654321", chat: otherChat, ads: true, adsAt: long})
	r.begin()
	const asked = "법에 따라 2년마다 수신 동의 여부를 다시 여쭤봐요"

	r.at(kst(12, 2, 11, 0))
	ask := r.telegramTo(journeyChat, asked)
	if !strings.Contains(ask.Fields["text"], "2024-11-20") || !strings.Contains(ask.Fields["text"], "단골미용실") {
		t.Errorf("the question reads %q, want the shop and the consent's date", ask.Fields["text"])
	}
	r.telegramTo(otherChat, asked)
	r.press(journeyChat, ask, "mkt:on:reconfirm")
	r.telegramTo(journeyChat, testCatalog.Text("ko", "ads.set.on", map[string]any{"Date": "2026-12-02"}))
	r.at(kst(12, 3, 11, 0)) // asked once

	lapse := kst(12, 2, 11, 0).AddDate(0, 0, 31)
	r.at(lapse)
	r.customer(telegramfake.Text(otherChat, "바다", "ko", "/marketing"))
	r.telegramTo(otherChat, "받지 않음 ("+lapse.Format(time.DateOnly)+" 재동의 기간이 지나 종료)")
	if preview := r.campaign(1, "새해 첫 주 할인해 드려요"); !says(preview, "받는 분: 1명 (광고 수신 미동의 1명") {
		t.Errorf("the preview after the lapse %s, want 1 recipient and 1 without consent", preview.JSON)
	}
	r.stop()
	if n, m := r.sentTo(journeyChat, asked), r.sentTo(otherChat, asked); n != 1 || m != 1 {
		t.Errorf("asked %d and %d times, want once each", n, m)
	}
}

// TestCareJourney_English: a customer whose Telegram is in English links,
// is asked the advertising question in English and says yes; the campaign
// the manager wrote reaches them with the law's "(광고)" and the shop first
// and the English opt-out line and [Unsubscribe]; pressing it answers in
// English with the date.
func TestCareJourney_English(t *testing.T) {
	t.Parallel() // its own ledger, fakes, port and clock
	r := newCareRig(t, kst(12, 2, 13, 0), map[string]string{"DANGOL_SLACK_MANAGERS": journeyStaff})
	seedCare(t, r.db, r.clock.Now(), careCustomer{name: "Sky Kim", phone: "01012345678", code: "246801"})
	r.begin()
	press := func(call telegramfake.Call, data string) {
		t.Helper()
		if !hasString(call.Buttons(), data) {
			t.Fatalf("the message %q has no button %q: %q", call.Fields["text"], data, call.Buttons())
		}
		r.customer(telegramfake.Press(journeyChat, "Sky", "en", call, data))
	}

	r.customer(telegramfake.Text(journeyChat, "Sky", "en", "/start 246801"))
	press(r.telegramTo(journeyChat, "points"), "yes")
	press(r.telegramTo(journeyChat, "[Get offers and news (optional)]"), "mkt:on:start")
	r.telegramTo(journeyChat, testCatalog.Text("en", "ads.set.on", map[string]any{"Date": "2026-12-02"}))

	const offer = "이번 주 펌 20% 할인해 드려요"
	r.confirm(1, r.campaign(1, offer), "캠페인 #1: 1명에게")
	r.at(kst(12, 2, 13, 1))
	ad := r.telegramTo(journeyChat, offer)
	want := testCatalog.Text("en", "ads.header", map[string]any{"Shop": testShop, "Contact": testContact}) + "\n" + offer + "\n\n" + testCatalog.Text("en", "ads.optout_line", nil)
	if text := ad.Fields["text"]; text != want || !strings.HasPrefix(text, testHeader) || !strings.Contains(ad.Fields["reply_markup"], "Unsubscribe") {
		t.Errorf("the campaign reads %q with %s, want %q with [Unsubscribe]", text, ad.Fields["reply_markup"], want)
	}
	press(ad, "mkt:off:optout")
	r.telegramTo(journeyChat, testCatalog.Text("en", "ads.set.off", map[string]any{"Date": "2026-12-02", "Shop": "단골미용실"}))
	r.stop()
}
