package dialog

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// couponState checks the state of customer's coupon i (in issue order).
func couponState(customer string, i int, want ledger.CouponState) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		cs := h.coupons(customer)
		if len(cs) <= i || cs[i].StateAt(h.now()) != want {
			t.Errorf("coupon %d of %+v, want %s", i, cs, want)
		}
	}
}

// tellsVoid checks the customer reads that coupon i of customer was
// taken back (key: loyalty.notice.coupon_void or reward_void), with no
// coupon menu; told false: the customer reads nothing.
func tellsVoid(customer string, i int, key string, told bool) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		us := toUser(rs, ChannelTelegram, custTG)
		if !told {
			if len(us) != 0 {
				t.Errorf("the customer was told %q", allText(us))
			}
			return
		}
		cp := h.coupons(customer)[i]
		want := h.text(key, map[string]any{"Benefit": BenefitText(h.cat, h.lang, cp.Benefit), "Code": cp.Code})
		if len(us) != 1 || !strings.Contains(us[0].Text, want) || us[0].Menu {
			t.Errorf("the customer reads %q, want %q without the coupon menu", allText(us), want)
		}
	}
}

// couponAudited checks an audit entry of customer whose detail starts with prefix.
func couponAudited(customer, actor, prefix string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		if !slices.ContainsFunc(h.audits(), func(a ledger.AuditEntry) bool {
			return a.Action == "coupon" && a.CustomerID == customer && a.ActorID == actor && strings.HasPrefix(a.Detail, prefix)
		}) {
			t.Errorf("no audit %q by %s of %s", prefix, actor, customer)
		}
	}
}

var josaOrGap = regexp.MustCompile(`<no value>|\S*\(\S*\)`)

// saysKeys checks the replies hold each catalog text of keys, read
// without its data: its longest literal part must appear.
func saysKeys(keys ...string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		got := allText(rs)
		for _, k := range keys {
			part := ""
			// A josa without its word reads "은(는)": no literal either.
			for _, p := range josaOrGap.Split(h.text(k, nil), -1) {
				if len(p) > len(part) {
					part = p
				}
			}
			if !strings.Contains(got, part) {
				t.Errorf("replies lack %s (%q):\n%s", k, part, got)
			}
		}
	}
}

var couponCorrectionScripts = []script{
	{"VoidByManager", func(h *harness, f fixture) []step {
		told := h.text("loyalty.coupon.void_told", map[string]any{"Name": "김민지"})
		return append(linkMinjiIn(h),
			step{msg: staffMsg("/coupon give 김민지 10%")},
			step{msg: staffMsg("/coupon give 010-2222-3333 10%")},
			step{msg: staffMsg("/coupon void 김민지 1"), want: []string{h.text("corrections.void.manager_only", map[string]any{"Void": "/coupon void", "Undo": "/coupon undo"})},
				check: couponState(f.minji, 0, ledger.CouponValid)},
			step{msg: manager("/coupon void 김민지"), want: []string{"#1 "}, check: all(saysKeys("loyalty.coupon.void_pick"), couponState(f.minji, 0, ledger.CouponValid))},
			step{msg: manager("/coupon void 김민지 ２"), want: []string{h.text("loyalty.coupon.no_number", map[string]any{"Name": "김민지", "N": "2", "Count": 1})}},
			step{msg: manager("/coupon 무효 김민지 #１"), want: []string{told},
				check: all(couponState(f.minji, 0, ledger.CouponVoid), tellsVoid(f.minji, 0, "loyalty.notice.coupon_void", true), couponAudited(f.minji, "slack:"+managerID, "void "))},
			step{msg: manager("/coupon void 김민지 1"), check: all(saysKeys("loyalty.coupon.void"), tellsVoid(f.minji, 0, "", false))},
			// Not linked: voided, and nobody is told.
			step{msg: manager("/coupon 취소 010-2222-3333 1"), not: []string{told},
				check: all(saysKeys("loyalty.coupon.voided"), all(couponState(f.jihoon1, 0, ledger.CouponVoid), tellsVoid(f.jihoon1, 0, "", false)))},
		)
	}},
	{"VoidRefusals", func(h *harness, f fixture) []step {
		return append(linkMinjiIn(h),
			step{msg: manager("/program stamps 1 아메리카노 1잔")},
			step{msg: press(managerMsg(""), "yes")},
			step{msg: staffMsg("/stamp 김민지")},
			step{build: func() Message { return manager("/coupon void 김민지 " + h.coupons(f.minji)[0].Code) },
				check: all(saysKeys("loyalty.coupon.void_reward"), couponState(f.minji, 0, ledger.CouponValid))},
			step{msg: staffMsg("/coupon give 김민지 10% 1일")},
			step{msg: manager("/coupon void 김민지 2"), advance: 24 * time.Hour, check: saysKeys("loyalty.coupon.expired")},
		)
	}},
	{"UndoGiveAndUse", func(h *harness, f fixture) []step {
		return append(linkMinjiIn(h),
			step{msg: staffMsg("/coupon undo"), check: saysKeys("loyalty.coupon.undo_nothing")},
			step{msg: staffMsg("/coupon give 김민지 5,000원")},
			step{msg: staffMsg("/coupon undo"),
				check: all(saysKeys("loyalty.coupon.voided", "loyalty.coupon.void_told"), all(couponState(f.minji, 0, ledger.CouponVoid), tellsVoid(f.minji, 0, "loyalty.notice.coupon_void", true), couponAudited(f.minji, "slack:"+staffID, "void ")))},
			step{msg: staffMsg("/coupon 되돌리기"), check: saysKeys("loyalty.coupon.undo_already")},
			step{msg: staffMsg("/coupon give 김민지 10%")},
			step{build: func() Message { return staff2Msg("/coupon use 김민지 " + h.coupons(f.minji)[1].Code) }, check: couponState(f.minji, 1, ledger.CouponUsed)},
			// 현우's last action is the use: undone, the coupon is valid
			// again, the customer is not told (the use was not told either).
			step{msg: staff2Msg("/coupon undo"),
				check: all(saysKeys("loyalty.coupon.unused"), all(couponState(f.minji, 1, ledger.CouponValid), tellsVoid(f.minji, 1, "", false), couponAudited(f.minji, "slack:"+staff2ID, "unuse ")))},
			// The giver's undo after it was used again: refused, as used.
			step{build: func() Message { return staff2Msg("/coupon use 김민지 " + h.coupons(f.minji)[1].Code) }},
			step{msg: staffMsg("/coupon undo"), check: all(saysKeys("loyalty.coupon.used"), couponState(f.minji, 1, ledger.CouponUsed))},
			// Past the window: nothing of the speaker's to undo.
			step{msg: staff2Msg("/coupon undo"), advance: UndoWindow + time.Hour, check: all(saysKeys("loyalty.coupon.undo_nothing"), couponState(f.minji, 1, ledger.CouponUsed))},
		)
	}},
	{"StampUndoTellsReward", func(h *harness, f fixture) []step {
		return append(linkMinjiIn(h),
			step{msg: manager("/program stamps 2 아메리카노 1잔")},
			step{msg: press(managerMsg(""), "yes")},
			step{msg: staffMsg("/stamp 김민지 2")},
			step{msg: staffMsg("/stamp undo"),
				check: all(saysKeys("loyalty.stamp.voided", "loyalty.coupon.void_told"), all(couponState(f.minji, 0, ledger.CouponVoid), tellsVoid(f.minji, 0, "loyalty.notice.reward_void", true)))},
			step{msg: staffMsg("/stamp 김민지 2")},
			step{msg: manager("/stamp void 김민지 3"),
				check: all(saysKeys("loyalty.stamp.voided", "loyalty.coupon.void_told"), all(couponState(f.minji, 1, ledger.CouponVoid), tellsVoid(f.minji, 1, "loyalty.notice.reward_void", true)))},
		)
	}},
}

func TestCouponCorrectionScripts(t *testing.T) { runScripts(t, couponCorrectionScripts) }
