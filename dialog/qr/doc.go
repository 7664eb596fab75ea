// Package qr draws QR codes: the deep links dangol hands to customers, as a
// PNG for a chat reply and as an image the counter poster is drawn around.
// It wraps github.com/yeqown/go-qrcode/v2 and keeps that library's types
// out of its own API.
//
// # Caveats
//
// Codes are drawn with whole pixels per module and a quiet zone of
// QuietZone modules on every side, black on white: scanners need the
// border, and a module scaled by a fraction blurs when printed.
package qr
