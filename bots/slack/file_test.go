package slack

import (
	"context"
	"testing"

	"github.com/dangol/dangol/dialog"
)

// TestPrivateFileGoesToDM: a private reply's file (the /customers CSV) is
// uploaded to the asker's DM, never to the channel it was asked in.
func TestPrivateFileGoesToDM(t *testing.T) {
	e := newEnv(t, func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		return []dialog.Reply{{Text: "CSV를 보냈어요", Private: true, File: &dialog.File{Name: "customers.csv", Mime: "text/csv", Bytes: []byte("id,name\r\n")}}}, nil
	})
	e.command("U1", "C1", "/customers", "VIP", "TRIG1")
	e.h.next(t)
	if c := e.fake.Next(t, "response_url"); blockTexts(c.Blocks(t))[0] != "CSV를 보냈어요" {
		t.Errorf("text %q", blockTexts(c.Blocks(t)))
	}
	e.fake.Next(t, "conversations.open")
	if c := e.fake.Next(t, "files.getUploadURLExternal"); c.Form.Get("filename") != "customers.csv" || c.Form.Get("length") != "9" {
		t.Errorf("getUploadURLExternal %v", c.Form)
	}
	if c := e.fake.Next(t, "upload"); string(c.Body) != "id,name\r\n" || c.Token != testBotToken {
		t.Errorf("uploaded %q with token %q", c.Body, c.Token)
	}
	if c := e.fake.Next(t, "files.completeUploadExternal"); c.Form.Get("channel_id") != "DU1" {
		t.Errorf("file shared to %q, want the DM", c.Form.Get("channel_id"))
	}
	e.close()
	e.fake.None(t)
}

// TestDeliverFile: a file in a reply to the staff channel is shared there.
func TestDeliverFile(t *testing.T) {
	e := newEnv(t, script)
	r := dialog.Reply{To: dialog.ToStaffChannel, Text: "목록", File: &dialog.File{Name: "list.csv", Bytes: []byte("a,b\r\n")}}
	if err := e.deliver(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	e.fake.Next(t, "chat.postMessage")
	e.fake.Next(t, "files.getUploadURLExternal")
	e.fake.Next(t, "upload")
	if c := e.fake.Next(t, "files.completeUploadExternal"); c.Form.Get("channel_id") != staffChannel {
		t.Errorf("file shared to %q", c.Form.Get("channel_id"))
	}
	e.close()
	e.fake.None(t)
}
