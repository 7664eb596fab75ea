package slack

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/dangol/dangol/bots/slack/slackfake"
	"github.com/dangol/dangol/dialog"
)

// memRefs is an in-memory ThreadRefs, the ledger's stand-in here (the
// ledger's own are tested in ledger, and cmd/dangol's journey runs them).
type memRefs struct {
	mu   sync.Mutex
	refs map[string]string // thread -> ref
}

func newMemRefs() *memRefs { return &memRefs{refs: map[string]string{}} }

func (m *memRefs) ThreadRef(_ context.Context, thread string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ref, ok := m.refs[thread]
	return ref, ok, nil
}

func (m *memRefs) SetThreadRef(_ context.Context, thread, ref string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refs[thread] = ref
	return nil
}

func (m *memRefs) ThreadByRef(_ context.Context, ref string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for th, r := range m.refs {
		if r == ref {
			return th, true, nil
		}
	}
	return "", false, nil
}

func withRefs(refs ThreadRefs) func(*Config) { return func(c *Config) { c.Threads = refs } }

// staffPost is a staff channel reply in thread n.
func staffPost(n, text string, buttons ...dialog.Button) dialog.Reply {
	return dialog.Reply{To: dialog.ToStaffChannel, Lang: "ko", Text: text, Buttons: buttons, Thread: n, ThreadLabel: "문의 #" + n}
}

func TestThreadPosts(t *testing.T) {
	refs := newMemRefs()
	e := newEnv(t, func(context.Context, dialog.Message) ([]dialog.Reply, error) { return nil, nil }, withRefs(refs))
	ctx := t.Context()
	head := staffPost("1", "[문의 #1] 새 문의\n“내일 3시 예약 가능한가요?”", dialog.Button{Label: "내가 맡을게요", Payload: "th:claim:1"})
	head.Head = true
	headTS := slackfake.PostTS(1)

	t.Run("HeadStartsTheThread", func(t *testing.T) {
		if err := e.deliver(ctx, head); err != nil {
			t.Fatal(err)
		}
		c := e.fake.Next(t, "chat.postMessage")
		if c.Form.Get("channel") != staffChannel || c.Form.Get("thread_ts") != "" {
			t.Errorf("head posted to %q under %q, want a new message in the staff channel", c.Form.Get("channel"), c.Form.Get("thread_ts"))
		}
		if ref, ok, _ := refs.ThreadRef(ctx, "1"); !ok || ref != staffChannel+":"+headTS {
			t.Errorf("ref %q, %v, want the head's channel and ts", ref, ok)
		}
	})
	t.Run("LaterPostsUnderIt", func(t *testing.T) {
		more := staffPost("1", "김민지님의 추가 메시지")
		more.File = &dialog.File{Name: "photo.jpg", Mime: "image/jpeg", Bytes: []byte("jpeg")}
		if err := e.deliver(ctx, more); err != nil {
			t.Fatal(err)
		}
		if c := e.fake.Next(t, "chat.postMessage"); c.Form.Get("thread_ts") != headTS {
			t.Errorf("follow-up under %q, want %q", c.Form.Get("thread_ts"), headTS)
		}
		e.fake.Next(t, "files.getUploadURLExternal")
		if c := e.fake.Next(t, "upload"); string(c.Body) != "jpeg" {
			t.Errorf("uploaded %q", c.Body)
		}
		if c := e.fake.Next(t, "files.completeUploadExternal"); c.Form.Get("thread_ts") != headTS || c.Form.Get("channel_id") != staffChannel {
			t.Errorf("file shared with %v, want into the thread", c.Form)
		}
	})
	t.Run("HeadUpdatedInPlace", func(t *testing.T) {
		upd := staffPost("1", "[문의 #1] 새 문의\n상태: 민지님 담당", dialog.Button{Label: "종료", Payload: "th:close:1"})
		upd.Head, upd.HeadUpdate = true, true
		if err := e.deliver(ctx, upd); err != nil {
			t.Fatal(err)
		}
		c := e.fake.Next(t, "chat.update")
		if c.Form.Get("channel") != staffChannel || c.Form.Get("ts") != headTS {
			t.Errorf("updated %q at %q, want the head", c.Form.Get("channel"), c.Form.Get("ts"))
		}
		texts := strings.Join(blockTexts(c.Blocks(t)), "\n")
		if !strings.Contains(texts, "민지님 담당") || !strings.Contains(texts, "종료") || strings.Contains(texts, "내가 맡을게요") {
			t.Errorf("updated head shows %q, want the new state and only the buttons that apply", texts)
		}
	})
	t.Run("HeadUpdateDropsButtons", func(t *testing.T) {
		// A thread closed by its customer's erasure: the new head has no
		// buttons, so the old ones must go from Slack, not stay pressable.
		upd := staffPost("1", "[문의 #1]\n고객: 정보가 삭제된 고객\n상태: 고객 정보 삭제로 종료")
		upd.Head, upd.HeadUpdate = true, true
		if err := e.deliver(ctx, upd); err != nil {
			t.Fatal(err)
		}
		c := e.fake.Next(t, "chat.update")
		for _, b := range c.Blocks(t) {
			if b["type"] == "actions" {
				t.Errorf("the updated head still has buttons: %v", b)
			}
		}
		if texts := strings.Join(blockTexts(c.Blocks(t)), "\n"); !strings.Contains(texts, "삭제로 종료") {
			t.Errorf("updated head shows %q, want the erased state alone", texts)
		}
	})
	t.Run("HeadAgainIsKept", func(t *testing.T) {
		// The first head sent once more (the outbox after a restart) is
		// neither posted again nor put back over the newer version.
		if err := e.deliver(ctx, head); err != nil {
			t.Fatal(err)
		}
		e.fake.None(t)
	})
	t.Run("GoneHeadPostedAgain", func(t *testing.T) {
		e.fake.Script("chat.update", answer{Status: 200, Code: "message_not_found"})
		upd := staffPost("1", "[문의 #1] 상태: 종료")
		upd.Head, upd.HeadUpdate = true, true
		if err := e.deliver(ctx, upd); err != nil {
			t.Fatal(err)
		}
		c := e.fake.Next(t, "chat.postMessage")
		if c.Form.Get("thread_ts") != "" {
			t.Errorf("a head deleted in Slack was posted under %q", c.Form.Get("thread_ts"))
		}
		if ref, _, _ := refs.ThreadRef(ctx, "1"); ref == staffChannel+":"+headTS {
			t.Error("the ref still names the deleted head")
		}
	})
	t.Run("UnthreadedPost", func(t *testing.T) {
		if err := e.deliver(ctx, dialog.Reply{To: dialog.ToStaffChannel, Lang: "ko", Text: "주간 요약"}); err != nil {
			t.Fatal(err)
		}
		if c := e.fake.Next(t, "chat.postMessage"); c.Form.Get("thread_ts") != "" {
			t.Errorf("a post of no thread went under %q", c.Form.Get("thread_ts"))
		}
	})
	e.close()
	e.fake.None(t)
}

// channelEvent is a message callback in a channel (channel_type channel).
func channelEvent(eventID string, inner map[string]any) map[string]any {
	ev := map[string]any{"type": "message", "channel": staffChannel, "channel_type": "channel", "event_ts": "1700000001.000001"}
	for k, v := range inner {
		ev[k] = v
	}
	return map[string]any{
		"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000001, "event": ev,
	}
}

func TestThreadEvents(t *testing.T) {
	refs := newMemRefs()
	headTS := "1700000000.000100"
	_ = refs.SetThreadRef(t.Context(), "12", staffChannel+":"+headTS)
	e := newEnv(t, func(_ context.Context, m dialog.Message) ([]dialog.Reply, error) {
		return []dialog.Reply{{Lang: "ko", Text: "#12 고객님께 답장을 보냈어요."}}, nil
	}, withRefs(refs))
	e.bot.mu.Lock()
	e.bot.botUserID = "UBOT"
	e.bot.mu.Unlock()

	reply := map[string]any{"user": "U1", "text": "네, 3시 &lt;비어&gt; 있어요", "ts": "1700000001.000001", "thread_ts": headTS}
	ignored := []struct {
		name  string
		inner map[string]any
	}{
		{"TopLevelChatter", map[string]any{"user": "U1", "text": "점심 뭐 먹죠", "ts": "1700000001.000002"}},
		{"OtherThread", map[string]any{"user": "U1", "text": "네", "ts": "1700000001.000003", "thread_ts": "1690000000.000100"}},
		{"BotPost", map[string]any{"user": "U9", "bot_id": "B9", "text": "봇", "ts": "1700000001.000004", "thread_ts": headTS}},
		{"OwnPost", map[string]any{"user": "UBOT", "text": "dangol", "ts": "1700000001.000005", "thread_ts": headTS}},
		{"Join", map[string]any{"subtype": "channel_join", "user": "U1", "text": "joined", "ts": "1700000001.000006", "thread_ts": headTS}},
		{"Unfurl", map[string]any{"subtype": "message_changed", "hidden": true,
			"message":          map[string]any{"user": "U1", "text": "https://x.kr", "ts": "1700000001.000007", "thread_ts": headTS},
			"previous_message": map[string]any{"user": "U1", "text": "https://x.kr", "ts": "1700000001.000007", "thread_ts": headTS}}},
		{"HeadRepliesCounted", map[string]any{"subtype": "message_changed", "hidden": true,
			"message":          map[string]any{"user": "UBOT", "bot_id": "BBOT", "text": "[문의 #12]", "ts": headTS, "reply_count": 1},
			"previous_message": map[string]any{"user": "UBOT", "bot_id": "BBOT", "text": "[문의 #11]", "ts": headTS}}},
	}
	for i, c := range ignored {
		if r := e.event(channelEvent("EvIgn"+string(rune('A'+i)), c.inner), 0); r.status != 200 {
			t.Fatalf("%s: status %d", c.name, r.status)
		}
	}

	if r := e.event(channelEvent("EvReply", reply), 0); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	m := e.h.next(t)
	if m.Thread != "12" || m.Text != "네, 3시 <비어> 있어요" || m.UserID != "U1" || m.Edit != "" || m.EventID != "slack:EvReply" || m.Private || m.CanForm {
		t.Errorf("message %+v, want U1's answer in thread 12", m)
	}
	// The confirmation is for the writer only, in the thread.
	if c := e.fake.Next(t, "chat.postEphemeral"); c.Form.Get("thread_ts") != headTS || c.Form.Get("user") != "U1" {
		t.Errorf("confirmation %v, want ephemeral to U1 in the thread", c.Form)
	}

	edits := []struct {
		name, eventID string
		inner         map[string]any
		edit          string
	}{
		{"Changed", "EvEdit", map[string]any{"subtype": "message_changed", "hidden": true,
			"message":          map[string]any{"user": "U1", "text": "네, 4시 비어 있어요", "ts": "1700000001.000001", "thread_ts": headTS},
			"previous_message": map[string]any{"user": "U1", "text": "네, 3시 비어 있어요", "ts": "1700000001.000001", "thread_ts": headTS}}, dialog.EditChanged},
		{"Deleted", "EvDel", map[string]any{"subtype": "message_deleted", "hidden": true, "deleted_ts": "1700000001.000001",
			"previous_message": map[string]any{"user": "U1", "text": "네, 4시 비어 있어요", "ts": "1700000001.000001", "thread_ts": headTS}}, dialog.EditDeleted},
	}
	for _, c := range edits {
		if r := e.event(channelEvent(c.eventID, c.inner), 0); r.status != 200 {
			t.Fatalf("%s: status %d", c.name, r.status)
		}
		m := e.h.next(t)
		if m.Thread != "12" || m.Edit != c.edit || m.UserID != "U1" {
			t.Errorf("%s: message %+v, want U1's %s in thread 12", c.name, m, c.edit)
		}
		e.fake.Next(t, "chat.postEphemeral")
	}
	e.close()
	e.h.none(t)
	e.fake.None(t)
}

// A click on a thread's head answers in that thread.
func TestThreadClickAnswersInThread(t *testing.T) {
	refs := newMemRefs()
	headTS := "1700000000.000100"
	_ = refs.SetThreadRef(t.Context(), "3", staffChannel+":"+headTS)
	e := newEnv(t, func(_ context.Context, m dialog.Message) ([]dialog.Reply, error) {
		return []dialog.Reply{{Lang: "ko", Text: "민지님이 #3 문의를 맡았어요."}}, nil
	}, withRefs(refs))
	click := buttonClick("U1", staffChannel, "trig-1", buttonActionPrefix+"0", "th:claim:3", "내가 맡을게요", false, "")
	click["container"].(map[string]any)["message_ts"] = headTS
	if r := e.interaction(click); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	e.h.next(t)
	if c := e.fake.Next(t, "chat.postMessage"); c.Form.Get("thread_ts") != headTS || c.Form.Get("channel") != staffChannel {
		t.Errorf("answer %v, want it in thread 3", c.Form)
	}
	// A click on a message of no thread answers in the channel as before.
	if r := e.interaction(buttonClick("U1", staffChannel, "trig-2", buttonActionPrefix+"0", "answer:F1", "내가 연락할게요", false, "")); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	e.h.next(t)
	if c := e.fake.Next(t, "chat.postMessage"); c.Form.Get("thread_ts") != "" {
		t.Errorf("answer under %q, want in the channel", c.Form.Get("thread_ts"))
	}
	e.close()
	e.fake.None(t)
}

// Socket Mode takes a thread's messages as HTTP mode does: acknowledged,
// handed to the engine with Thread, answered in the thread.
func TestThreadEventsSocketMode(t *testing.T) {
	refs := newMemRefs()
	headTS := "1700000000.000100"
	_ = refs.SetThreadRef(t.Context(), "4", staffChannel+":"+headTS)
	s := newSocketEnvOn(t, newFakeSlack(t), func(_ context.Context, m dialog.Message) ([]dialog.Reply, error) {
		return []dialog.Reply{{Lang: "ko", Text: "#4 고객님께 답장을 보냈어요."}}, nil
	}, withRefs(refs))
	s.envelope("E1", "events_api", channelEvent("EvSock1", map[string]any{"user": "U1", "text": "네, 가능해요", "ts": "1700000001.000001", "thread_ts": headTS}), 0)
	if m := s.h.next(t); m.Thread != "4" || m.Text != "네, 가능해요" || m.EventID != "slack:EvSock1" {
		t.Errorf("message %+v, want U1's answer in thread 4", m)
	}
	if c := s.fake.Next(t, "chat.postEphemeral"); c.Form.Get("thread_ts") != headTS {
		t.Errorf("confirmation under %q, want the thread", c.Form.Get("thread_ts"))
	}
	// Chatter in the channel is acknowledged and goes nowhere.
	s.envelope("E2", "events_api", channelEvent("EvSock2", map[string]any{"user": "U1", "text": "점심 뭐 먹죠", "ts": "1700000001.000002"}), 0)
	if err := s.stop(); err != nil {
		t.Errorf("Run returned %v after cancel", err)
	}
	s.h.none(t)
	s.fake.None(t)
}

// Without Config.Threads every staff channel post is a message of its own
// and nothing written in a thread is heard.
func TestThreadsOff(t *testing.T) {
	e := newEnv(t, func(context.Context, dialog.Message) ([]dialog.Reply, error) { return nil, nil })
	head := staffPost("1", "[문의 #1] 새 문의")
	head.Head = true
	for _, r := range []dialog.Reply{head, staffPost("1", "추가 메시지")} {
		if err := e.deliver(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		if c := e.fake.Next(t, "chat.postMessage"); c.Form.Get("thread_ts") != "" {
			t.Errorf("posted under %q without threads", c.Form.Get("thread_ts"))
		}
	}
	upd := staffPost("1", "[문의 #1] 상태: 종료")
	upd.Head, upd.HeadUpdate = true, true
	if err := e.deliver(t.Context(), upd); err != nil {
		t.Fatal(err)
	}
	// No head is kept to edit: the update is dropped, as the console does.
	e.event(channelEvent("EvOff", map[string]any{"user": "U1", "text": "네", "ts": "1700000001.000001", "thread_ts": slackfake.PostTS(1)}), 0)
	e.close()
	e.h.none(t)
	e.fake.None(t)
}
