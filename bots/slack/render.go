package slack

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackutilsx"

	"github.com/dangol/dangol/dialog"
)

// Slack's Block Kit limits (characters are UTF-16 code units, as Slack
// counts them).
const (
	maxSectionText  = 3000 // section text
	maxBlocks       = 50   // blocks in one message
	maxHeaderText   = 150  // header block text
	maxButtonText   = 75   // button label
	maxButtonValue  = 2000 // button value
	maxActionsElems = 25   // elements in one actions block
	maxModalTitle   = 24   // modal title, submit and close labels
	maxModalBlocks  = 100  // blocks in a modal
	maxInputLabel   = 2000 // input block label
	maxPlaceholder  = 150  // input placeholder
	maxFallbackText = 3000 // the notification text we send with blocks
)

// buttonActionPrefix starts the action_id of every button dangol renders,
// so clicks on anything else are not taken for an answer.
const buttonActionPrefix = "dangol_btn_"

// outMessage is one Slack message: its notification text and its blocks.
type outMessage struct {
	text   string
	blocks []slack.Block
}

// renderReply turns a reply's text, sections and buttons into as many
// messages as Slack's limits need (none if the reply has only an image).
// Everything shown is escaped, so a customer's note cannot ping @channel or
// forge a link.
func renderReply(r dialog.Reply) []outMessage {
	var blocks []slack.Block
	for _, chunk := range splitText(r.Text, maxSectionText) {
		blocks = append(blocks, mrkdwnSection(chunk))
	}
	for _, s := range r.Sections {
		if title := strings.TrimSpace(s.Title); title != "" {
			blocks = append(blocks, slack.NewHeaderBlock(plain(truncate(title, maxHeaderText))))
		}
		for _, chunk := range splitText(strings.Join(s.Lines, "\n"), maxSectionText) {
			blocks = append(blocks, mrkdwnSection(chunk))
		}
	}
	for start := 0; start < len(r.Buttons); start += maxActionsElems {
		end := min(start+maxActionsElems, len(r.Buttons))
		var elems []slack.BlockElement
		for i, btn := range r.Buttons[start:end] {
			label := strings.TrimSpace(btn.Label)
			if label == "" {
				label = btn.Payload
			}
			elems = append(elems, slack.NewButtonBlockElement(
				fmt.Sprintf("%s%d", buttonActionPrefix, start+i),
				truncate(btn.Payload, maxButtonValue),
				plain(truncate(label, maxButtonText)),
			))
		}
		blocks = append(blocks, slack.NewActionBlock("", elems...))
	}
	if len(blocks) == 0 {
		return nil
	}
	text := fallbackText(r)
	var out []outMessage
	for len(blocks) > 0 {
		n := min(maxBlocks, len(blocks))
		out = append(out, outMessage{text: text, blocks: blocks[:n:n]})
		blocks = blocks[n:]
	}
	return out
}

// fallbackText is what a notification shows: the headline, or the first
// section's title.
func fallbackText(r dialog.Reply) string {
	t := r.Text
	if strings.TrimSpace(t) == "" {
		for _, s := range r.Sections {
			if t = s.Title; t == "" && len(s.Lines) > 0 {
				t = s.Lines[0]
			}
			if t != "" {
				break
			}
		}
	}
	chunks := splitText(t, maxFallbackText)
	if len(chunks) == 0 {
		return ""
	}
	return chunks[0]
}

// renderModal turns a form into a modal. Each field is an input block whose
// block_id and action_id are the field's name, so a submission's values and
// Slack's inline errors are keyed the way the engine names them.
func renderModal(f *dialog.Form, meta, closeLabel, submitLabel string) slack.ModalViewRequest {
	title := strings.TrimSpace(f.Title)
	if title == "" {
		title = "dangol"
	}
	if s := strings.TrimSpace(f.Submit); s != "" {
		submitLabel = s
	}
	var blocks []slack.Block
	for _, fld := range f.Fields {
		if len(blocks) == maxModalBlocks {
			break
		}
		el := slack.NewPlainTextInputBlockElement(nil, fld.Name)
		if h := strings.TrimSpace(fld.Hint); h != "" {
			el.Placeholder = plain(truncate(h, maxPlaceholder))
		}
		el.Multiline = fld.Multiline
		el.InitialValue = fld.Value
		label := strings.TrimSpace(fld.Label)
		if label == "" {
			label = fld.Name
		}
		in := slack.NewInputBlock(fld.Name, plain(truncate(label, maxInputLabel)), nil, el)
		in.Optional = fld.Optional
		blocks = append(blocks, in)
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      f.ID,
		Title:           plain(truncate(title, maxModalTitle)),
		Submit:          plain(truncate(submitLabel, maxModalTitle)),
		Close:           plain(truncate(closeLabel, maxModalTitle)),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: meta,
	}
}

// formErrorsText lists errors of a form that could not be shown inline, in
// field order of their names, for a plain message.
func formErrorsText(errs map[string]string) string {
	lines := make([]string, 0, len(errs))
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		lines = append(lines, "• "+errs[k])
	}
	return strings.Join(lines, "\n")
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// mrkdwnSection is a section of already escaped text. verbatim stops Slack
// from turning bare URLs and #channel names into links on its own.
func mrkdwnSection(escaped string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, escaped, false, true), nil, nil)
}

// units counts s the way Slack measures its limits: UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1 // an invalid rune reaches Slack as U+FFFD
}

// truncate cuts plain text to limit units, marking the cut with "…".
func truncate(s string, limit int) string {
	if units(s) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		if n+runeUnits(r)+1 > limit {
			return s[:i] + "…"
		}
		n += runeUnits(r)
	}
	return s
}

// splitText escapes s for mrkdwn and cuts it into chunks of at most limit
// units, at line breaks where it can and never inside an escape; blank
// chunks are dropped (Slack refuses an empty section).
func splitText(s string, limit int) []string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var chunks []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if strings.TrimSpace(cur.String()) != "" {
			chunks = append(chunks, strings.TrimRight(cur.String(), "\n"))
		}
		cur.Reset()
		curLen = 0
	}
	for line := range strings.SplitSeq(s, "\n") {
		esc := slackutilsx.EscapeMessage(line)
		n := units(esc)
		sep := 0
		if cur.Len() > 0 {
			sep = 1
		}
		if curLen+sep+n <= limit {
			if sep == 1 {
				cur.WriteByte('\n')
			}
			cur.WriteString(esc)
			curLen += sep + n
			continue
		}
		flush()
		if n <= limit {
			cur.WriteString(esc)
			curLen = n
			continue
		}
		// One line longer than a section: cut it between characters.
		for len(line) > 0 {
			r, size := utf8.DecodeRuneInString(line)
			e := slackutilsx.EscapeMessage(string(r))
			if curLen+units(e) > limit {
				flush()
			}
			cur.WriteString(e)
			curLen += units(e)
			line = line[size:]
		}
	}
	flush()
	return chunks
}
