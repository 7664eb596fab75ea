package dialog

import (
	"errors"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
)

// Flow names, stored in ledger.Session.Flow: renaming one strands the
// sessions saved under the old name (they are dropped politely).
const (
	flowNote     = "note"
	flowPick     = "pick"
	flowConsent  = "consent"
	flowFeedback = "feedback"
	flowForget   = "forget"
)

// stateDone is the final state of every flow; reaching it ends the session.
const stateDone = "done"

// flowDef is one flow: the legal transitions of its state machine, who may
// run it, and the code that reads input in each state. The machine only
// guards transitions; the work happens in step, after fsm.Event returns,
// so no callback can deadlock the machine or be silently misspelled.
type flowDef struct {
	// title is the catalog id naming the flow in the notices that end one
	// (flowTitle): "상담 기록" of core.flow.note.
	title string
	// titleOf, when set, names what the session holds when a state or an
	// operation reads as a task of its own, or returns "" for title:
	// /customer new's "same name: register anyway?" is 고객 등록, not the
	// edit flow's 고객 정보 수정.
	titleOf func(s ledger.Session) string
	initial string
	events  fsm.Events
	roles   []ledger.Role
	step    func(t *turn, in input) error
	// browse lists the states that hold nothing typed to lose (choosing
	// among customers, paging a list, a menu): a new command ends the flow
	// there without a notice.
	browse []string
	// keep, when set, saves what the flow holds when a new command
	// replaces it, if it holds enough to save, and reports whether it did
	// (a note whose text is written and whose remaining questions are all
	// optional): the command then says it was kept, not lost.
	keep func(t *turn) (bool, error)
	// restartDrops, with keep, leaves keep out when the flow's own
	// command begins it again: the person is starting over, and what they
	// gave up on is not saved (a ★ pressed by mistake, then /feedback
	// again, opened a complaint and alerted the staff).
	restartDrops bool
	// keptIdle, when set, is the catalog id telling that keep ran for an
	// idle flow, in place of core.flow.kept_idle ("saved as written"):
	// a question kept is sent, not saved.
	keptIdle string
	// resumedBy lists the commands that, typed while the flow waits, go on
	// with it instead of replacing it: the command reads t.sess itself (a
	// second /start under the consent question gets a reminder, not the
	// whole text again).
	resumedBy []string
	// aside lists the commands whose word typed alone (포인트, 쿠폰,
	// 스탬프, "points") answers beside the flow and leaves it waiting,
	// where inside a flow any other word is what was typed (flowWords):
	// nobody writes the shop just "포인트", and a question waiting for
	// [보내기] took it as more of the question. Only commands that read
	// (they neither begin a flow nor end one) belong here; their slash
	// form still replaces the flow, as any command does.
	aside []string
	// onCancel, when set, is what /cancel (취소, cancel) does in the flow
	// in place of leaving it: a preview on screen is cancelled as its
	// [취소] would, where "취소했어요" alone left the draft waiting.
	onCancel func(t *turn) error
}

// machine rebuilds the flow's state machine in state.
func (d *flowDef) machine(state string) *fsm.FSM {
	return fsm.NewFSM(state, d.events, nil)
}

// isNoTransition reports a self-transition, which looplab/fsm returns as an
// error although the event was legal.
func isNoTransition(err error) bool {
	var nt fsm.NoTransitionError
	return errors.As(err, &nt)
}

var (
	staffRoles    = []ledger.Role{ledger.RoleStaff, ledger.RoleManager}
	customerRoles = []ledger.Role{ledger.RoleCustomer}
)

// Note flow states.
const (
	noteCustomer = "customer"
	noteName     = "name"
	noteDup      = "dupname" // a new customer's name is an existing one's: register, or note for them
	noteText     = "text"
	noteAmount   = "amount"
	noteTags     = "tags"
	noteFollowUp = "followup"
	noteConfirm  = "confirm"
)

// Feedback flow states.
const (
	fbRating  = "rating"
	fbNPS     = "nps"
	fbComment = "comment"
)

// flows holds every flow by name. It is filled once in init (the step
// functions refer back to it) and never changed afterwards.
var flows map[string]*flowDef

func init() {
	flows = map[string]*flowDef{
		flowCorrect: correctFlow, // flow_corrections.go
		flowNote: {
			title:   "core.flow.note",
			initial: noteCustomer,
			roles:   staffRoles,
			events: fsm.Events{
				{Name: "ask_name", Src: []string{noteCustomer}, Dst: noteName},
				{Name: "ask_dup", Src: []string{noteName}, Dst: noteDup},
				{Name: "ask_text", Src: []string{noteCustomer, noteName, noteDup}, Dst: noteText},
				// A one-liner with the text already given skips the text step.
				{Name: "ask_amount", Src: []string{noteCustomer, noteName, noteDup, noteText}, Dst: noteAmount},
				{Name: "ask_tags", Src: []string{noteAmount}, Dst: noteTags},
				{Name: "ask_followup", Src: []string{noteTags}, Dst: noteFollowUp},
				// [수정] on the confirmation goes back to one field, then
				// straight back to the confirmation (flow_note.go).
				{Name: "ask_confirm", Src: []string{noteCustomer, noteName, noteDup, noteText, noteAmount, noteTags, noteFollowUp}, Dst: noteConfirm},
				{Name: "revise", Src: []string{noteConfirm}, Dst: noteRevise},
				{Name: "edit_customer", Src: []string{noteRevise}, Dst: noteCustomer},
				{Name: "edit_text", Src: []string{noteRevise}, Dst: noteText},
				{Name: "edit_amount", Src: []string{noteRevise}, Dst: noteAmount},
				{Name: "edit_tags", Src: []string{noteRevise}, Dst: noteTags},
				{Name: "edit_followup", Src: []string{noteRevise}, Dst: noteFollowUp},
				// A one-liner kept for its customer (noteUnknownName) is
				// saved as soon as the customer is named.
				{Name: "save", Src: []string{noteConfirm, noteCustomer, noteName, noteDup}, Dst: stateDone},
			},
			step: (*turn).noteStep,
			keep: (*turn).keepNote, // flow_note.go
		},
		flowPick: {
			title:   "core.flow.pick",
			initial: "choose",
			roles:   staffRoles,
			events:  fsm.Events{{Name: "picked", Src: []string{"choose"}, Dst: stateDone}},
			step:    (*turn).pickStep,
			browse:  []string{"choose"},
		},
		flowConsent: {
			title:   "core.flow.consent",
			initial: "ask",
			roles:   customerRoles,
			events: fsm.Events{
				{Name: "agree", Src: []string{"ask"}, Dst: stateDone},
				{Name: "decline", Src: []string{"ask"}, Dst: stateDone},
			},
			step:      (*turn).consentStep,
			resumedBy: []string{"start"},
		},
		flowFeedback: {
			title:   "core.flow.feedback",
			initial: fbRating,
			roles:   customerRoles,
			events: fsm.Events{
				{Name: "rated", Src: []string{fbRating}, Dst: fbNPS},
				{Name: "scored", Src: []string{fbNPS}, Dst: fbComment},
				{Name: "commented", Src: []string{fbComment}, Dst: stateDone},
			},
			step:         (*turn).feedbackStep,
			keep:         (*turn).keepFeedback, // flow_feedback.go
			restartDrops: true,
		},
		flowForget: {
			title:   "core.flow.forget",
			initial: "confirm",
			roles:   customerRoles,
			events: fsm.Events{
				{Name: "erase", Src: []string{"confirm"}, Dst: stateDone},
				{Name: "keep", Src: []string{"confirm"}, Dst: stateDone},
			},
			step: (*turn).forgetStep,
		},
		flowCustomerEdit: customerEditFlow(), // flow_customer_edit.go
		flowMyBirthday:   myBirthdayFlow(),   // flow_customer_edit.go
		flowCustomers:    customersFlow(),    // flow_customers.go
		flowCampaign:     campaignFlow(),     // flow_campaign.go
		flowCampaignSend: campaignSendFlow(), // campaign_draft.go
		flowProgram:      programFlow(),      // flow_program.go
		flowCoupon:       couponFlow(),       // flow_coupon.go
		flowQuestion:     questionFlow(),     // flow_thread.go
		flowResolve:      resolveFlow(),      // flow_resolve.go
		flowFollowUpSend: followUpSendFlow(), // flow_followup_send.go
		flowWinBack:      winBackFlow(),      // flow_winback.go
		flowStaff:        staffFlow(),        // flow_staff.go
	}
}
