package slack

import (
	"testing"

	"github.com/dangol/dangol/bots/slack/slackfake"
)

// The fake Slack lives once, in slackfake, shared with cmd/dangol's tests;
// these names are the tests' shorthand for it.
type (
	fakeSlack = slackfake.Server
	apiCall   = slackfake.Call
	answer    = slackfake.Answer
)

func newFakeSlack(t *testing.T) *fakeSlack { return slackfake.New(t, slackfake.Options{}) }

var blockTexts = slackfake.BlockTexts
