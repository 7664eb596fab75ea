package charttest

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/dangol/dangol/feedback"
)

// TestStub: the stand-in is a PNG of one pixel, and no summary is an error.
func TestStub(t *testing.T) {
	b, err := Stub(&feedback.Summary{}, nil, "ko")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() != 1 || r.Dy() != 1 {
		t.Errorf("stub is %v", r)
	}
	if _, err := Stub(nil, nil, "ko"); err == nil {
		t.Error("no summary drew a chart")
	}
}
