package dialog

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// Media from customers (issue 12). A photo is part of a question: it joins
// the customer's open thread, or opens a question as text does (its
// caption the words, a photo alone is fine), is kept sealed with the
// thread (ledger.AddThreadPhoto) and goes to the staff channel as the
// thread post's File. While the question waits for [보내기] its photos
// wait in the draft. Stickers, voice notes and other media are answered
// with a polite request for words or a photo, and nothing is kept; inside
// another flow any media is answered with that flow's own question again.

// Draft keys of a question's pending photos: dQPhotos holds how many, and
// photo i (from 1) is base64 under dQPhoto+i with its type under
// dQPhoto+i+".mime". The draft is sealed with the session.
const (
	dQPhotos = "photos"
	dQPhoto  = "photo."
)

// maxPendingPhotos bounds the photos a question waiting for [보내기] holds;
// together they are at most MaxMediaBytes, so a session stays small.
const maxPendingPhotos = 5

// onMedia handles a customer's message that carries media (dispatch).
func (t *turn) onMedia(md *Media) error {
	if md.Kind == MediaPhoto && len(md.Bytes) > 0 && len(md.Bytes) <= MaxMediaBytes {
		return t.onPhoto(md)
	}
	if t.sess.Flow != "" && t.sess.Flow != flowQuestion {
		return t.step(input{}) // the flow asks again for what it wants
	}
	id := "media.unsupported"
	if strings.HasPrefix(md.Mime, "image/") || md.Kind == MediaPhoto {
		id = "media.photo_failed" // a photo the adapter could not fetch
	}
	t.say(id, nil)
	if t.sess.Flow == flowQuestion {
		t.askQuestion()
	}
	return nil
}

// onPhoto: a photo, with its caption as words, joins the customer's open
// thread, or the question waiting for [보내기], or starts one.
func (t *turn) onPhoto(md *Media) error {
	caption := strings.TrimSpace(t.m.Text)
	switch t.sess.Flow {
	case "":
	case flowQuestion:
		if !t.pendPhoto(md) {
			return nil
		}
		if caption != "" {
			return t.questionStep(input{text: caption}) // adds the words and asks again
		}
		t.askQuestion()
		return nil
	default:
		return t.step(input{})
	}
	if caption != "" && t.refusedText(caption) {
		return nil
	}
	c, linked, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	th, ok, err := t.liveThread(c)
	if err != nil {
		return err
	}
	// A photo whose caption asks something, sent while a complaint is
	// open, is asked about as the words alone are (onQuestionText); a
	// photo alone joins the complaint, most often showing it.
	asking := asksBesideComplaint(th, ok, caption)
	if ok && !asking {
		return t.joinThread(th, c, linked, caption, md)
	}
	t.begin(flowQuestion)
	t.sess.Draft[dQText] = caption
	if asking {
		t.askAboutComplaint(th) // flow_thread.go
	}
	if t.pendPhoto(md) {
		t.askQuestion()
	}
	return nil
}

// pendPhoto keeps md in the waiting question's draft, or tells the
// customer it does not fit (maxPendingPhotos, MaxMediaBytes in all) and
// asks again; it reports whether it kept it.
func (t *turn) pendPhoto(md *Media) bool {
	d := t.sess.Draft
	n, _ := strconv.Atoi(d[dQPhotos])
	total := len(md.Bytes)
	for _, p := range t.pendingPhotos() {
		total += len(p.Bytes)
	}
	if n >= maxPendingPhotos || total > MaxMediaBytes {
		t.say("media.pending_full", map[string]any{"Max": maxPendingPhotos})
		t.askQuestion()
		return false
	}
	n++
	key := dQPhoto + strconv.Itoa(n)
	d[key] = base64.StdEncoding.EncodeToString(md.Bytes)
	d[key+".mime"] = md.Mime
	d[dQPhotos] = strconv.Itoa(n)
	t.say("media.kept", map[string]any{"Count": n})
	return true
}

// pendingPhotos reads the waiting question's photos back from the draft;
// one that does not decode is skipped.
func (t *turn) pendingPhotos() []*Media {
	d := t.sess.Draft
	n, _ := strconv.Atoi(d[dQPhotos])
	var out []*Media
	for i := 1; i <= n; i++ {
		key := dQPhoto + strconv.Itoa(i)
		b, err := base64.StdEncoding.DecodeString(d[key])
		if err != nil || len(b) == 0 {
			continue
		}
		out = append(out, &Media{Kind: MediaPhoto, Mime: d[key+".mime"], Bytes: b})
	}
	return out
}

// liveThread is the customer's thread a new message joins: their latest,
// unless closed more than ledger.ReopenWindow ago.
func (t *turn) liveThread(c ledger.Customer) (ledger.Thread, bool, error) {
	th, ok, err := t.tx.LatestThreadOf(c.ID, t.pid)
	if err != nil {
		return ledger.Thread{}, false, fmt.Errorf("dialog: latest thread: %w", err)
	}
	if !ok || (th.State == ledger.ThreadClosed && t.now.Sub(th.ClosedAt) >= ledger.ReopenWindow) {
		return ledger.Thread{}, false, nil
	}
	return th, true, nil
}

// keepPhoto stores md with th, sealed, and returns the thread as it is
// now and the File the staff post carries. A thread full of photos keeps
// none: the customer is told, and the File is nil.
func (t *turn) keepPhoto(th ledger.Thread, md *Media) (ledger.Thread, *File, error) {
	mime := md.Mime
	if mime == "" {
		mime = "image/jpeg"
	}
	p := ledger.ThreadPhoto{Thread: th.Number, At: t.now, Mime: mime, Bytes: md.Bytes}
	got, err := t.tx.AddThreadPhoto(&p)
	switch {
	case errors.Is(err, ledger.ErrTooManyPhotos):
		t.say("media.too_many", map[string]any{"Max": ledger.MaxThreadPhotos})
		return th, nil, nil
	case err != nil:
		return th, nil, fmt.Errorf("dialog: keep photo: %w", err)
	}
	return got, &File{Name: p.FileName(), Mime: p.Mime, Bytes: md.Bytes}, nil
}

// photoPosts keeps photos with a new thread and posts each into it in the
// staff channel after its head.
func (t *turn) photoPosts(th ledger.Thread, c ledger.Customer, linked bool, photos []*Media) error {
	lang := t.e.lang
	for _, md := range photos {
		var f *File
		var err error
		if th, f, err = t.keepPhoto(th, md); err != nil {
			return err
		}
		if f == nil {
			return nil
		}
		post := t.staffPost(th, t.e.cat.Text(lang, "media.staff.photo", map[string]any{
			"Tag": t.threadTag(lang, th), "Who": t.whoName(lang, c, linked), "Name": f.Name,
		}))
		post.File = f
		t.add(post)
	}
	return nil
}

// photoLine is the line about thread n's photos in catalog message id:
// /mydata's ("사진 2장을 보내셨어요 (photo-1.jpg, photo-2.jpg)") or /inbox
// <n>'s; ok is false when it has none. Only the names show: the bytes are
// never sent back into the chat.
func (t *turn) photoLine(n int64, id string) (string, bool, error) {
	ps, err := t.tx.ThreadPhotos(n, false)
	if err != nil {
		return "", false, fmt.Errorf("dialog: thread photos: %w", err)
	}
	if len(ps) == 0 {
		return "", false, nil
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.FileName()
	}
	return t.text(id, map[string]any{"Count": len(ps), "Names": strings.Join(names, ", ")}), true, nil
}
