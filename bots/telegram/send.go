package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/dialog"
)

// call runs one Bot API request, retrying after a 429 (as long as Telegram
// asks) and after network errors (with doubling back-off), at most
// MaxAttempts times. chat is the chat a message is sent to, which counts
// against the outgoing limits (one a second in the chat, 30 a second in
// all); 0 for every other request, which Telegram does not limit that way
// (an answer to a press, an edit, a start-up call) and which goes at once.
func (b *Bot) call(ctx context.Context, chat int64, method string, fn func(context.Context) error) error {
	p := b.retry
	if chat != 0 {
		p.Before = func(ctx context.Context) error { return b.lim.wait(ctx, chat) }
	}
	p.Retrying = func(attempt int, wait time.Duration, err error) {
		b.log.Debug("telegram: retrying", "method", method, "attempt", attempt, "wait", wait, "err", err)
	}
	if err := p.Do(ctx, fn); err != nil {
		return fmt.Errorf("telegram: %s: %w", method, err)
	}
	return nil
}

// callPolicy is how call retries: Telegram's retry_after (in
// RetryAfterUnit) after a 429, RetryBase doubling after anything else but a
// refusal.
func (b *Bot) callPolicy() retry.Policy {
	return retry.Policy{
		Attempts: b.cfg.MaxAttempts,
		Backoff:  retry.Backoff{Base: b.cfg.RetryBase, Max: b.cfg.RetryBase << 10, Jitter: noJitter},
		RetryAfter: func(err error) (time.Duration, bool) {
			var tooMany *bot.TooManyRequestsError
			if errors.As(err, &tooMany) {
				return time.Duration(max(tooMany.RetryAfter, 1)) * b.cfg.RetryAfterUnit, true
			}
			return 0, false
		},
		Permanent: permanent,
	}
}

// noJitter keeps the retries' waits exact: a reply retried is one chat's,
// not a crowd of shops reconnecting at once.
func noJitter() float64 { return 0 }

// permanent reports whether err is Telegram refusing the request itself,
// which no retry will change.
func permanent(err error) bool {
	var migrate *bot.MigrateError
	return errors.Is(err, bot.ErrorBadRequest) || errors.Is(err, bot.ErrorForbidden) ||
		errors.Is(err, bot.ErrorUnauthorized) || errors.Is(err, bot.ErrorNotFound) ||
		errors.Is(err, bot.ErrorConflict) || errors.As(err, &migrate)
}

// blocked reports whether err is Telegram's 403 to a private chat (whose
// id, a user's, is positive): the user blocked the bot, deleted their
// account or never started it. Groups have negative ids.
func blocked(chat int64, err error) bool {
	return chat > 0 && errors.Is(err, bot.ErrorForbidden)
}

// sendReply renders r and sends it to chat. A part that could not be sent is
// counted and reported; the rest are still tried, unless the person blocked
// the bot (dialog.ErrBlocked).
//
// pressed is the message whose button the reply answers, when Send knows
// it: a reply marked InPlace that makes one message is shown there instead
// (inPlace).
func (b *Bot) sendReply(ctx context.Context, chat int64, r dialog.Reply, lang string, pressed *models.Message) error {
	if r.Lang != "" {
		b.rememberLang(chat, r.Lang)
		lang = r.Lang
	} else if l := b.knownLang(chat); l != "" {
		lang = l
	}
	if r.Form != nil {
		b.log.Warn("telegram: reply carries a form, which Telegram cannot show; sending its text only", "form", r.Form.ID)
	}
	msgs := b.render(r, lang, !b.menuShown(chat))
	if r.InPlace && pressed != nil {
		if len(msgs) == 1 {
			switch done, err := b.showInPlace(ctx, chat, pressed, msgs[0]); {
			case done:
				return nil
			case err != nil:
				relay.SendFailed(b.cfg.Observer)
				if blocked(chat, err) {
					return fmt.Errorf("%w: %w", dialog.ErrBlocked, err)
				}
				return err
			}
		}
		// It goes as a new message: the pressed one loses its keyboard, as
		// showChoice would have taken it, so it cannot be pressed again.
		b.dropKeyboard(ctx, pressed)
	}
	var errs []error
	for _, m := range msgs {
		if err := b.send(ctx, chat, m); err != nil {
			// Logged by the router, with the reply's length.
			relay.SendFailed(b.cfg.Observer)
			if blocked(chat, err) {
				// The person blocked the bot: the other parts would be
				// refused too, and the caller must know it for good.
				return fmt.Errorf("%w: %w", dialog.ErrBlocked, err)
			}
			errs = append(errs, err)
			continue
		}
		if _, ok := m.markup.(*replyKeyboard); ok {
			b.setMenuShown(chat)
		}
	}
	return errors.Join(errs...)
}

// chatParam is a chat id as go-telegram/bot's ChatID takes it: as text,
// which it sends as it is; an integer it would encode with encoding/json
// on every call, to the same digits.
func chatParam(chat int64) string { return strconv.FormatInt(chat, 10) }

// send sends one rendered message.
func (b *Bot) send(ctx context.Context, chat int64, m outMsg) error {
	if m.photo != nil {
		return b.call(ctx, chat, "sendPhoto", func(ctx context.Context) error {
			_, err := b.api.SendPhoto(withoutResult(ctx), &bot.SendPhotoParams{
				ChatID:          chatParam(chat),
				Photo:           &models.InputFileUpload{Filename: m.photo.Name, Data: bytes.NewReader(m.photo.PNG)},
				Caption:         m.text,
				CaptionEntities: m.entities,
				ReplyMarkup:     m.markup,
			})
			return err
		})
	}
	return b.call(ctx, chat, "sendMessage", func(ctx context.Context) error {
		_, err := b.api.SendMessage(withoutResult(ctx), &bot.SendMessageParams{
			ChatID:             chatParam(chat),
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
		b.log.Error("telegram: notice not delivered", "notice", id, "err", err)
		relay.SendFailed(b.cfg.Observer)
	}
}

// Send implements relay.Sender: it sends r to a Telegram chat, the
// conversation it answers or a user's private chat (whose id is the
// user's). It waits for Telegram's rate limits and retries like every
// message; the error says what could not be sent after that. Telegram
// serves no staff channel.
func (b *Bot) Send(ctx context.Context, to relay.Address, r dialog.Reply) error {
	if to.Channel != "" && to.Channel != Channel {
		return fmt.Errorf("telegram: send: the address is on %q", to.Channel)
	}
	id, lang := to.User, ""
	switch {
	case to.Staff:
		return fmt.Errorf("telegram: send: %w: Telegram serves no staff channel", relay.ErrNoRoute)
	case to.Conversation != "":
		id = to.Conversation
		if in, ok := to.Origin.(*inbound); ok {
			lang = in.lang
		}
	}
	chat, err := strconv.ParseInt(id, 10, 64)
	if err != nil || chat == 0 {
		return fmt.Errorf("telegram: send: %q is not a chat id", id)
	}
	var pressed *models.Message
	if in, ok := to.Origin.(*inbound); ok && in.callback != nil && in.chatID == chat {
		pressed = in.callback.Message.Message
	}
	if err := b.sendReply(ctx, chat, r, lang, pressed); err != nil {
		return fmt.Errorf("telegram: send: %w", err)
	}
	return nil
}

// inPlace reports whether one of replies is to be shown in place of the
// pressed message (Reply.InPlace), which then needs no edit of its own.
func inPlace(replies []dialog.Reply) bool {
	for _, r := range replies {
		if r.InPlace && r.To == dialog.ToConversation {
			return true
		}
	}
	return false
}

// showInPlace edits the pressed message into m: its text and inline
// keyboard (none: the old keyboard goes). It does not count against the
// outgoing limits: an edit is not a new message. done is false, with no
// error, when m cannot go there (a photo, the reply keyboard of the main
// menu, a message Telegram no longer lets the bot edit): the caller sends
// it as a new message. Telegram's "message is not modified" is done: the
// same edit made before, whose answer was lost.
func (b *Bot) showInPlace(ctx context.Context, chat int64, pressed *models.Message, m outMsg) (done bool, err error) {
	if m.photo != nil || pressed.Photo != nil {
		return false, nil
	}
	if _, ok := m.markup.(*replyKeyboard); ok {
		return false, nil
	}
	err = b.call(ctx, 0, "editMessageText", func(ctx context.Context) error {
		_, err := b.api.EditMessageText(withoutResult(ctx), &bot.EditMessageTextParams{
			ChatID:             chatParam(chat),
			MessageID:          pressed.ID,
			Text:               m.text,
			Entities:           m.entities,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
			ReplyMarkup:        m.markup,
		})
		return err
	})
	switch {
	case err == nil:
		return true, nil
	case strings.Contains(err.Error(), "message is not modified"):
		return true, nil
	case errors.Is(err, bot.ErrorBadRequest) || errors.Is(err, bot.ErrorNotFound):
		b.log.Info("telegram: pressed message not edited; the reply goes as a new message", "err", err)
		return false, nil
	}
	return false, err
}
