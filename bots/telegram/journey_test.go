package telegram

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// testKey is the master key of the test ledgers.
var testKey = []byte("0123456789abcdef0123456789abcdef")

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// t0 is the journeys' "now": Wednesday 2026-05-13 14:00 in Seoul.
var (
	seoul = time.FixedZone("KST", 9*60*60)
	t0    = time.Date(2026, 5, 13, 14, 0, 0, 0, seoul)
)

// barrierText is a message the journey sends after each step in the same
// chat: when the stand-in handler sees it, the chat's queue has finished the
// step, replies and all. It never reaches the engine.
const barrierText = "\x00barrier"

// journey is the real dialog.Engine over a real ledger in t.TempDir(),
// behind the adapter, behind the fake Bot API.
type journey struct {
	t         *testing.T
	store     *ledger.Store
	eng       *dialog.Engine
	hs        *harness
	barrier   chan struct{}
	elsewhere chan dialog.Reply
	nextID    int64
	minji     ledger.Customer
	log       strings.Builder // the transcript for golden files
}

const linkCode = "482913"

// newJourney seeds the ledger with Minji (1,200 points from a cut, a link
// code at the counter) and starts the bot against a fake.
func newJourney(t *testing.T) *journey {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dangol.db")
	store, err := ledger.Open(path, &ledger.Options{NoSync: true, Key: testKey})
	if err != nil {
		t.Fatalf("open ledger: %v", err)
	}
	j := &journey{t: t, store: store, barrier: make(chan struct{}, 1), elsewhere: make(chan dialog.Reply, 10), nextID: 1000}
	t.Cleanup(func() {
		if err := store.Close(); err != nil {
			t.Errorf("close ledger: %v", err)
		}
	})
	err = store.Update(context.Background(), func(tx *ledger.Tx) error {
		c := ledger.Customer{Name: "김민지", Phone: "01012345678", CreatedAt: t0.AddDate(0, -2, 0)}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		for _, d := range []int{-40, -20, -7} {
			if err := tx.RecordVisit(c.ID, t0.AddDate(0, 0, d)); err != nil {
				return err
			}
		}
		if err := tx.AddPoints(&ledger.PointsEntry{CustomerID: c.ID, At: t0.AddDate(0, 0, -7), Kind: ledger.PointsEarn,
			Points: 1200, Amount: 24000, ActorID: "console:staff", Reason: "커트"}); err != nil {
			return err
		}
		if err := tx.PutLinkCode(linkCode, c.ID, t0.Add(dialog.LinkCodeTTL)); err != nil {
			return err
		}
		j.minji = c
		return nil
	})
	if err != nil {
		t.Fatalf("seed ledger: %v", err)
	}
	j.eng, err = dialog.New(dialog.Config{
		Store:   store,
		Catalog: testCatalog(),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Loc:     seoul,
		Lang:    "ko",
		Now:     func() time.Time { return t0 },
		// A shop with a name, as one asking for advertising consent must
		// be (dialog's flow_marketing.go asks nothing without one).
		ShopName:    "단골미용실",
		ShopContact: "02-123-4567",
		// cmd/dangol's policy: Telegram carries customers.
		CustomerChannels: []string{Channel},
		StaffChannels:    []string{"slack"},
	})
	if err != nil {
		t.Fatalf("new engine: %v", err)
	}
	j.start(nil)
	return j
}

// start runs a bot (again) on the same ledger.
func (j *journey) start(lastUpdate func(context.Context) (int64, error)) {
	h := newScript(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		if m.Text == barrierText {
			j.barrier <- struct{}{}
			return nil, nil
		}
		return j.eng.Handle(ctx, m)
	})
	j.hs = startBot(j.t, h, func(c *Config) {
		c.Router = elsewhere(j.elsewhere)
		c.LastUpdateID = lastUpdate
	})
}

// lastCommitted reads the ledger's cursor, as cmd/dangol wires it.
func (j *journey) lastCommitted(ctx context.Context) (n int64, err error) {
	err = j.store.View(ctx, func(tx *ledger.Tx) error {
		n, err = tx.Cursor(CursorName)
		return err
	})
	return n, err
}

// send delivers updates (built for the next ids) and returns what the bot
// sent in answer, once the chat has finished with them.
func (j *journey) send(who user, note string, updates ...func(id int64) string) []apiCall {
	j.t.Helper()
	var raw []string
	for _, u := range updates {
		j.nextID++
		raw = append(raw, u(j.nextID))
	}
	j.nextID++
	raw = append(raw, text(j.nextID, who, barrierText))
	j.hs.f.push(raw...)
	fmt.Fprintf(&j.log, "← %s\n", note)
	select {
	case <-j.barrier:
	case <-time.After(waitFor):
		j.t.Fatalf("step %q: the chat never got to the barrier", note)
	}
	var calls []apiCall
	for {
		select {
		case c := <-j.hs.f.calls:
			calls = append(calls, c)
			continue
		default:
		}
		break
	}
	// A press is answered at once, beside the chat's turn: its answer may
	// come after the barrier. (The same update twice is taken once.)
	presses := map[string]bool{}
	for _, u := range raw {
		if strings.Contains(u, `"callback_query"`) {
			presses[u] = true
		}
	}
	for answered(calls) < len(presses) {
		calls = append(calls, j.hs.f.next(j.t))
	}
	calls = answersFirst(calls)
	for _, c := range calls {
		j.log.WriteString(c.String())
	}
	for { // what the engine was handed, the barrier included: all there by now
		select {
		case <-j.hs.h.got:
			continue
		default:
		}
		break
	}
	return calls
}

// answered counts the answers to button presses among calls.
func answered(calls []apiCall) int {
	n := 0
	for _, c := range calls {
		if c.Method == "answerCallbackQuery" {
			n++
		}
	}
	return n
}

// say sends a line of text.
func (j *journey) say(who user, s string) []apiCall {
	j.t.Helper()
	return j.send(who, fmt.Sprintf("%s types %q", who.first, s), func(id int64) string { return text(id, who, s) })
}

// press presses the button labelled label on the message call sent.
func (j *journey) press(who user, call apiCall, label string) []apiCall {
	j.t.Helper()
	return j.send(who, fmt.Sprintf("%s presses [%s]", who.first, label), j.pressUpdate(who, call, label))
}

// pressUpdate builds the callback query Telegram sends for a press.
func (j *journey) pressUpdate(who user, call apiCall, label string) func(id int64) string {
	j.t.Helper()
	var kb struct {
		Inline [][]struct {
			Text string `json:"text"`
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(call.Fields["reply_markup"]), &kb); err != nil {
		j.t.Fatalf("no inline keyboard on %s: %v", call, err)
	}
	var rows [][][2]string
	data := ""
	for _, r := range kb.Inline {
		var row [][2]string
		for _, b := range r {
			row = append(row, [2]string{b.Text, b.Data})
			if b.Text == label {
				data = b.Data
			}
		}
		rows = append(rows, row)
	}
	if data == "" {
		j.t.Fatalf("no button %q on:\n%s", label, call)
	}
	return func(id int64) string {
		return press(id, who, call.MsgID, call.Fields["text"], rows, data, 1764000000)
	}
}

// last returns the last call of calls with an inline keyboard.
func (j *journey) withButtons(calls []apiCall) apiCall {
	j.t.Helper()
	for i := len(calls) - 1; i >= 0; i-- {
		if strings.Contains(calls[i].Fields["reply_markup"], "inline_keyboard") {
			return calls[i]
		}
	}
	j.t.Fatalf("no message with buttons among %v", calls)
	return apiCall{}
}

// inPlaceOf returns the texts pressed (a message sent with buttons) was
// edited into, its keyboard going with them.
func inPlaceOf(calls []apiCall, pressed apiCall) []string {
	var out []string
	for _, c := range calls {
		if c.Method == "editMessageText" && c.MsgID == pressed.MsgID {
			out = append(out, c.Fields["text"])
		}
	}
	return out
}

// texts returns the texts sent with sendMessage.
func texts(calls []apiCall) []string {
	var out []string
	for _, c := range calls {
		if c.Method == "sendMessage" {
			out = append(out, c.Fields["text"])
		}
	}
	return out
}

// link runs /start CODE and agrees to the consent question.
func (j *journey) link(who user) {
	j.t.Helper()
	consent := j.withButtons(j.say(who, "/start "+linkCode))
	j.press(who, consent, "동의합니다")
}

// golden compares the transcript with testdata/name.golden (rewritten with -update).
func (j *journey) golden(name string) {
	j.t.Helper()
	path := filepath.Join("testdata", name+".golden")
	got := j.log.String()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			j.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		j.t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		j.t.Errorf("transcript differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

func (j *journey) feedbackOf(id string) []ledger.Feedback {
	j.t.Helper()
	var fs []ledger.Feedback
	err := j.store.View(context.Background(), func(tx *ledger.Tx) (err error) {
		fs, err = tx.FeedbackOf(id, 100)
		return err
	})
	if err != nil {
		j.t.Fatal(err)
	}
	return fs
}

func TestJourneyLinkAndPoints(t *testing.T) {
	j := newJourney(t)

	consent := j.say(minji, "/start "+linkCode)
	if len(consent) != 1 || !strings.Contains(consent[0].Fields["text"], "동의하시겠어요?") {
		t.Fatalf("consent question: %v", consent)
	}
	linked := j.press(minji, consent[0], "동의합니다")
	// The welcome brings the menu; the optional advertising question
	// (dialog's flow_marketing.go) comes last, with its own buttons.
	if got := drawMarkup(linked[len(linked)-2].Fields["reply_markup"]); !strings.Contains(got, "(💰 포인트) (⭐ 후기 남기기)") {
		t.Errorf("no main menu after linking: %s", got)
	}
	if got := drawMarkup(linked[len(linked)-1].Fields["reply_markup"]); !strings.Contains(got, "mkt:on:start") {
		t.Errorf("no optional advertising question after linking: %s", got)
	}
	points := j.say(minji, "💰 포인트")
	if tx := texts(points); len(tx) != 1 || !strings.Contains(tx[0], "1,200") || !strings.Contains(tx[0], "커트") {
		t.Errorf("points answer: %q", tx)
	}
	j.golden("points")

	var cursor int64
	if err := j.store.View(context.Background(), func(tx *ledger.Tx) (err error) {
		cursor, err = tx.Cursor(CursorName)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// The barrier after the last step never reached the engine; the points
	// check before it is the last update committed.
	if cursor != j.nextID-1 {
		t.Errorf("ledger cursor %d, want %d", cursor, j.nextID-1)
	}
}

func TestJourneyLinkBySharedContact(t *testing.T) {
	j := newJourney(t)
	// Consent first; the answers after it bring the menu with its
	// share-contact button.
	agreed := j.press(minji, j.withButtons(j.say(minji, "/start")), "동의합니다")
	if got := drawMarkup(agreed[len(agreed)-1].Fields["reply_markup"] + agreed[len(agreed)-2].Fields["reply_markup"]); !strings.Contains(got, "(📱 연락처로 연결 ⇢ shares contact)") {
		t.Fatalf("no share-contact button after consent: %v", agreed)
	}
	// Pressing it sends Minji's own contact, in international form.
	linked := j.send(minji, "민지 shares her contact", func(id int64) string {
		return message(id, minji, "message", map[string]any{"contact": map[string]any{
			"phone_number": "+82 10-1234-5678", "first_name": "민지", "user_id": minji.id}})
	})
	if tx := texts(linked); len(tx) != 2 || !strings.Contains(tx[0], "김민지님, 연결되었어요") || !strings.Contains(tx[1], "[혜택·이벤트 소식 받기 (선택)]") {
		t.Errorf("not linked by phone, then asked about advertising: %q", tx)
	}
}

func TestJourneyFeedback(t *testing.T) {
	j := newJourney(t)
	j.link(minji)
	j.log.Reset()

	ask := j.withButtons(j.say(minji, "⭐ 후기 남기기"))
	// Each press turns the question pressed into the next one: the survey
	// stays one message, and no new message is sent.
	nps := j.press(minji, ask, "★★★★")
	if tx := inPlaceOf(nps, ask); len(tx) != 1 || len(texts(nps)) != 0 || !strings.Contains(tx[0], "추천") {
		t.Fatalf("NPS question not shown in place of the rating question: %v", nps)
	}
	comment := j.press(minji, j.withButtons(nps), "9")
	if tx := inPlaceOf(comment, ask); len(tx) != 1 || len(texts(comment)) != 0 {
		t.Fatalf("comment question not shown in place of the NPS question: %v", comment)
	}
	thanks := j.say(minji, "커트가 마음에 들어요. 다음에도 올게요!")
	if tx := texts(thanks); len(tx) != 1 || !strings.Contains(tx[0], "감사") {
		t.Errorf("thanks: %q", tx)
	}
	j.golden("feedback")

	fs := j.feedbackOf(j.minji.ID)
	if len(fs) != 1 || fs[0].Rating != 4 || fs[0].NPS != 9 || fs[0].Comment != "커트가 마음에 들어요. 다음에도 올게요!" {
		t.Errorf("ledger feedback %+v", fs)
	}
	select {
	case r := <-j.elsewhere:
		t.Errorf("a 4-star rating alerted the staff: %q", r.Text)
	default:
	}
}

func TestJourneyLowRatingAlertsStaff(t *testing.T) {
	j := newJourney(t)
	j.link(minji)
	nps := j.press(minji, j.withButtons(j.say(minji, "/feedback")), "★★")
	comment := j.press(minji, j.withButtons(nps), "건너뛰기")
	j.say(minji, "기다리는 시간이 너무 길었어요")
	_ = comment
	select {
	case r := <-j.elsewhere:
		if r.To != dialog.ToStaffChannel || !strings.Contains(r.Text, "기다리는 시간이 너무 길었어요") || !strings.Contains(r.Text, "김민지") {
			t.Errorf("staff alert %+v", r)
		}
	case <-time.After(waitFor):
		t.Fatal("no staff alert for a 2-star rating")
	}
}

func TestJourneyStaleButton(t *testing.T) {
	j := newJourney(t)
	j.link(minji)
	ask := j.withButtons(j.say(minji, "/feedback"))
	j.say(minji, "/cancel")
	// The rating question is still on screen; its flow is over.
	calls := j.press(minji, ask, "★★★")
	var methods []string
	for _, c := range calls {
		methods = append(methods, c.Method)
	}
	if strings.Join(methods, " ") != "answerCallbackQuery editMessageReplyMarkup sendMessage" {
		t.Errorf("calls %v, want the press answered, the keyboard removed and the explanation sent", methods)
	}
	if c := calls[len(calls)-1]; c.Fields["text"] != "이미 끝났거나 더 이상 쓸 수 없는 버튼이에요." {
		t.Errorf("explanation %q", c.Fields["text"])
	}
	if fs := j.feedbackOf(j.minji.ID); len(fs) != 0 {
		t.Errorf("a stale press recorded feedback: %+v", fs)
	}
}

func TestJourneyLanguageSwitch(t *testing.T) {
	j := newJourney(t)
	j.link(minji)

	ask := j.say(minji, "🌐 언어 · Language")
	done := j.press(minji, j.withButtons(ask), "English")
	last := done[len(done)-1]
	if last.Fields["text"] != "Language changed to English." {
		t.Errorf("answer in the new language: %q", last.Fields["text"])
	}
	if got := drawMarkup(last.Fields["reply_markup"]); !strings.Contains(got, "(💰 Points) (⭐ Feedback)") {
		t.Errorf("menu not in English: %s", got)
	}
	// The English menu's buttons work, and the engine answers in English
	// although Telegram still reports Minji's client as Korean.
	points := j.say(minji, "💰 Points")
	if tx := texts(points); len(tx) != 1 || !strings.HasPrefix(tx[0], "김민지, you have") {
		t.Errorf("points in English: %q", tx)
	}
	// The answer to a sticker (the engine's) follows the chosen language too.
	sticker := j.send(minji, "sticker", func(id int64) string {
		return message(id, minji, "message", map[string]any{"sticker": map[string]any{"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 1, "height": 1}})
	})
	if tx := texts(sticker); len(tx) != 1 || !strings.HasPrefix(tx[0], "Sorry") {
		t.Errorf("sticker notice: %q", tx)
	}
}

func TestJourneyForget(t *testing.T) {
	j := newJourney(t)
	j.link(minji)

	ask := j.say(minji, "/forget")
	done := j.press(minji, j.withButtons(ask), "네, 삭제해 주세요")
	if tx := texts(done); len(tx) != 1 || !strings.Contains(tx[0], "삭제") {
		t.Errorf("forget answer: %q", tx)
	}
	var c ledger.Customer
	if err := j.store.View(context.Background(), func(tx *ledger.Tx) (err error) {
		c, err = tx.Customer(j.minji.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !c.Erased || c.Name != "" || c.Phone != "" {
		t.Errorf("customer after /forget: %+v", c)
	}
	if tx := texts(j.say(minji, "/points")); len(tx) != 1 || !strings.Contains(tx[0], "연결되어 있지 않") && !strings.Contains(tx[0], "코드") {
		t.Errorf("points after /forget: %q", tx)
	}
}

func TestJourneySameUpdateTwice(t *testing.T) {
	j := newJourney(t)
	j.link(minji)
	ask := j.say(minji, "/feedback")
	rate := j.pressUpdate(minji, j.withButtons(ask), "★★★★★")
	j.nextID++
	id := j.nextID
	upd := rate(id)

	// Delivered twice in one batch: the engine sees the same event id twice
	// and acts once.
	calls := j.send(minji, "the same press, twice", func(int64) string { return upd }, func(int64) string { return upd })
	if tx := append(texts(calls), inPlaceOf(calls, j.withButtons(ask))...); len(tx) != 1 {
		t.Errorf("answered %d times: %q", len(tx), tx)
	}

	// And again after a restart that lost the cursor (offset 0): the ledger
	// remembers the event id, so nothing changes and nothing is said.
	j.hs.stop()
	j.start(func(context.Context) (int64, error) { return 0, nil })
	calls = j.send(minji, "the same press after a restart", func(int64) string { return upd })
	for _, c := range calls {
		if c.Method == "sendMessage" || c.Method == "editMessageText" {
			t.Errorf("re-delivery after restart sent %s", c)
		}
	}
	// A restart that reads the cursor starts after everything committed.
	j.hs.stop()
	j.start(j.lastCommitted)
	last, err := j.lastCommitted(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	j.hs.f.waitPoll(t, last+1)
	if tx := texts(j.say(minji, "9")); len(tx) != 1 {
		t.Errorf("flow did not resume after restart: %q", tx)
	}
	var s ledger.Session
	if err := j.store.View(context.Background(), func(tx *ledger.Tx) (err error) {
		s, _, err = tx.Session("telegram:1001")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if s.Flow != "feedback" || s.Draft["rating"] != "5" || s.Draft["nps"] != "9" {
		t.Errorf("session %+v, want the feedback flow with rating 5 and NPS 9", s)
	}
}

// TestJourneyInPlaceRefused: a press whose next question Telegram will not
// let the bot edit in (the message too old, gone) still gets the question,
// as a new message; one whose edit was made before ("message is not
// modified": the answer to an edit that went through was lost) gets nothing
// more, so the question is never shown twice; a failure that may pass is
// retried as an edit.
func TestJourneyInPlaceRefused(t *testing.T) {
	badRequest := func(why string) failure {
		return failure{status: 400, body: `{"ok":false,"error_code":400,"description":"Bad Request: ` + why + `"}`}
	}
	for _, tc := range []struct {
		name          string
		fail          []failure
		edits, sends  int // the NPS question's editMessageText and sendMessage calls
		editsAnswered int // of the edits, those the fake answered ok
	}{
		{name: "cannot be edited", fail: []failure{badRequest("message can't be edited")}, edits: 1, sends: 1},
		{name: "not found", fail: []failure{badRequest("message to edit not found")}, edits: 1, sends: 1},
		{name: "not modified", fail: []failure{badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")}, edits: 1},
		{name: "retried", fail: []failure{{status: 502, body: `<html>bad gateway</html>`}}, edits: 2, editsAnswered: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := newJourney(t)
			j.link(minji)
			ask := j.withButtons(j.say(minji, "/feedback"))
			j.hs.f.failNext("editMessageText", tc.fail...)
			calls := j.press(minji, ask, "★★★★")
			edits, sends := 0, 0
			for _, c := range calls {
				switch {
				case c.Method == "editMessageText" && c.Fields["message_id"] == strconv.Itoa(ask.MsgID):
					edits++
				case c.Method == "sendMessage" && strings.Contains(c.Fields["text"], "추천"):
					sends++
				}
			}
			if got := len(inPlaceOf(calls, ask)); edits != tc.edits || sends != tc.sends || got != tc.editsAnswered {
				t.Errorf("edits %d (answered %d), new messages %d; want %d (%d), %d: %v", edits, got, sends, tc.edits, tc.editsAnswered, tc.sends, calls)
			}
		})
	}
}

// TestJourneyInPlaceAfterRestart: an answer that cannot take the pressed
// message's place goes as a new message, and the pressed message loses its
// keyboard instead. Here it is the survey's thank-you after a restart, which
// brings the main menu's reply keyboard (the adapter no longer knows the
// chat has it), and only a new message can carry that.
func TestJourneyInPlaceAfterRestart(t *testing.T) {
	j := newJourney(t)
	j.link(minji)
	ask := j.withButtons(j.say(minji, "/feedback"))
	nps := j.withButtons(j.press(minji, ask, "★★★★"))
	comment := j.withButtons(j.press(minji, nps, "9"))
	if comment.Method != "editMessageText" || comment.MsgID != ask.MsgID {
		t.Fatalf("the comment question is %s, want the rating question (%d) edited", comment, ask.MsgID)
	}
	j.hs.stop()
	last, err := j.lastCommitted(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	j.start(func(context.Context) (int64, error) { return last, nil })

	calls := j.press(minji, comment, "건너뛰기")
	var dropped, thanked bool
	for _, c := range calls {
		switch {
		case c.Method == "editMessageText" && c.Fields["message_id"] == strconv.Itoa(ask.MsgID):
			t.Errorf("the thank-you took the question's place, without the menu: %s", c)
		case c.Method == "editMessageReplyMarkup" && c.Fields["message_id"] == strconv.Itoa(ask.MsgID):
			dropped = c.Fields["reply_markup"] == ""
		case c.Method == "sendMessage" && strings.Contains(c.Fields["text"], "감사"):
			thanked = strings.Contains(c.Fields["reply_markup"], `"keyboard"`)
		}
	}
	if !dropped || !thanked {
		t.Errorf("keyboard dropped %v, thanked with the menu %v: %v", dropped, thanked, calls)
	}
}
