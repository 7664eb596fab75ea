package dialog

// Editing a customer record in chat: /customer <who> <field> [value] (and
// the card's [수정] form on clients that show forms), registering with a
// same-name check, erasure on a customer's request by a manager, and the
// customer's own /birthday in Telegram.

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
)

// Flows of this file, stored in ledger.Session.Flow.
const (
	flowCustomerEdit = "customer_edit"
	flowMyBirthday   = "my_birthday"
)

// Customer edit flow states. The flow starts in ceStart and moves at once
// to the question it asks.
const (
	ceStart  = "start"
	ceValue  = "value"   // a field's new value
	ceDup    = "dupname" // same name: register anyway, or show the others
	ceReason = "reason"  // erasure: why
	ceErase  = "erase"   // erasure: confirm
	// ceRename: a new name someone else has: rename anyway, or show them
	// (customer_rename.go).
	ceRename = "renamedup"
)

// customerEditFlow is the staff flow of this file.
func customerEditFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.customer_edit",
		titleOf: customerEditTitle,
		initial: ceStart,
		roles:   staffRoles,
		events: fsm.Events{
			{Name: "ask_value", Src: []string{ceStart}, Dst: ceValue},
			{Name: "ask_dup", Src: []string{ceStart}, Dst: ceDup},
			{Name: "ask_reason", Src: []string{ceStart}, Dst: ceReason},
			{Name: "ask_erase", Src: []string{ceReason}, Dst: ceErase},
			{Name: "ask_rename", Src: []string{ceStart}, Dst: ceRename},
			{Name: "finish", Src: []string{ceValue, ceDup, ceErase, ceRename}, Dst: stateDone},
		},
		step: (*turn).customerEditStep,
	}
}

// customerEditTitle names the states of the edit flow that are tasks of
// their own: registering a customer whose name another has, and erasing one.
func customerEditTitle(s ledger.Session) string {
	switch s.State {
	case ceDup:
		return "core.flow.customer_edit.dupname"
	case ceReason:
		return "core.flow.customer_edit.reason"
	case ceErase:
		return "core.flow.customer_edit.erase"
	}
	return ""
}

// myBirthdayFlow asks a customer for their birthday.
func myBirthdayFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.my_birthday",
		initial: "ask",
		roles:   customerRoles,
		events:  fsm.Events{{Name: "answered", Src: []string{"ask"}, Dst: stateDone}},
		step:    (*turn).myBirthdayStep,
	}
}

// Fields a staff member can edit, by the words they type for them.
const (
	fName        = "name"
	fPhone       = "phone"
	fBirthday    = "birthday"
	fPreferences = "preferences"
	fRemarks     = "remarks"
	fTags        = "tags"
)

// editFields lists the fields in card order.
var editFields = []string{fName, fPhone, fBirthday, fPreferences, fRemarks, fTags}

var fieldWords = map[string]string{
	"이름": fName, "name": fName,
	"전화": fPhone, "전화번호": fPhone, "번호": fPhone, "phone": fPhone,
	"생일": fBirthday, "birthday": fBirthday,
	"선호": fPreferences, "preferences": fPreferences, "preference": fPreferences,
	"특이사항": fRemarks, "remarks": fRemarks, "remark": fRemarks,
	"태그": fTags, "tags": fTags, "tag": fTags,
	// The words a 고객관리장부 heads its columns with (as the spreadsheet
	// import reads them).
	"성함": fName, "연락처": fPhone, "휴대폰": fPhone, "핸드폰": fPhone, "휴대전화": fPhone, "mobile": fPhone,
	"생년월일": fBirthday, "선호사항": fPreferences, "취향": fPreferences, "비고": fRemarks,
}

// eraseWords ask for a customer's erasure: /customer 김하늘 삭제.
var eraseWords = []string{"삭제", "delete", "erase", "forget"}

// clearWords empty an optional field: /customer 김하늘 선호 삭제.
var clearWords = []string{"삭제", "없음", "지우기", "remove", "delete", "none", "clear", "-"}

func isClearWord(s string) bool {
	return slices.Contains(clearWords, strings.ToLower(strings.TrimSpace(s)))
}

// splitEdit finds an edit in /customer's arguments: the customer, then a
// field word or an erase word, then the value as typed. The first such
// word after the first one ends the customer, so "Anna Lee 생일 3/15" and
// "010 1234 5678 선호 따뜻한 물" both work.
func splitEdit(args string) (who, verb, value string, ok bool) {
	toks := strings.Fields(args)
	for i := 1; i < len(toks); i++ {
		w := strings.ToLower(toks[i])
		if f, isField := fieldWords[w]; isField {
			return strings.Join(toks[:i], " "), f, dropFields(args, i+1), true
		}
		if slices.Contains(eraseWords, w) {
			return strings.Join(toks[:i], " "), "erase", dropFields(args, i+1), true
		}
	}
	return "", "", "", false
}

// findWho finds the customers q names: a #tag (on their record or one of
// their notes, the tag index of /customers), a phone, or what
// FindCustomers reads (a whole name, a given name or any prefix or suffix
// of a name, the last four digits, an id). A q that looks like a phone but
// is not one is refused with what is wrong with it.
func (t *turn) findWho(q string) (cs []ledger.Customer, phone string, err error) {
	q = strings.TrimSpace(q)
	if tag, ok := strings.CutPrefix(foldFullWidth(q), "#"); ok && strings.TrimSpace(tag) != "" {
		_, cs, err := t.tx.ListCustomers(ledger.CustomerFilter{Tags: []string{tag}}, 0, maxMatches)
		if err != nil {
			return nil, "", fmt.Errorf("dialog: find customers by tag: %w", err)
		}
		if len(cs) == 0 {
			return nil, "", refuse("customer_edit.not_found_tag", map[string]any{"Tag": ledger.CleanTag(tag)})
		}
		return cs, "", nil
	}
	cs, phone, err = t.lookup(q)
	if err != nil || len(cs) > 0 || phone != "" {
		return cs, phone, err
	}
	if _, perr := phoneArg(q); looksLikePhone(foldFullWidth(q)) && perr != nil {
		return nil, "", perr
	}
	return nil, "", nil
}

// editCustomer runs /customer <who> <field|삭제> [value].
func (t *turn) editCustomer(who, verb, value string) error {
	if verb == "erase" && t.role != ledger.RoleManager {
		t.say("core.command.manager_only", nil)
		return nil
	}
	cs, phone, err := t.findWho(who)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return t.notFound(who, phone)
	}
	if verb == "erase" {
		return t.onMatches("erase", cs, who, phone, "")
	}
	return t.onMatches("edit", cs, who, phone, verb+" "+value)
}

// notFound says nobody matched and how to register them.
func (t *turn) notFound(query, phone string) error {
	if phone != "" {
		t.say("core.customer.not_found_phone", map[string]any{"Phone": formatPhone(phone)})
		return nil
	}
	if q := strings.TrimSpace(foldFullWidth(query)); len(q) == 4 && isBareNumber(q) {
		// A phone's last four digits: registering "1234" as a name is no
		// help.
		t.say("customer_edit.not_found_digits", map[string]any{"Query": strings.TrimSpace(query)})
		return nil
	}
	t.say("customer_edit.not_found", map[string]any{"Query": query})
	return nil
}

// actEdit changes one field of c (rest is "field value"), or asks for the
// value when there is none.
func (t *turn) actEdit(c ledger.Customer, rest string) error {
	field, _ := firstField(rest)
	value := dropFields(rest, 1)
	if !slices.Contains(editFields, field) {
		t.say("customer_edit.usage", nil)
		return nil
	}
	if value == "" {
		t.begin(flowCustomerEdit)
		if err := t.fire("ask_value"); err != nil {
			return err
		}
		t.sess.Draft["id"], t.sess.Draft["field"] = c.ID, field
		t.add(t.askValue(c, field))
		return nil
	}
	return t.applyEdit(c, field, value)
}

// askValue asks for field's new value, showing the current one.
func (t *turn) askValue(c ledger.Customer, field string) Reply {
	d := t.fieldData(field)
	d["Name"], d["Current"], d["Hint"] = c.Name, t.fieldValue(c, field), t.fieldHint(field)
	text := t.text("customer_edit.ask", d)
	if field != fName && field != fPhone {
		text += "\n" + t.text("customer_edit.ask_clear", nil)
	}
	r := t.mk(text, t.btn("core.btn.cancel", "cancel"))
	r.Private = true
	return r
}

// applyEdit sets field of c to what value says, audits the change and
// answers with before → after. A value that cannot be read is refused
// with what is wrong and nothing changes.
func (t *turn) applyEdit(c ledger.Customer, field, value string) error {
	after, err := t.edited(c, field, value)
	if err != nil {
		return err
	}
	if asked, err := t.askRename(c, after); err != nil || asked { // customer_rename.go
		return err
	}
	return t.saveEdit(c, field, after)
}

// saveEdit stores after over c and answers with field's before → after.
func (t *turn) saveEdit(c ledger.Customer, field string, after ledger.Customer) error {
	got, changed, err := t.saveCustomer(c, after)
	if err != nil {
		return err
	}
	if !changed {
		d := t.fieldData(field)
		v := t.fieldValue(got, field)
		// Empty: a field cleared that was empty already, said as such
		// ("이미 비어 있어요"), not as the value "없음".
		d["Name"], d["Value"], d["Empty"] = got.Name, v, v == t.text("customer_edit.none", nil)
		r := t.mk(t.text("customer_edit.unchanged", d))
		r.Private = true
		t.add(r)
		return nil
	}
	d := t.fieldData(field)
	d["Name"], d["Before"], d["After"] = got.Name, t.fieldValue(c, field), t.fieldValue(got, field)
	text := t.text("customer_edit.changed", d)
	if field == fBirthday {
		line, err := t.birthdayGreetedLine(got)
		if err != nil {
			return err
		}
		if line != "" {
			text += "\n" + line
		}
	}
	r := t.mk(text)
	r.Private = true
	t.add(r)
	return nil
}

// edited returns c with field set from value, or a refusal saying why the
// value cannot be used.
func (t *turn) edited(c ledger.Customer, field, value string) (ledger.Customer, error) {
	value = strings.TrimSpace(value)
	clear := isClearWord(value)
	out := c
	out.Tags = slices.Clone(c.Tags)
	switch field {
	case fName:
		name := strings.Join(strings.Fields(value), " ")
		if name == "" || clear {
			return c, refuse("customer_edit.err.required", t.fieldData(field))
		}
		if rest, ok := ledger.PhoneInName(name); ok {
			return c, refuse("customer_edit.err.name_phone", map[string]any{"Name": rest})
		}
		if !hasLetter(name) {
			return c, refuse("input.name.no_letter", map[string]any{"Input": name})
		}
		out.Name = name
	case fPhone:
		if clear {
			return c, refuse("customer_edit.err.required", t.fieldData(field))
		}
		d, err := phoneArg(value)
		if err != nil {
			return c, err
		}
		if err := t.phoneFree(c.ID, d); err != nil {
			return c, err
		}
		out.Phone = d
	case fBirthday:
		if clear {
			out.Birthday = time.Time{}
			break
		}
		b, err := t.birthdayArg(value)
		if err != nil {
			return c, err
		}
		// The day and month the card has, typed without the year: the
		// staff confirm the day, they do not mean to drop the year
		// ("March 15, 1990 → March 15" lost it). Answered as unchanged.
		if b.Year() == 0 && c.Birthday.Year() != 0 && b.Month() == c.Birthday.Month() && b.Day() == c.Birthday.Day() {
			b = c.Birthday
		}
		out.Birthday = b
	case fPreferences:
		out.Preferences = value
		if clear {
			out.Preferences = ""
		}
	case fRemarks:
		out.Remarks = value
		if clear {
			out.Remarks = ""
		}
	case fTags:
		if clear {
			out.Tags = nil
			break
		}
		tags, missing, err := editTags(c.Tags, value)
		if err != nil {
			return c, err
		}
		// A tag to remove that is not the customer's own (a note's tag, or
		// none) changed nothing and said "이미 #vip예요": said so, and what
		// to do instead.
		if len(missing) > 0 {
			return c, refuse("customer_edit.tag_not_own", map[string]any{"Tags": "#" + strings.Join(missing, " #")})
		}
		out.Tags = tags
	}
	return out, nil
}

// saveCustomer stores after over before, audits each changed field with the
// actor and returns the record as the ledger now has it.
func (t *turn) saveCustomer(before, after ledger.Customer) (ledger.Customer, bool, error) {
	if err := t.tx.PutCustomer(after); err != nil {
		if errors.Is(err, ledger.ErrDuplicatePhone) {
			return before, false, t.phoneFree(before.ID, after.Phone)
		}
		return before, false, fmt.Errorf("dialog: edit customer: %w", err)
	}
	got, err := t.tx.Customer(before.ID)
	if err != nil {
		return before, false, fmt.Errorf("dialog: read edited customer: %w", err)
	}
	changed := false
	for _, f := range editFields {
		if t.fieldValue(before, f) != t.fieldValue(got, f) {
			changed = true
			// The detail names the field, not the value: the record
			// itself says what it is now.
			if err := t.audit("edit", got.ID, f); err != nil {
				return before, false, err
			}
		}
	}
	return got, changed, nil
}

// phoneFree refuses digits when another customer has them, naming that
// customer with their masked phone.
func (t *turn) phoneFree(id, digits string) error {
	other, err := t.tx.CustomerByPhone(digits)
	switch {
	case errors.Is(err, ledger.ErrCustomerNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("dialog: check phone: %w", err)
	case other.ID == id || other.Erased:
		return nil
	}
	return refuse("customer_edit.err.phone_taken", map[string]any{"Masked": maskPhone(digits), "Other": other.Name})
}

// phoneArg reads a phone number, or says what is wrong with it: too few
// digits (010-123-456), too many, or not a number at all.
func phoneArg(s string) (string, error) {
	if d, ok := ledger.NormalizePhone(s); ok {
		return d, nil
	}
	data := map[string]any{"Value": strings.TrimSpace(s)}
	var digits strings.Builder
	for _, r := range foldFullWidth(s) {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	data["Digits"] = len(d)
	if d == "" || strings.TrimFunc(foldFullWidth(s), func(r rune) bool { return r >= '0' && r <= '9' || strings.ContainsRune("+-.() ", r) }) != "" {
		return "", refuse("customer_edit.err.phone_invalid", data)
	}
	switch {
	case len(d) < 8, strings.HasPrefix(d, "01") && len(d) < 10, strings.HasPrefix(d, "0") && len(d) < 9,
		(strings.HasPrefix(d, "010") || strings.HasPrefix(d, "070")) && len(d) < 11: // 010-1234-567
		return "", refuse("customer_edit.err.phone_short", data)
	case len(d) > 12, !strings.HasPrefix(d, "82") && len(d) > 11:
		return "", refuse("customer_edit.err.phone_long", data)
	}
	return "", refuse("customer_edit.err.phone_invalid", data)
}

// birthdayArg reads a birthday or refuses it with the reason.
func (t *turn) birthdayArg(s string) (time.Time, error) {
	b, ok := parseBirthday(s)
	data := map[string]any{"Value": strings.TrimSpace(s)}
	if !ok {
		// "2/30", "13/01": read, but no day of the calendar; said so,
		// where "생일로 읽을 수 없어요" left the staff guessing.
		if y, m, d, read := birthdayNumbers(s); read {
			if id, fault, bad := BirthdayFault(y, m, d); bad {
				data["Fault"] = t.text(id, fault)
				return time.Time{}, refuse("customer_edit.err.birthday_no_such_day", data)
			}
		}
		return time.Time{}, refuse("customer_edit.err.birthday", data)
	}
	today := t.now.In(t.e.loc)
	if b.Year() != 0 && time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, t.e.loc).After(today) {
		return time.Time{}, refuse("customer_edit.err.birthday_future", data)
	}
	return b, nil
}

// parseBirthday reads a birthday as shops and customers write one: "3/15",
// "03-15", "3.15", "3월 15일", "0315", "March 15", and with a year "1990-03-15",
// "1990년 3월 15일", "19900315", "3/15/1990", "March 15, 1990". Month comes
// first, as in Korea and the US. Without a year the birthday is kept in
// year 0, as the spreadsheet import keeps one (only month and day drive
// greetings). A day the month does not have, or a year before 1900, is not
// a birthday.
func parseBirthday(s string) (time.Time, bool) {
	year, m, day, ok := birthdayNumbers(s)
	if !ok || (year != 0 && year < 1900) {
		return time.Time{}, false
	}
	if _, _, bad := BirthdayFault(year, m, day); bad {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(m), day, 0, 0, 0, 0, time.UTC), true
}

// BirthdayFault says why year (0: none given), month and day are no day
// of the calendar, as the catalog id of the fault (input.birthday.no_month,
// "13월은 없어요"; input.birthday.no_day, "2월 30일은 없는 날짜예요 (2월은
// 29일까지)") and its data; bad is false for a calendar day. Year 0 is a
// leap year, so February 29th without a year is one. Chat and dangol
// import word a birthday read but impossible the same way.
func BirthdayFault(year, month, day int) (id string, data map[string]any, bad bool) {
	if month < 1 || month > 12 {
		return "input.birthday.no_month", map[string]any{"Month": month}, true
	}
	last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if day >= 1 && day <= last {
		return "", nil, false
	}
	return "input.birthday.no_day", map[string]any{
		"Year": year, "Month": month, "Day": day, "Last": last, "MonthName": time.Month(month).String(),
	}, true
}

// Sino-Korean months and days, as a birthday is said and often typed:
// "삼월 십오일", "시월 이십구일" (the last 일 of "십일일" names the day).
var (
	hangulMonthRe = regexp.MustCompile(`[일이삼사오육칠팔구십유시]+월`)
	hangulDayRe   = regexp.MustCompile(`([일이삼사오육칠팔구십]+)일`)
)

// hangulMonthDay writes the Sino-Korean numbers of s's month and day in
// figures ("삼월 십오일" is "3월 15일"), read by sinoNumber as amounts and
// stamps read theirs, with 유월 and 시월 for June and October; words that
// are no number are left as they are, for the reader to refuse.
func hangulMonthDay(s string) string {
	s = hangulMonthRe.ReplaceAllStringFunc(s, func(w string) string {
		m := strings.TrimSuffix(w, "월")
		n, ok := map[string]int{"유": 6, "시": 10}[m]
		if !ok {
			if n, ok = sinoNumber(m); !ok || n == 0 {
				return w
			}
		}
		return strconv.Itoa(n) + "월"
	})
	return hangulDayRe.ReplaceAllStringFunc(s, func(w string) string {
		n, ok := sinoNumber(strings.TrimSuffix(w, "일"))
		if !ok || n == 0 {
			return w
		}
		return strconv.Itoa(n) + "일"
	})
}

// birthdayNumbers reads the year (0 if none), month and day a birthday
// is written with (parseBirthday's forms), whether or not the calendar
// has that day; ok is false for text in no such form.
func birthdayNumbers(s string) (year, month, day int, ok bool) {
	fail := func() (int, int, int, bool) { return 0, 0, 0, false }
	s = hangulMonthDay(strings.ToLower(strings.TrimSpace(foldFullWidth(s))))
	var nums []string
	var cur strings.Builder
	var word strings.Builder
	flush := func() bool {
		if cur.Len() > 0 {
			nums = append(nums, cur.String())
			cur.Reset()
		}
		if word.Len() > 0 {
			m, ok := englishMonths[strings.TrimSuffix(word.String(), ".")] // parse.go, as follow-up days read them
			word.Reset()
			if !ok || month != 0 || len(nums) > 0 {
				return false
			}
			month = int(m)
		}
		return true
	}
	for _, r := range s + " " {
		switch {
		case r >= '0' && r <= '9':
			if word.Len() > 0 && !flush() {
				return fail()
			}
			cur.WriteRune(r)
		case r >= 'a' && r <= 'z':
			if cur.Len() > 0 && !flush() {
				return fail()
			}
			word.WriteRune(r)
		case unicode.IsSpace(r) || strings.ContainsRune("/-.,년월일", r):
			if !flush() {
				return fail()
			}
		default:
			return fail()
		}
	}
	if month != 0 {
		// "March 15" or "March 15, 1990": the month is already read.
		nums = append([]string{strconv.Itoa(month)}, nums...)
	}
	var y, mo, d string
	switch n := len(nums); {
	case n == 1 && len(nums[0]) == 4 && month == 0:
		mo, d = nums[0][:2], nums[0][2:]
	case n == 1 && len(nums[0]) == 8 && month == 0:
		y, mo, d = nums[0][:4], nums[0][4:6], nums[0][6:]
	case n == 2 && len(nums[0]) <= 2 && len(nums[1]) <= 2:
		mo, d = nums[0], nums[1]
	case n == 3 && len(nums[0]) == 4 && len(nums[1]) <= 2 && len(nums[2]) <= 2 && month == 0:
		y, mo, d = nums[0], nums[1], nums[2]
	case n == 3 && len(nums[0]) <= 2 && len(nums[1]) <= 2 && len(nums[2]) == 4:
		y, mo, d = nums[2], nums[0], nums[1]
	default:
		return fail()
	}
	if y != "" {
		year, _ = strconv.Atoi(y)
	}
	month, _ = strconv.Atoi(mo)
	day, _ = strconv.Atoi(d)
	return year, month, day, true
}

// editTags applies "+VIP -커트 펌" to tags: + or nothing adds, - removes.
// Tags take the ledger's spelling (ledger.CleanTag) and are compared in
// any case (ledger.SameTag): "-vip" removes VIP, and "+VIP" on a customer
// tagged vip spells it VIP from now on, the staff's latest word on it.
// missing are the tags to remove that tags did not hold.
func editTags(tags []string, value string) (out, missing []string, err error) {
	out = ledger.CleanTags(tags)
	words := strings.FieldsFunc(foldFullWidth(value), func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == '、' })
	for _, w := range words {
		remove := strings.HasPrefix(w, "-")
		tag := ledger.CleanTag(strings.TrimLeft(w, "+-"))
		if tag == "" {
			return nil, nil, refuse("customer_edit.err.tag", map[string]any{"Value": w})
		}
		same := func(x string) bool { return ledger.SameTag(x, tag) }
		switch i := slices.IndexFunc(out, same); {
		case remove && i < 0:
			missing = append(missing, tag)
		case remove:
			out = slices.DeleteFunc(out, same)
		case i >= 0:
			out[i] = tag
		default:
			out = append(out, tag)
		}
	}
	return out, missing, nil
}

// fieldName is a field in the shop's words; a field this version does not
// edit (a session or an audit entry of another version) as it is named.
func (t *turn) fieldName(field string) string {
	if ids, ok := editFieldIDs[field]; ok {
		return t.text(ids.name, nil)
	}
	return field
}

// fieldHint is the example under the question for field's new value; ""
// for a field this version does not edit.
func (t *turn) fieldHint(field string) string {
	if ids, ok := editFieldIDs[field]; ok {
		return t.text(ids.hint, nil)
	}
	return ""
}

// editFieldIDs are the catalog ids of each field's name ("생일") and of
// the example of a value ("예: 3/15, 3월 15일, 1990-03-15").
var editFieldIDs = map[string]struct{ name, hint string }{
	fName:        {"customer_edit.field.name", "customer_edit.hint.name"},
	fPhone:       {"customer_edit.field.phone", "customer_edit.hint.phone"},
	fBirthday:    {"customer_edit.field.birthday", "customer_edit.hint.birthday"},
	fPreferences: {"customer_edit.field.preferences", "customer_edit.hint.preferences"},
	fRemarks:     {"customer_edit.field.remarks", "customer_edit.hint.remarks"},
	fTags:        {"customer_edit.field.tags", "customer_edit.hint.tags"},
}

// fieldData is the data of a message naming field: Field, and FieldEul and
// FieldEun with the Korean particle its last sound takes (생일을, 전화를).
func (t *turn) fieldData(field string) map[string]any {
	name := t.fieldName(field)
	return map[string]any{"Field": name}
}

// fieldValue shows a field of c as the before → after lines do. Staff see
// the full phone here: these answers go to the staff member who asked
// (a DM or an ephemeral answer), never to the staff channel.
func (t *turn) fieldValue(c ledger.Customer, field string) string {
	v := ""
	switch field {
	case fName:
		v = c.Name
	case fPhone:
		v = formatPhone(c.Phone)
	case fBirthday:
		if !c.Birthday.IsZero() {
			v = t.birthdayText(c.Birthday)
		}
	case fPreferences:
		v = c.Preferences
	case fRemarks:
		v = c.Remarks
	case fTags:
		if len(c.Tags) > 0 {
			v = "#" + strings.Join(c.Tags, " #")
		}
	}
	if v == "" {
		return t.text("customer_edit.none", nil)
	}
	return v
}

// birthdayText writes a birthday, with its year when known.
func (t *turn) birthdayText(b time.Time) string {
	data := map[string]any{"Year": b.Year(), "Month": int(b.Month()), "Day": b.Day(), "MonthName": b.Month().String()}
	if b.Year() == 0 {
		return t.text("customer_edit.date.md", data)
	}
	return t.text("customer_edit.date.ymd", data)
}

// --- registering ---

// newCustomer: /customer new <phone> <name>, saying what is wrong with the
// phone, and asking first when someone of the same name is registered.
func (t *turn) newCustomer(args string) error {
	p, name := firstField(args)
	if p == "" {
		t.say("core.customer.new_usage", nil)
		return nil
	}
	// The name first is as natural ("/customer new 김하늘 010-1234-5678"):
	// a phone is told from a name, so the order is not the staff's to
	// remember. The last field counts only when it is a whole phone; a
	// first field that is neither gets the phone's own refusal below.
	//
	// A phone may be written in pieces ("010 1234 5678", "+82 10 1234
	// 5678"), as lookupLead reads one: the most pieces that make a phone,
	// first at the start, then at the end.
	if fields := strings.Fields(args); len(fields) > 1 {
		if _, isPhone := ledger.NormalizePhone(p); !isPhone {
			found := false
			for i := min(phonePieces, len(fields)); i >= 2 && !found; i-- {
				if _, ok := ledger.NormalizePhone(strings.Join(fields[:i], "")); ok {
					p, name, found = strings.Join(fields[:i], ""), strings.Join(fields[i:], " "), true
				}
			}
			for i := min(phonePieces, len(fields)-1); i >= 1 && !found; i-- {
				if _, ok := ledger.NormalizePhone(strings.Join(fields[len(fields)-i:], "")); ok {
					p, name, found = strings.Join(fields[len(fields)-i:], ""), strings.Join(fields[:len(fields)-i], " "), true
				}
			}
		}
	}
	digits, err := phoneArg(p)
	if err != nil && !strings.ContainsFunc(foldFullWidth(args), unicode.IsDigit) {
		// "/customer new 김철수": no phone at all, not one unread.
		return refuse("input.customer.no_phone", map[string]any{"Name": strings.Join(strings.Fields(args), " ")})
	}
	if err != nil {
		return err
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		t.say("customer_edit.new.no_name", map[string]any{"Phone": formatPhone(digits)})
		return nil
	}
	if rest, ok := ledger.PhoneInName(name); ok {
		// "/customer new 010-3333-4444 이도윤 010-5555-6666": the second
		// number in the name showed in full wherever phones are masked.
		t.say("customer_edit.new.name_phone", map[string]any{"Phone": formatPhone(digits), "Name": rest})
		return nil
	}
	if !hasLetter(name) { // input_errors.go
		return refuse("input.name.no_letter", map[string]any{"Input": name})
	}
	if err := t.phoneFree("", digits); err != nil {
		return err
	}
	same, err := t.sameName(name)
	if err != nil {
		return err
	}
	if len(same) == 0 {
		return t.createCustomer(digits, name)
	}
	t.begin(flowCustomerEdit)
	if err := t.fire("ask_dup"); err != nil {
		return err
	}
	ids := make([]string, len(same))
	for i, c := range same {
		ids[i] = c.ID
	}
	d := t.sess.Draft
	d["phone"], d["name"], d["ids"] = digits, name, strings.Join(ids, ",")
	t.add(t.dupQuestion(name, digits, same, ""))
	return nil
}

// sameName returns the registered customers whose whole name is name, as
// the search reads names: "박서준" and "박 서 준" are one name.
func (t *turn) sameName(name string) ([]ledger.Customer, error) {
	cs, err := t.tx.FindCustomers(name, maxMatches)
	if err != nil {
		return nil, fmt.Errorf("dialog: find same name: %w", err)
	}
	return slices.DeleteFunc(cs, func(c ledger.Customer) bool { return !ledger.SameName(c.Name, name) }), nil
}

func (t *turn) dupQuestion(name, digits string, same []ledger.Customer, why string) Reply {
	var others []string
	for _, c := range same {
		others = append(others, t.text("core.pick.button", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone)}))
	}
	text := t.text("customer_edit.new.dup_name", map[string]any{"Others": strings.Join(others, ", "), "Name": name, "Phone": formatPhone(digits)})
	if why != "" {
		text = t.text(why, nil) + "\n" + text
	}
	r := t.mk(text, t.btn("customer_edit.btn.register", "register"), t.btn("customer_edit.btn.show", "show"), t.btn("core.btn.cancel", "cancel"))
	r.Private = true
	return r
}

// createCustomer registers digits and name, audits it and shows the card.
func (t *turn) createCustomer(digits, name string) error {
	c := ledger.Customer{Name: name, Phone: digits, CreatedAt: t.now}
	if err := t.tx.CreateCustomer(&c); err != nil {
		if errors.Is(err, ledger.ErrDuplicatePhone) {
			return t.phoneFree("", digits)
		}
		return fmt.Errorf("dialog: create customer: %w", err)
	}
	if err := t.audit("create", c.ID, ""); err != nil {
		return err
	}
	r, err := t.card(c)
	if err != nil {
		return err
	}
	r.Private = true
	r.Buttons = append(t.editButton(c), r.Buttons...)
	t.say("core.customer.created", map[string]any{"Name": c.Name})
	t.add(r)
	return nil
}

// --- erasure on request ---

// actErase asks why c is to be erased; the confirmation follows.
func (t *turn) actErase(c ledger.Customer, _ string) error {
	if t.role != ledger.RoleManager {
		t.say("core.command.manager_only", nil)
		return nil
	}
	t.begin(flowCustomerEdit)
	if err := t.fire("ask_reason"); err != nil {
		return err
	}
	t.sess.Draft["id"] = c.ID
	t.say("customer_edit.erase.reason_ask", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone)}, t.btn("core.btn.cancel", "cancel"))
	return nil
}

func (t *turn) eraseQuestion(c ledger.Customer, reason, why string) Reply {
	text := t.text("customer_edit.erase.confirm", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone), "Reason": reason})
	if why != "" {
		text = t.text(why, nil) + "\n" + text
	}
	return t.mk(text, t.btn("customer_edit.btn.erase", "yes"), t.btn("customer_edit.btn.keep", "no"))
}

// eraseOnRequest erases c as their own /forget would (EraseCustomer drops
// the profiles of their linked chats and the feedback those left before
// linking), then audits the erasure with the actor and its ground,
// ledger.EraseReasonManager. The audit entry comes after the erasure so it
// is sealed under the shop key and outlives the customer's shredded one.
// The reason typed is shown back but not kept: it is free text that may
// name the customer ("김하늘님 전화 요청"), and kept under the shop key it
// would outlive their erasure.
func (t *turn) eraseOnRequest(c ledger.Customer, reason string) error {
	heads, err := t.headsOf(c.ID, "") // thread_relay.go
	if err != nil {
		return err
	}
	if err := t.tx.EraseCustomer(c.ID, t.now); err != nil {
		return fmt.Errorf("dialog: erase customer: %w", err)
	}
	if err := t.audit("erase", c.ID, ledger.EraseReasonManager); err != nil {
		return err
	}
	t.say("customer_edit.erase.done", map[string]any{"Name": c.Name, "Reason": reason})
	return t.scrubHeads(heads) // the staff channel's heads named them
}

// --- the flow ---

// customerEditStep reads the answer to whichever question the flow asked.
func (t *turn) customerEditStep(in input) error {
	d := t.sess.Draft
	switch t.sess.State {
	case ceDup:
		return t.dupStep(in)
	}
	c, err := t.tx.Customer(d["id"])
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		t.end()
		t.say("core.err.customer_not_found", nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	switch t.sess.State {
	case ceValue:
		if in.text == "" {
			t.add(t.askValue(c, d["field"]))
			return nil
		}
		field := d["field"]
		if err := t.fire("finish"); err != nil {
			return err
		}
		t.end()
		return t.applyEdit(c, field, in.text)
	case ceReason:
		reason := strings.TrimSpace(in.text)
		if reason == "" {
			t.say("customer_edit.erase.reason_ask", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone)}, t.btn("core.btn.cancel", "cancel"))
			return nil
		}
		if err := t.fire("ask_erase"); err != nil {
			return err
		}
		d["reason"] = reason
		t.add(t.eraseQuestion(c, reason, ""))
		return nil
	case ceRename:
		return t.renameStep(c, in) // customer_rename.go
	case ceErase:
		switch {
		case t.isButton(in, "yes", "customer_edit.btn.erase"):
			if t.role != ledger.RoleManager {
				t.end()
				t.say("core.command.manager_only", nil)
				return nil
			}
			if err := t.fire("finish"); err != nil {
				return err
			}
			reason := d["reason"]
			t.end()
			return t.eraseOnRequest(c, reason)
		case t.isButton(in, "no", "customer_edit.btn.keep"):
			if err := t.fire("finish"); err != nil {
				return err
			}
			t.end()
			t.say("customer_edit.erase.kept", map[string]any{"Name": c.Name})
			return nil
		}
		t.add(t.eraseQuestion(c, d["reason"], "customer_edit.erase.reask"))
		return nil
	}
	t.end()
	t.sayStale()
	return nil
}

// sameNamed are the customers of the draft's "ids" still there: those a
// question about a name someone has named (dupStep, renameStep).
func (t *turn) sameNamed() []ledger.Customer {
	var same []ledger.Customer
	for _, id := range strings.Split(t.sess.Draft["ids"], ",") {
		if c, err := t.tx.Customer(id); err == nil && !c.Erased {
			same = append(same, c)
		}
	}
	return same
}

// showSameNamed answers [기존 고객 보기] under such a question: the flow
// ends, and the customers of that name are shown (or said gone).
func (t *turn) showSameNamed(same []ledger.Customer, name string) error {
	if err := t.fire("finish"); err != nil {
		return err
	}
	t.end()
	if len(same) == 0 {
		t.say("core.err.customer_not_found", nil)
		return nil
	}
	return t.onMatches("card", same, name, "", "")
}

// dupStep reads the answer to "register anyway?".
func (t *turn) dupStep(in input) error {
	d := t.sess.Draft
	same := t.sameNamed()
	switch {
	case t.isButton(in, "register", "customer_edit.btn.register"):
		if err := t.fire("finish"); err != nil {
			return err
		}
		phone, name := d["phone"], d["name"]
		t.end()
		if err := t.phoneFree("", phone); err != nil {
			return err
		}
		return t.createCustomer(phone, name)
	case t.isButton(in, "show", "customer_edit.btn.show"):
		return t.showSameNamed(same, d["name"])
	}
	t.add(t.dupQuestion(d["name"], d["phone"], same, "customer_edit.new.dup_reask"))
	return nil
}

// --- the card's form ---

// formCustomerPrefix starts the id of the edit form; the customer's id
// follows, so a submission names whom it edits.
const formCustomerPrefix = "customer_edit:"

// openEditForm answers the card's [수정] button with the record as a form,
// every field filled in.
func (t *turn) openEditForm(id string) error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	c, err := t.tx.Customer(id)
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		t.say("core.err.customer_not_found", nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	if err := t.audit("read", c.ID, "form"); err != nil {
		return err
	}
	birthday := ""
	if !c.Birthday.IsZero() {
		birthday = c.Birthday.Format("01-02")
		if c.Birthday.Year() != 0 {
			birthday = c.Birthday.Format("2006-01-02")
		}
	}
	f := &Form{
		ID:     formCustomerPrefix + c.ID,
		Title:  t.text("customer_edit.form.title", nil),
		Submit: t.text("customer_edit.form.submit", nil),
		Fields: []Field{
			{Name: fName, Label: t.fieldName(fName), Value: c.Name},
			{Name: fPhone, Label: t.fieldName(fPhone), Hint: t.text("customer_edit.hint.phone", nil), Value: formatPhone(c.Phone)},
			{Name: fBirthday, Label: t.fieldName(fBirthday), Hint: t.text("customer_edit.hint.birthday", nil), Optional: true, Value: birthday},
			{Name: fPreferences, Label: t.fieldName(fPreferences), Optional: true, Multiline: true, Value: c.Preferences},
			{Name: fRemarks, Label: t.fieldName(fRemarks), Optional: true, Multiline: true, Value: c.Remarks},
			{Name: fTags, Label: t.fieldName(fTags), Hint: t.text("customer_edit.form.tags_hint", nil), Optional: true, Value: strings.Join(c.Tags, ", ")},
		},
	}
	r := t.mk(t.text("customer_edit.form.opening", map[string]any{"Name": c.Name}))
	r.Form = f
	r.Private = true
	t.add(r)
	return nil
}

// onCustomerForm saves a submitted edit form: every field is checked and
// all errors come back at once, inline, with nothing saved.
func (t *turn) onCustomerForm(id string) error {
	c, err := t.tx.Customer(id)
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		t.say("core.err.customer_not_found", nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	f := t.m.Form
	after := c
	errs := map[string]string{}
	for _, field := range editFields {
		v, ok := f[field]
		if !ok {
			continue // a client that leaves a field out leaves it as it is
		}
		v = strings.TrimSpace(v)
		if v == "" && field != fName && field != fPhone {
			v = "-" // an emptied optional field clears it
		}
		if field == fTags {
			// The form holds the whole list: replace, not add.
			after.Tags = nil
		}
		next, err := t.edited(after, field, v)
		var u *userError
		switch {
		case errors.As(err, &u):
			errs[field] = t.text(u.id, u.data)
		case err != nil:
			return err
		default:
			after = next
		}
	}
	if len(errs) > 0 {
		r := t.mk(t.text("customer_edit.form.invalid", nil))
		r.FormErrors = errs
		r.Private = true
		t.add(r)
		return nil
	}
	got, changed, err := t.saveCustomer(c, after)
	if err != nil {
		return err
	}
	head := "customer_edit.form.nochange"
	if changed {
		head = "customer_edit.form.saved"
	}
	lines := []string{t.text(head, map[string]any{"Name": got.Name})}
	for _, field := range editFields {
		if b, a := t.fieldValue(c, field), t.fieldValue(got, field); b != a {
			lines = append(lines, t.text("customer_edit.form.line", map[string]any{"Field": t.fieldName(field), "Before": b, "After": a}))
			if field != fBirthday {
				continue
			}
			line, err := t.birthdayGreetedLine(got)
			if err != nil {
				return err
			}
			if line != "" {
				lines = append(lines, line)
			}
		}
	}
	if !strings.EqualFold(c.Name, got.Name) {
		if note, err := t.sameNameNote(got); err != nil { // customer_rename.go
			return err
		} else if note != "" {
			lines = append(lines, note)
		}
	}
	r := t.mk(strings.Join(lines, "\n"))
	r.Private = true
	t.add(r)
	return nil
}

// editButton is the card's [수정] button, for clients that show forms.
func (t *turn) editButton(c ledger.Customer) []Button {
	if !t.m.CanForm || !t.staffish() {
		return nil
	}
	return []Button{t.btn("customer_edit.btn.edit", "cedit:"+c.ID)}
}

// --- the customer's own birthday ---

// cmdBirthday: /birthday (asks), /birthday 3/15 (sets), /birthday 삭제
// (removes), for a customer linked and consented. It is optional, and
// said to be for a birthday greeting only to whom one would go
// (myBirthdayAsk).
func (t *turn) cmdBirthday(args string) error {
	c, ok, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	if !ok || !c.Consent.Given {
		t.say("customer_edit.my.unlinked", nil)
		return nil
	}
	if strings.TrimSpace(args) == "" {
		t.begin(flowMyBirthday)
		return t.askMyBirthday(c, "")
	}
	return t.setMyBirthday(c, args)
}

// birthdayWords reports whether args are what /birthday takes: a day or
// a word that removes it.
func (t *turn) birthdayWords(args string) bool {
	if isClearWord(args) {
		return true
	}
	_, err := t.birthdayArg(args)
	// "생일 2/30" is a birthday mistyped, answered with what is wrong,
	// not a question for the shop.
	var u *userError
	return err == nil || errors.As(err, &u) && u.id == "customer_edit.err.birthday_no_such_day"
}

// myBirthdayQuestion asks c for their birthday, after why (a reason the
// last answer was refused) when there is one.
func (t *turn) myBirthdayQuestion(c ledger.Customer, why string) (Reply, error) {
	current := t.text("customer_edit.none", nil)
	bs := []Button{t.btn("core.btn.cancel", "cancel")}
	if !c.Birthday.IsZero() {
		current = t.birthdayText(c.Birthday)
		bs = append([]Button{t.btn("customer_edit.my.btn_remove", "remove")}, bs...)
	}
	id, err := t.myBirthdayAsk(c)
	if err != nil {
		return Reply{}, err
	}
	text := t.text(id, map[string]any{"Current": current})
	if why != "" {
		text = why + "\n" + text
	}
	return t.mk(text, bs...), nil
}

// myBirthdayAsk is the catalog id of the question for c's birthday. A
// greeting is promised only to whom the birthday job would greet: it
// carries the birthday benefit, advertising (정보통신망법 제50조), so a
// customer without advertising consent was promised "생일에 축하 인사를
// 보내 드려요" and told only after giving the date that none would go.
// They are told what the birthday is kept for and how to get greetings.
func (t *turn) myBirthdayAsk(c ledger.Customer) (string, error) {
	if t.e.adSender() != AdSent {
		// No greeting can go (AdNoShop, AdNoContact): nothing is promised,
		// nor the consent that would bring one.
		return "customer_edit.my.ask_no_greeting", nil
	}
	m, err := t.tx.Marketing(c.ID)
	if err != nil {
		return "", fmt.Errorf("dialog: read advertising consent: %w", err)
	}
	if !m.AdsAllowed(t.now) {
		return "customer_edit.my.ask_no_ads", nil
	}
	return "customer_edit.my.ask", nil
}

// askMyBirthday adds the question for c's birthday (myBirthdayQuestion).
func (t *turn) askMyBirthday(c ledger.Customer, why string) error {
	r, err := t.myBirthdayQuestion(c, why)
	if err != nil {
		return err
	}
	t.add(r)
	return nil
}

// myBirthdayStep reads the birthday the customer was asked for.
func (t *turn) myBirthdayStep(in input) error {
	c, ok, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	if !ok || !c.Consent.Given {
		t.end()
		t.say("customer_edit.my.unlinked", nil)
		return nil
	}
	v := in.text
	if in.payload == "remove" {
		v = "remove"
	}
	if v == "" {
		return t.askMyBirthday(c, "")
	}
	if !isClearWord(v) {
		if _, err := t.birthdayArg(v); err != nil {
			// Ask again in the flow rather than end it.
			id, data := myBirthdayBad(err, v)
			return t.askMyBirthday(c, t.text(id, data))
		}
	}
	if err := t.fire("answered"); err != nil {
		return err
	}
	t.end()
	return t.setMyBirthday(c, v)
}

// myBirthdayBad is what a customer is told of a birthday birthdayArg
// refused: the staff's reason (a day ahead: "2050-01-01" was "날짜로
// 읽지 못했어요"), but for a day unread the customer's own example
// ("3/15처럼").
func myBirthdayBad(err error, v string) (string, map[string]any) {
	data := map[string]any{"Value": strings.TrimSpace(v)}
	var u *userError
	if errors.As(err, &u) && u.id != "customer_edit.err.birthday" {
		if d, ok := u.data.(map[string]any); ok {
			data = d // the day that does not exist says which
		}
		return u.id, data
	}
	return "customer_edit.my.bad", data
}

// setMyBirthday stores (or, for a clear word, removes) the customer's
// birthday.
func (t *turn) setMyBirthday(c ledger.Customer, v string) error {
	if isClearWord(v) {
		if c.Birthday.IsZero() {
			t.say("customer_edit.my.none", nil)
			return nil
		}
		c.Birthday = time.Time{}
		if err := t.tx.PutCustomer(c); err != nil {
			return fmt.Errorf("dialog: remove birthday: %w", err)
		}
		t.say("customer_edit.my.removed", nil)
		return nil
	}
	b, err := t.birthdayArg(v)
	if err != nil {
		var u *userError
		if errors.As(err, &u) {
			return refuse(myBirthdayBad(err, v))
		}
		return err
	}
	c.Birthday = b
	if err := t.tx.PutCustomer(c); err != nil {
		return fmt.Errorf("dialog: save birthday: %w", err)
	}
	if t.e.adSender() != AdSent {
		// Advertising must name its sender and contact, so without
		// DANGOL_SHOP_NAME or DANGOL_SHOP_CONTACT the birthday job greets
		// nobody (AdNoShop, AdNoContact, flow_birthday.go):
		// neither a greeting nor the consent that would bring one is
		// promised.
		t.say("customer_edit.my.set_no_greeting", map[string]any{"Date": t.birthdayText(b)})
		return nil
	}
	// The greeting carries the birthday benefit, advertising: it goes only
	// with advertising consent (flow_birthday.go), so "we will send you a
	// greeting" would be a promise broken to everyone without it.
	m, err := t.tx.Marketing(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read advertising consent: %w", err)
	}
	if !m.AdsAllowed(t.now) {
		on := t.btn("ads.btn.on", marketingPayload(true, ledger.ViaCommand)) // flow_marketing.go
		t.say("customer_edit.my.set_no_ads", map[string]any{"Date": t.birthdayText(b), "Button": on.Label}, on)
		return nil
	}
	if on, greeted, err := t.greetedThisYear(c.ID, b); err != nil {
		return err
	} else if greeted {
		// Greeted on the old day, then moved to one still ahead: a
		// greeting goes once a year (so its benefit cannot be had twice),
		// and "생일에 축하 인사를 보내 드릴게요" promised one that never came.
		t.say("customer_edit.my.set_greeted", map[string]any{"Date": t.birthdayText(b), "On": t.birthdayText(on)})
		return nil
	}
	if t.birthdayPassed(b) {
		// Today's greetings went at Config.BirthdayAt, and none may go
		// from 21:00: "we will greet you on the day" was a promise
		// nobody kept until next year. Not sent the next morning either:
		// a birthday greeting a day late, with its benefit, reads as a
		// mistake, and the job greets a customer on their day only.
		t.say("customer_edit.my.set_next_year", map[string]any{"Date": t.birthdayText(b)})
		return nil
	}
	t.say("customer_edit.my.set", map[string]any{"Date": t.birthdayText(b)})
	return nil
}

// birthdayPassed reports whether b falls today in the shop's zone and
// today's birthday greetings have already gone (Config.BirthdayAt): a
// birthday given now gets its first greeting next year.
func (t *turn) birthdayPassed(b time.Time) bool {
	now := t.now.In(t.e.loc)
	if b.Month() != now.Month() || b.Day() != now.Day() {
		return false
	}
	return now.Hour()*60+now.Minute() >= t.e.birthdayAt
}

// greetedThisYear reports whether the next greeting of birthday b would
// fall in a year whose greeting customerID was already sent, and on which
// day (its month and day): the birthday job greets once a year, so none
// comes on b then. A b already past this year (or today's, after today's
// greetings) is next greeted next year, and is not one.
func (t *turn) greetedThisYear(customerID string, b time.Time) (on time.Time, greeted bool, err error) {
	m, err := t.tx.Marketing(customerID)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("dialog: read birthday greeting: %w", err)
	}
	if m.BirthdayOn.IsZero() {
		return time.Time{}, false, nil
	}
	now := t.now.In(t.e.loc)
	last := m.BirthdayOn.In(t.e.loc)
	next := time.Date(now.Year(), b.Month(), b.Day(), 0, 0, 0, 0, t.e.loc)
	if next.Before(midnight(now, t.e.loc)) || t.birthdayPassed(b) {
		return time.Time{}, false, nil // next greeted next year
	}
	if last.Year() != next.Year() || sameDayIn(last, next, t.e.loc) {
		return time.Time{}, false, nil
	}
	return monthDay(last), true, nil
}

// birthdayGreetedLine tells staff who moved c's birthday that this
// year's greeting went already and the next comes next year; "" when a
// greeting will come on the new day (or there is no birthday). Without it
// the staff would expect a greeting on the new day that never comes.
func (t *turn) birthdayGreetedLine(c ledger.Customer) (string, error) {
	if c.Birthday.IsZero() {
		return "", nil
	}
	on, greeted, err := t.greetedThisYear(c.ID, c.Birthday)
	if err != nil || !greeted {
		return "", err
	}
	return t.text("customer_edit.birthday_greeted", map[string]any{"On": t.birthdayText(on), "Date": t.birthdayText(monthDay(c.Birthday))}), nil
}

// monthDay is t's month and day, without its year (birthdayText then
// writes "2월 1일").
func monthDay(t time.Time) time.Time {
	return time.Date(0, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// myBirthdayLine is /mydata's birthday line; nil when none is kept.
func (t *turn) myBirthdayLine(c ledger.Customer) []string {
	if c.Birthday.IsZero() {
		return nil
	}
	return []string{t.text("customer_edit.mydata.birthday", map[string]any{"Date": t.birthdayText(c.Birthday)})}
}
