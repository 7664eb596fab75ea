// Package charttest holds a stand-in for the weekly chart, for tests that
// are not about the picture. Drawing and PNG-encoding the real chart
// ((*feedback.Summary).Chart) takes about a second under the race
// detector, and was half of dialog's test time: a test that only needs a
// summary to carry an image passes Stub instead (dialog.Config.Chart),
// and the few tests about the picture itself render the real one and
// check it with Real.
package charttest
