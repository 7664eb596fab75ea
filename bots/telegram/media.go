package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/dialog"
)

// What a customer sends besides text (issue 12): a photo is fetched for
// the engine, everything else (a sticker, a voice note, a video, a
// document, a location) goes as a Media of its kind without bytes, and the
// engine answers it.

// mediaTimeout bounds fetching one photo (getFile and the
// download): a slow file server delays its chat that long at most, and the
// photo then goes on as MediaOther.
const mediaTimeout = 15 * time.Second

// fileRef is a file Telegram holds for the bot, to fetch before the
// engine sees the message; the zero value is none.
type fileRef struct {
	id   string
	size int64 // as the update says; 0 when it does not
}

// errTooLarge is a photo larger than dialog.MaxMediaBytes.
var errTooLarge = errors.New("telegram: photo larger than the engine takes")

// mediaOf says what m carries besides text: the Media the engine gets
// (nil for none) and, for a photo, the file to fetch.
func mediaOf(m *models.Message) (*dialog.Media, fileRef) {
	switch {
	case len(m.Photo) > 0:
		f, ok := largestPhoto(m.Photo)
		if !ok {
			return &dialog.Media{Kind: dialog.MediaOther, Mime: "image/jpeg"}, fileRef{}
		}
		// Telegram re-encodes every photo it sends as a JPEG.
		return &dialog.Media{Kind: dialog.MediaPhoto, Mime: "image/jpeg"}, f
	case m.Document != nil && isPhotoMime(m.Document.MimeType):
		// A picture sent as a file: a photo if small enough.
		d := m.Document
		md := &dialog.Media{Kind: dialog.MediaPhoto, Name: d.FileName, Mime: strings.ToLower(d.MimeType)}
		if d.FileSize > dialog.MaxMediaBytes || d.FileID == "" {
			md.Kind = dialog.MediaOther
			return md, fileRef{}
		}
		return md, fileRef{id: d.FileID, size: d.FileSize}
	case m.Sticker != nil:
		return &dialog.Media{Kind: dialog.MediaSticker}, fileRef{}
	case m.Voice != nil:
		return &dialog.Media{Kind: dialog.MediaVoice, Mime: m.Voice.MimeType}, fileRef{}
	case m.VideoNote != nil:
		return &dialog.Media{Kind: dialog.MediaVoice, Mime: "video/mp4"}, fileRef{}
	case m.Audio != nil:
		return &dialog.Media{Kind: dialog.MediaVoice, Name: m.Audio.FileName, Mime: m.Audio.MimeType}, fileRef{}
	case m.Document != nil:
		return &dialog.Media{Kind: dialog.MediaOther, Name: m.Document.FileName, Mime: m.Document.MimeType}, fileRef{}
	case m.Video != nil:
		return &dialog.Media{Kind: dialog.MediaOther, Name: m.Video.FileName, Mime: m.Video.MimeType}, fileRef{}
	case hasMedia(m):
		return &dialog.Media{Kind: dialog.MediaOther}, fileRef{}
	}
	return nil, fileRef{}
}

// isPhotoMime reports a picture type the staff's clients show inline.
func isPhotoMime(mime string) bool {
	switch strings.ToLower(mime) {
	case "image/jpeg", "image/png", "image/webp":
		return true
	}
	return false
}

// largestPhoto picks the largest size of a photo that fits
// dialog.MaxMediaBytes (Telegram lists them smallest first, each with its
// file_size); ok is false when none does.
func largestPhoto(sizes []models.PhotoSize) (fileRef, bool) {
	var best fileRef
	bestArea := -1
	for _, s := range sizes {
		if s.FileID == "" || s.FileSize > dialog.MaxMediaBytes {
			continue
		}
		if area := s.Width * s.Height; area > bestArea {
			best, bestArea = fileRef{id: s.FileID, size: int64(s.FileSize)}, area
		}
	}
	return best, bestArea >= 0
}

// fetchMedia completes a photo message with its bytes, in the message's
// turn: a failure, a timeout or a file larger than dialog.MaxMediaBytes
// leaves it as MediaOther without bytes, which the engine answers; it
// never fails the message.
func (b *Bot) fetchMedia(ctx context.Context, m *dialog.Message, f fileRef) {
	if m.Media == nil || m.Media.Kind != dialog.MediaPhoto || f.id == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, mediaTimeout)
	defer cancel()
	data, err := b.download(ctx, f)
	if err != nil {
		// The error never holds the download link: it carries the token.
		b.log.Warn("telegram: photo not fetched; passed on without it", "event", m.EventID, "err", err)
		m.Media = &dialog.Media{Kind: dialog.MediaOther, Name: m.Media.Name, Mime: m.Media.Mime}
		return
	}
	m.Media.Bytes = data
}

// download asks getFile where f is and reads it over the adapter's pooled
// connections, at most dialog.MaxMediaBytes.
func (b *Bot) download(ctx context.Context, f fileRef) ([]byte, error) {
	var file *models.File
	err := b.call(ctx, 0, "getFile", func(ctx context.Context) (err error) {
		file, err = b.api.GetFile(ctx, &bot.GetFileParams{FileID: f.id})
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case file == nil || file.FilePath == "":
		return nil, errors.New("telegram: getFile: no file path")
	case file.FileSize > dialog.MaxMediaBytes:
		return nil, errTooLarge
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.api.FileDownloadLink(file), nil)
	if err != nil {
		return nil, fmt.Errorf("telegram: file download: %w", scrubURL(err))
	}
	client := &http.Client{Transport: b.transport()}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram: file download: %w", scrubURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, fmt.Errorf("telegram: file download: HTTP %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, dialog.MaxMediaBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("telegram: file download: %w", scrubURL(err))
	case len(data) > dialog.MaxMediaBytes:
		return nil, errTooLarge
	case len(data) == 0:
		return nil, errors.New("telegram: file download: empty file")
	}
	return data, nil
}

// scrubURL drops the URL from a client error: a download link holds the
// bot token, which must never reach a log.
func scrubURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
