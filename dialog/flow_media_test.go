package dialog

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// photo is a recognisable JPEG: its first bytes and a marker.
func photo(marker string) []byte { return append([]byte{0xff, 0xd8, 0xff, 0xe0}, marker...) }

// withMedia makes m carry media of kind with bytes b, its Text the caption.
func withMedia(m Message, kind MediaKind, mime string, b []byte) Message {
	m.Media = &Media{Kind: kind, Mime: mime, Bytes: b}
	return m
}

// photoOf is the customer sending a photo with a caption.
func photoOf(m Message, caption, marker string) Message {
	m.Text = caption
	return withMedia(m, MediaPhoto, "image/jpeg", photo(marker))
}

// threadPhotos reads thread n's photos with their bytes.
func (h *harness) threadPhotos(n int64) []ledger.ThreadPhoto {
	h.tb.Helper()
	var ps []ledger.ThreadPhoto
	h.view(func(tx *ledger.Tx) (err error) { ps, err = tx.ThreadPhotos(n, true); return err })
	return ps
}

// photoPosts checks the staff posts of rs carry these files, in order, in
// thread n: names and bytes.
func photoPosts(n string, names []string, markers []string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		var got []Reply
		for _, r := range repliesTo(rs, ToStaffChannel) {
			if r.File != nil {
				got = append(got, r)
			}
		}
		if len(got) != len(names) {
			t.Fatalf("staff posts with a file: %d, want %d: %q", len(got), len(names), allText(rs))
		}
		for i, r := range got {
			if r.Thread != n || r.File.Name != names[i] || r.File.Mime != "image/jpeg" || !bytes.Equal(r.File.Bytes, photo(markers[i])) {
				t.Errorf("post %d: thread %q file %q %s %d bytes, want thread %s %q", i, r.Thread, r.File.Name, r.File.Mime, len(r.File.Bytes), n, names[i])
			}
		}
	}
}

// noStaffPost checks nothing went to the staff channel.
func noStaffPost(t *testing.T, _ *harness, rs []Reply) {
	t.Helper()
	if posts := repliesTo(rs, ToStaffChannel); len(posts) != 0 {
		t.Errorf("staff posts %q, want none", allText(posts))
	}
}

var mediaScripts = []script{
	{"PhotoOpensQuestionThenJoins", func(h *harness, f fixture) []step {
		return append(linkMinji(h),
			step{msg: photoOf(custMsg(""), "이 색으로 해 주세요", "P1"), ids: []string{"threads.ask"},
				want: []string{h.text("media.kept", map[string]any{"Count": 1})}, payloads: []string{questionSend}, check: noStaffPost},
			step{msg: press(custMsg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 2 || !posts[0].Head || !strings.Contains(posts[0].Text, "이 색으로 해 주세요") || posts[0].File != nil {
					t.Fatalf("posts %q, want the head with the caption, then the photo", allText(posts))
				}
				photoPosts("1", []string{"photo-1.jpg"}, []string{"P1"})(t, h, rs)
				if ps := h.threadPhotos(1); len(ps) != 1 || !bytes.Equal(ps[0].Bytes, photo("P1")) {
					t.Errorf("kept photos %+v", ps)
				}
				if ms := h.threadMessages(1); len(ms) != 1 || ms[0].Text != "이 색으로 해 주세요" {
					t.Errorf("messages %+v, want the caption", ms)
				}
			}},
			step{msg: photoOf(custMsg(""), "", "P2"), ids: []string{"threads.joined"}, check: func(t *testing.T, h *harness, rs []Reply) {
				photoPosts("1", []string{"photo-2.jpg"}, []string{"P2"})(t, h, rs)
				if p := repliesTo(rs, ToStaffChannel)[0]; strings.Contains(p.Text, "“") {
					t.Errorf("a photo alone is posted with a quote: %q", p.Text)
				}
				if ms := h.threadMessages(1); len(ms) != 1 {
					t.Errorf("a photo alone added a message: %+v", ms)
				}
			}},
			step{msg: photoOf(custMsg(""), "이것도요", "P3"), ids: []string{"threads.joined"}, check: func(t *testing.T, h *harness, rs []Reply) {
				photoPosts("1", []string{"photo-3.jpg"}, []string{"P3"})(t, h, rs)
				if p := repliesTo(rs, ToStaffChannel)[0]; !strings.Contains(p.Text, "이것도요") {
					t.Errorf("the caption is not in the post: %q", p.Text)
				}
			}},
			step{msg: withMedia(custMsg(""), MediaSticker, "", nil), ids: []string{"media.unsupported"}, check: func(t *testing.T, h *harness, rs []Reply) {
				noStaffPost(t, h, rs)
				if ps := h.threadPhotos(1); len(ps) != 3 {
					t.Errorf("a sticker changed the photos: %d", len(ps))
				}
			}},
			step{msg: withMedia(custMsg("들어 보세요"), MediaVoice, "audio/ogg", nil), ids: []string{"media.unsupported"}, check: func(t *testing.T, h *harness, rs []Reply) {
				noStaffPost(t, h, rs)
				if ms := h.threadMessages(1); len(ms) != 2 {
					t.Errorf("a voice note's caption was kept: %+v", ms)
				}
			}},
			step{msg: staffMsg("/inbox 1"), want: []string{h.text("media.inbox.photos", map[string]any{"Count": 3, "Names": "photo-1.jpg, photo-2.jpg, photo-3.jpg"})}},
			step{msg: custMsg("/mydata"), want: []string{h.text("media.mine.photos", map[string]any{"Count": 3, "Names": "photo-1.jpg, photo-2.jpg, photo-3.jpg"})},
				check: func(t *testing.T, h *harness, rs []Reply) {
					for _, r := range rs {
						if r.File != nil || r.Image != nil {
							t.Errorf("/mydata sent the bytes back: %+v", r.File)
						}
					}
				}},
		)
	}},
	// A photo whose caption asks something, sent while a complaint is
	// open, joined the complaint unasked, as words alone did before they
	// were asked about; a photo alone still joins it.
	{"PhotoQuestionWhileComplaintOpen", func(h *harness, f fixture) []step {
		asked := h.text("threads.ask_complaint", map[string]any{"N": "1"})
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 2 너무 오래 기다렸어요")},
			step{msg: photoOf(custMsg(""), "", "C1"), ids: []string{"threads.joined"}, not: []string{asked}, check: photoPosts("1", []string{"photo-1.jpg"}, []string{"C1"})},
			step{msg: photoOf(custMsg(""), "이 제품 재고 있나요?", "Q1"), want: []string{asked, h.text("media.kept", map[string]any{"Count": 1})},
				payloads: []string{questionSend, "qjoin", "cancel"}, check: noStaffPost},
			step{msg: press(custMsg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				photoPosts("2", []string{"photo-1.jpg"}, []string{"Q1"})(t, h, rs)
				if th := h.thread(2); th.Kind != ledger.ThreadQuestion {
					t.Errorf("thread 2 %+v, want a question", th)
				}
				if ps := h.threadPhotos(1); len(ps) != 1 {
					t.Errorf("the complaint has %d photos, want its first alone", len(ps))
				}
			}},
		)
	}},
	{"PhotosWaitForSend", func(h *harness, f fixture) []step {
		steps := append(linkMinji(h),
			step{msg: custMsg("사진 몇 장 보낼게요"), ids: []string{"threads.ask"}},
			step{msg: photoOf(custMsg(""), "", "A"), want: []string{h.text("media.kept", map[string]any{"Count": 1})}, check: noStaffPost},
			step{msg: photoOf(custMsg(""), "두 번째", "B"), want: []string{h.text("media.kept", map[string]any{"Count": 2})}, ids: []string{"threads.ask"}, check: noStaffPost},
		)
		for i := 3; i <= maxPendingPhotos; i++ {
			steps = append(steps, step{msg: photoOf(custMsg(""), "", "more"), check: noStaffPost})
		}
		return append(steps,
			step{msg: photoOf(custMsg(""), "", "too many"), want: []string{h.text("media.pending_full", map[string]any{"Max": maxPendingPhotos})}, check: noStaffPost},
			step{msg: withMedia(custMsg(""), MediaSticker, "", nil), ids: []string{"media.unsupported", "threads.ask"}, check: noStaffPost},
			step{msg: press(custMsg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1+maxPendingPhotos || !strings.Contains(posts[0].Text, "사진 몇 장 보낼게요\n두 번째") {
					t.Fatalf("posts %q, want the head with both texts and %d photos", allText(posts), maxPendingPhotos)
				}
				if posts[1].File.Name != "photo-1.jpg" || !bytes.Equal(posts[2].File.Bytes, photo("B")) || posts[5].File.Name != "photo-5.jpg" {
					t.Errorf("photo posts %q %q", posts[1].File.Name, posts[5].File.Name)
				}
				if ps := h.threadPhotos(1); len(ps) != maxPendingPhotos {
					t.Errorf("kept %d photos, want %d", len(ps), maxPendingPhotos)
				}
			}},
			step{msg: custMsg("/mydata"), not: []string{"photo-6"}},
		)
	}},
	{"CancelDropsPendingPhotos", func(h *harness, f fixture) []step {
		return append(linkMinji(h),
			step{msg: photoOf(custMsg(""), "", "X"), ids: []string{"threads.ask"}},
			step{msg: press(custMsg(""), "cancel"), check: func(t *testing.T, h *harness, rs []Reply) {
				noStaffPost(t, h, rs)
				if _, ok := h.session("telegram:" + custTG); ok {
					t.Error("the pending photo's session outlived the cancel")
				}
			}},
		)
	}},
	{"MediaInOtherFlows", func(h *harness, f fixture) []step {
		return append(linkMinji(h),
			step{msg: custMsg("/feedback"), payloads: []string{"rate:5"}},
			step{msg: withMedia(custMsg(""), MediaSticker, "", nil), payloads: []string{"rate:5"}, not: []string{h.text("media.unsupported", nil)}, check: noStaffPost},
			step{msg: photoOf(custMsg(""), "5점이요", "F"), payloads: []string{"rate:5"}, check: func(t *testing.T, h *harness, rs []Reply) {
				noStaffPost(t, h, rs)
				if s, ok := h.session("telegram:" + custTG); !ok || s.Flow != flowFeedback || s.State != fbRating {
					t.Errorf("session %+v, want feedback still asking the rating", s)
				}
			}},
			step{msg: press(custMsg(""), "rate:5")},
			step{msg: press(custMsg(""), "skip")},
			step{msg: withMedia(custMsg(""), MediaVoice, "audio/ogg", nil), ids: []string{"core.feedback.bad_comment"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if fs := h.allFeedback(); len(fs) != 0 {
					t.Errorf("a voice note saved feedback: %+v", fs)
				}
			}},
			step{msg: custMsg("좋았어요"), check: func(t *testing.T, h *harness, rs []Reply) {
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].Comment != "좋았어요" {
					t.Errorf("feedback %+v", fs)
				}
			}},
		)
	}},
	{"PhotoNotFetched", func(h *harness, f fixture) []step {
		return append(linkMinji(h),
			step{msg: withMedia(custMsg("영수증이요"), MediaOther, "image/jpeg", nil), ids: []string{"media.photo_failed"}, check: noStaffPost},
			step{msg: withMedia(custMsg(""), MediaPhoto, "image/jpeg", make([]byte, MaxMediaBytes+1)), ids: []string{"media.photo_failed"}, check: noStaffPost},
		)
	}},
	{"UnlinkedSenderPhoto", func(h *harness, f fixture) []step {
		return []step{
			{msg: photoOf(cust2Msg(""), "", "U"), ids: []string{"threads.ask"}},
			{msg: press(cust2Msg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				photoPosts("1", []string{"photo-1.jpg"}, []string{"U"})(t, h, rs)
				if th := h.thread(1); th.CustomerID != "" || th.SenderID != "telegram:"+custTG2 {
					t.Errorf("thread %+v, want the unlinked sender's", th)
				}
			}},
		}
	}},
	{"StaffMediaReadsTheText", func(h *harness, f fixture) []step {
		return []step{{msg: withMedia(staffMsg("/followups"), MediaPhoto, "image/jpeg", photo("S")), not: []string{h.text("media.unsupported", nil)}, check: noStaffPost}}
	}},
}

func TestMediaScripts(t *testing.T) { runScripts(t, mediaScripts) }

// TestMedia_Sealed: the photos' bytes never reach the data file in the
// clear, and /forget shreds them.
func TestMedia_Sealed(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	runSteps(t, h, append(linkMinji(h),
		step{msg: photoOf(custMsg(""), "", "SEALED-PHOTO-MARKER")},
		step{msg: press(custMsg(""), questionSend)},
	))
	if ps := h.threadPhotos(1); len(ps) != 1 || ps[0].Bytes == nil {
		t.Fatalf("photos %+v", ps)
	}
	runSteps(t, h, []step{{msg: custMsg("/forget")}, {msg: press(custMsg(""), "yes")}})
	if ps := h.threadPhotos(1); len(ps) != 1 || ps[0].Bytes != nil {
		t.Errorf("after /forget: %+v, want the photo unreadable", ps)
	}
	h.close()
	data, err := os.ReadFile(h.path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("SEALED-PHOTO-MARKER")) {
		t.Error("the data file holds the photo in the clear")
	}
}

// TestMaxMediaBytes: what an adapter fetches is what the ledger keeps.
func TestMaxMediaBytes(t *testing.T) {
	if MaxMediaBytes != ledger.MaxPhotoBytes {
		t.Errorf("MaxMediaBytes %d, ledger.MaxPhotoBytes %d: a photo fetched could be refused", MaxMediaBytes, ledger.MaxPhotoBytes)
	}
}
