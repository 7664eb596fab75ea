package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/dialog"
)

// call runs one Bot API request within the rate limits, retrying after a
// 429 (as long as Telegram asks) and after network errors (with doubling
// back-off), at most MaxAttempts times. chat is 0 for requests that are not
// a message to a chat (they count only against the global limit).
func (b *Bot) call(ctx context.Context, chat int64, method string, fn func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		if err := b.lim.wait(ctx, chat); err != nil {
			return fmt.Errorf("telegram: %s: %w", method, err)
		}
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("telegram: %s: %w", method, err)
		}
		var wait time.Duration
		var tooMany *bot.TooManyRequestsError
		switch {
		case errors.As(err, &tooMany):
			wait = time.Duration(max(tooMany.RetryAfter, 1)) * b.cfg.RetryAfterUnit
		case permanent(err):
			return fmt.Errorf("telegram: %s: %w", method, err)
		default:
			wait = b.cfg.RetryBase << min(attempt-1, 10)
		}
		if attempt >= b.cfg.MaxAttempts {
			return fmt.Errorf("telegram: %s: giving up after %d attempts: %w", method, attempt, err)
		}
		b.log.Debug("telegram: retrying", "method", method, "chat_id", chat, "attempt", attempt, "wait", wait, "err", err)
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("telegram: %s: %w (after %v)", method, err, wait)
		}
	}
}

// permanent reports whether err is Telegram refusing the request itself,
// which no retry will change.
func permanent(err error) bool {
	var migrate *bot.MigrateError
	return errors.Is(err, bot.ErrorBadRequest) || errors.Is(err, bot.ErrorForbidden) ||
		errors.Is(err, bot.ErrorUnauthorized) || errors.Is(err, bot.ErrorNotFound) ||
		errors.Is(err, bot.ErrorConflict) || errors.As(err, &migrate)
}

// sendReply renders r and sends it to chat. A part that could not be sent is
// logged with the chat id and reported; the rest are still tried.
func (b *Bot) sendReply(ctx context.Context, chat int64, r dialog.Reply, lang string) error {
	if r.Lang != "" {
		b.rememberLang(chat, r.Lang)
		lang = r.Lang
	} else if l := b.knownLang(chat); l != "" {
		lang = l
	}
	if r.Form != nil {
		b.log.Warn("telegram: reply carries a form, which Telegram cannot show; sending its text only",
			"chat_id", chat, "form", r.Form.ID)
	}
	var errs []error
	for _, m := range b.render(r, lang, !b.menuShown(chat)) {
		if err := b.send(ctx, chat, m); err != nil {
			b.log.Error("telegram: reply not delivered", "chat_id", chat, "runes", utf8.RuneCountInString(m.text), "err", err)
			b.sendFailed()
			errs = append(errs, err)
			continue
		}
		if _, ok := m.markup.(*replyKeyboard); ok {
			b.setMenuShown(chat)
		}
	}
	return errors.Join(errs...)
}

// send sends one rendered message.
func (b *Bot) send(ctx context.Context, chat int64, m outMsg) error {
	if m.photo != nil {
		return b.call(ctx, chat, "sendPhoto", func(ctx context.Context) error {
			_, err := b.api.SendPhoto(ctx, &bot.SendPhotoParams{
				ChatID:          chat,
				Photo:           &models.InputFileUpload{Filename: m.photo.Name, Data: bytes.NewReader(m.photo.PNG)},
				Caption:         m.text,
				CaptionEntities: m.entities,
				ReplyMarkup:     m.markup,
			})
			return err
		})
	}
	return b.call(ctx, chat, "sendMessage", func(ctx context.Context) error {
		_, err := b.api.SendMessage(ctx, &bot.SendMessageParams{
			ChatID:             chat,
			Text:               m.text,
			Entities:           m.entities,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
			ReplyMarkup:        m.markup,
		})
		return err
	})
}

// sendText sends one of the adapter's own catalog messages.
func (b *Bot) sendText(ctx context.Context, chat int64, lang, id string, data any) {
	if l := b.knownLang(chat); l != "" {
		lang = l
	}
	text := b.cfg.Catalog.Text(lang, id, data)
	if err := b.send(ctx, chat, outMsg{text: text}); err != nil {
		b.log.Error("telegram: notice not delivered", "chat_id", chat, "notice", id, "err", err)
		b.sendFailed()
	}
}

// Deliver sends a reply addressed dialog.ToUser on Telegram (Reply.Channel
// "telegram", Reply.UserID the user's id, which is also their private chat's
// id). It waits for Telegram's rate limits and retries like every reply; the
// error says what could not be sent after that.
func (b *Bot) Deliver(ctx context.Context, r dialog.Reply) error {
	if r.Channel != dialog.ChannelTelegram {
		return fmt.Errorf("telegram: deliver: reply is for channel %q", r.Channel)
	}
	chat, err := strconv.ParseInt(r.UserID, 10, 64)
	if err != nil || chat == 0 {
		return fmt.Errorf("telegram: deliver: bad user id %q", r.UserID)
	}
	if err := b.sendReply(ctx, chat, r, ""); err != nil {
		return fmt.Errorf("telegram: deliver to %d: %w", chat, err)
	}
	return nil
}

// route sends each reply where it is addressed: this chat, another Telegram
// user, or anywhere else through Config.Elsewhere.
func (b *Bot) route(ctx context.Context, chat int64, replies []dialog.Reply, lang string) {
	for _, r := range replies {
		switch {
		case r.To == dialog.ToConversation:
			_ = b.sendReply(ctx, chat, r, lang) // logged inside
		case r.To == dialog.ToUser && r.Channel == dialog.ChannelTelegram:
			if err := b.Deliver(ctx, r); err != nil {
				b.log.Error("telegram: reply to another user not delivered", "chat_id", r.UserID, "err", err)
			}
		case b.cfg.Elsewhere != nil:
			if err := b.cfg.Elsewhere(ctx, r); err != nil {
				b.log.Error("telegram: reply for elsewhere not delivered", "to", r.To, "channel", r.Channel, "err", err)
			}
		default:
			// Ids only: the text may hold a customer's name, phone or words,
			// which no erasure could reach in a log.
			b.log.Warn("telegram: reply for elsewhere with nowhere to go; dropped",
				"to", r.To, "channel", r.Channel, "user_id", r.UserID, "text_bytes", len(r.Text))
		}
	}
}
