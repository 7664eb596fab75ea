package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/slack/slackfake"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
)

// TestMediaBlockedJourney is issue 12's photos and blocked customers
// through the real adapters on their fakes, with the real engine: a
// customer's photo with a caption becomes a question whose photo is
// uploaded into its Slack thread; the customer blocks the bot, so the
// staff's answer is refused (403) once, not retried, and the thread is
// told "전달 실패" once; a second answer is warned about first; after a
// restart nothing refused is sent again; the customer writing again
// clears it, and the next answer reaches them.
func TestMediaBlockedJourney(t *testing.T) {
	t.Parallel() // its own ledger, fakes and port
	r := newJourneyRig(t)
	r.start()
	pic := append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte("사진"), 200)...)
	r.tg.AddFile("p-large", pic)

	// The photo with its caption, and [보내기].
	r.customer(telegramfake.Photo(journeyChat, "하늘", "ko", "이 색으로 해 주세요",
		telegramfake.PhotoSize{FileID: "p-small", Width: 90, Height: 90, FileSize: 100},
		telegramfake.PhotoSize{FileID: "p-large", Width: 800, Height: 600, FileSize: len(pic)}))
	ask := r.telegram(testCatalog.Text("ko", "threads.ask", nil))
	r.customer(telegramfake.Press(journeyChat, "하늘", "ko", ask, "qsend"))
	head := r.slack("chat.postMessage", func(c slackfake.Call) bool { return shows(c, "이 색으로 해 주세요") })
	headTS := head.TS
	// Other uploads may come between (the weekly chart, when the rig starts
	// on a day its post is due), so the photo is told by its bytes and name.
	r.slack("upload", func(c slackfake.Call) bool { return bytes.Equal(c.Body, pic) })
	done := r.slack("files.completeUploadExternal", func(c slackfake.Call) bool {
		return strings.Contains(c.Form.Get("files"), "photo-1.jpg")
	})
	if done.Form.Get("thread_ts") != headTS {
		t.Errorf("the photo was completed as %v, want it in the thread %s", done.Form, headTS)
	}

	// Blocked: the answer is refused once, and the thread is told.
	r.tg.Block(journeyChat)
	const first, second, third = "네, 이 색 가능해요", "내일 오시면 돼요", "다시 연락 주셔서 감사해요"
	r.inThread(map[string]any{"user": journeyStaff, "text": first, "thread_ts": headTS})
	r.telegram(first)
	failed := r.slack("chat.postMessage", func(c slackfake.Call) bool { return shows(c, "전달 실패: 고객이 봇을 차단했어요") })
	if failed.Form.Get("thread_ts") != headTS {
		t.Errorf("the failure was said under %q, want the thread %q", failed.Form.Get("thread_ts"), headTS)
	}

	// A second answer: the staff member is warned, it is tried once, and
	// the thread is not told again.
	r.inThread(map[string]any{"user": journeyStaff, "text": second, "thread_ts": headTS})
	r.slack("chat.postEphemeral", func(c slackfake.Call) bool { return shows(c, "봇을 차단한 상태") })
	r.telegram(second)

	// A restart sends nothing refused again.
	r.stop()
	r.start()
	r.tg.Unblock(journeyChat)
	r.customer(telegramfake.Text(journeyChat, "하늘", "ko", "이제 보여요"))
	deadline := time.After(waitTimeout)
	for joined := false; !joined; {
		select {
		case c := <-r.slc:
			if (c.Method == "chat.postMessage" || c.Method == "chat.postEphemeral") && shows(c, "전달 실패") {
				t.Errorf("the thread was told again: %q", c.Form.Get("text"))
			}
			joined = c.Method == "chat.postMessage" && shows(c, "이제 보여요")
		case <-deadline:
			t.Fatal("the customer's message did not reach the thread")
		}
	}
	if n, m := r.relayed("[단골미용실 Display U1] "+first), r.relayed("[단골미용실 Display U1] "+second); n != 1 || m != 1 {
		t.Errorf("refused answers sent %d and %d times, want once each (never retried)", n, m)
	}

	// Reachable again: the next answer goes, without a warning.
	r.inThread(map[string]any{"user": journeyStaff, "text": third, "thread_ts": headTS})
	r.telegram(third)
	r.stop()
	if strings.Contains(r.srv.logText(), tgToken) {
		t.Error("the log holds the Telegram token")
	}
}
