package slack

import (
	"bytes"
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
)

// sendFile uploads a reply's document (a CSV list) where the reply went,
// or, for a private reply, to the sender's DM with dangol: a file cannot be
// ephemeral, and a customer list must not land in a channel.
func (b *Bot) sendFile(ctx context.Context, org *origin, f *dialog.File, private bool) error {
	channel, threadTS := org.channelID, org.threadTS
	if private {
		dm, err := b.dmChannel(ctx, org.userID)
		if err != nil {
			return err
		}
		channel, threadTS = dm, ""
	}
	return b.uploadFile(ctx, channel, threadTS, f)
}

// uploadFile uploads f to a channel, into the thread whose head is
// threadTS when it is set (files.completeUploadExternal's thread_ts).
func (b *Bot) uploadFile(ctx context.Context, channelID, threadTS string, f *dialog.File) error {
	if len(f.Bytes) == 0 {
		return nil
	}
	name := f.Name
	if name == "" {
		name = "dangol.txt"
	}
	err := b.call(ctx, func() error {
		_, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Channel:         channelID,
			ThreadTimestamp: threadTS,
			Filename:        name,
			Title:           name,
			FileSize:        len(f.Bytes),
			Reader:          bytes.NewReader(f.Bytes), // a fresh reader for each attempt
		})
		return err
	})
	if err != nil {
		relay.SendFailed(b.cfg.Observer)
		return fmt.Errorf("slack: upload %s to %s: %w", name, channelID, err)
	}
	return nil
}
