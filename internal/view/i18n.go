package view

import (
	"strconv"
	"time"

	"github.com/qalamnews/qalam"
)

// messages are the interface's words in each language; an Urdu article's
// page speaks Urdu around it.
var messages = map[string][2]string{ // key: {English, Urdu}
	"skip":              {"Skip to content", "مواد پر جائیں"},
	"latest":            {"Latest", "تازہ ترین"},
	"comments":          {"Comments", "تبصرے"},
	"discussion":        {"Discussion", "گفتگو"},
	"leave_comment":     {"Leave a comment", "تبصرہ کیجیے"},
	"reply":             {"Reply", "جواب دیں"},
	"name":              {"Name", "نام"},
	"email":             {"Email", "ای میل"},
	"email_hint":        {"Never shown publicly.", "کبھی ظاہر نہیں کی جائے گی۔"},
	"website":           {"Website", "ویب سائٹ"},
	"comment":           {"Comment", "تبصرہ"},
	"optional":          {"optional", "اختیاری"},
	"required":          {"required", "لازمی"},
	"remember":          {"Save my name and email in this browser for the next time I comment.", "اگلی بار کے لیے میرا نام اور ای میل اس براؤزر میں محفوظ کریں۔"},
	"post":              {"Post comment", "تبصرہ بھیجیں"},
	"replying_to":       {"Replying to", "جواب برائے"},
	"cancel_reply":      {"Cancel reply", "جواب منسوخ کریں"},
	"awaiting":          {"Your comment is awaiting moderation. Only you can see it until a moderator approves it.", "آپ کا تبصرہ منظوری کا منتظر ہے۔ منظوری تک یہ صرف آپ کو نظر آئے گا۔"},
	"held":              {"Awaiting moderation", "منظوری کا منتظر"},
	"closed":            {"Comments are closed on this article.", "اس مضمون پر تبصرے بند ہیں۔"},
	"editors_note":      {"Editor's note", "مدیر کا نوٹ"},
	"published":         {"Published", "اشاعت"},
	"updated":           {"Updated", "تازہ کاری"},
	"by":                {"By", "تحریر:"},
	"and":               {"and", "اور"},
	"category":          {"Category", "زمرہ"},
	"tags":              {"Tags", "ٹیگز"},
	"no_comments":       {"No comments yet. Start the discussion.", "ابھی کوئی تبصرہ نہیں۔ گفتگو کا آغاز کیجیے۔"},
	"older":             {"Older articles", "پرانے مضامین"},
	"no_articles":       {"Nothing published here yet.", "یہاں ابھی کچھ شائع نہیں ہوا۔"},
	"moderation":        {"Comments are moderated. A first comment waits for approval; after that, comments from this browser appear at once.", "تبصرے منظوری کے بعد شائع ہوتے ہیں۔ پہلا تبصرہ منظوری کا منتظر رہتا ہے، اس کے بعد اس براؤزر سے تبصرے فوراً شائع ہوں گے۔"},
	"comment_link":      {"Link to this comment", "اس تبصرے کا لنک"},
	"articles_by":       {"Articles by", "مضامین از"},
	"home":              {"Home", "سرورق"},
	"sections":          {"Sections", "حصے"},
	"footer_privacy":    {"This site makes no requests to other sites and never shows commenters' email addresses.", "یہ سائٹ کسی دوسری سائٹ سے رابطہ نہیں کرتی اور تبصرہ نگاروں کے ای میل کبھی ظاہر نہیں کرتی۔"},
	"preview_banner":    {"Preview: this article is not published. Only people with this link can see it.", "پیش نظارہ: یہ مضمون شائع نہیں ہوا۔ صرف وہی لوگ اسے دیکھ سکتے ہیں جن کے پاس یہ لنک ہے۔"},
	"preview_editor":    {"Preview: this is how readers will see the article once it is published.", "پیش نظارہ: شائع ہونے کے بعد قارئین یہ مضمون ایسے دیکھیں گے۔"},
	"see_corrections":   {"See corrections", "تصحیحات دیکھیے"},
	"corrections_title": {"Corrections and updates", "تصحیحات اور تازہ کاری"},
	"corrections_intro": {"When we get something wrong, we correct it in public. Every correction and update to our articles is listed here, newest first.", "جب ہم سے غلطی ہوتی ہے تو ہم اس کی تصحیح سب کے سامنے کرتے ہیں۔ ہمارے مضامین کی ہر تصحیح اور تازہ کاری یہاں درج ہے، تازہ ترین پہلے۔"},
	"no_corrections":    {"No corrections yet.", "ابھی کوئی تصحیح نہیں۔"},
	"chars_max":         {"At most 5,000 characters.", "زیادہ سے زیادہ 5000 حروف۔"},
	"edited":            {"edited", "ترمیم شدہ"},
	"edit_comment":      {"Edit your comment", "اپنے تبصرے میں ترمیم کیجیے"},
	"edit_link":         {"Edit (15 minutes)", "ترمیم (15 منٹ)"},
	"edit_until":        {"You can change or delete this comment until", "آپ یہ تبصرہ اس وقت تک بدل یا حذف کر سکتے ہیں:"},
	"save_comment":      {"Save changes", "تبدیلیاں محفوظ کریں"},
	"delete_comment":    {"Delete comment", "تبصرہ حذف کریں"},
	"back_to_article":   {"Back to the article", "مضمون پر واپس"},
	"report":            {"Report", "رپورٹ کریں"},
	"report_comment":    {"Report a comment", "تبصرے کی رپورٹ کیجیے"},
	"report_intro":      {"Tell the moderators what is wrong with this comment. Your report is anonymous.", "ناظمین کو بتائیے کہ اس تبصرے میں کیا غلط ہے۔ آپ کی رپورٹ گمنام ہے۔"},
	"report_reason":     {"Reason", "وجہ"},
	"reason_spam":       {"Spam or advertising", "اسپام یا اشتہار"},
	"reason_abuse":      {"Abusive or offensive", "بدزبانی یا توہین آمیز"},
	"reason_hate":       {"Hate speech", "نفرت انگیز تقریر"},
	"reason_harassment": {"Harassment", "ہراسانی"},
	"reason_personal":   {"Personal information", "ذاتی معلومات"},
	"reason_other":      {"Something else", "کچھ اور"},
	"report_note":       {"Note", "نوٹ"},
	"report_note_hint":  {"At most 500 characters.", "زیادہ سے زیادہ 500 حروف۔"},
	"report_send":       {"Send report", "رپورٹ بھیجیں"},
	"report_done":       {"Thank you for your report", "رپورٹ کا شکریہ"},
	"report_done_text":  {"A moderator will look at the comment.", "ناظم اس تبصرے کو دیکھے گا۔"},
}

// translate returns the message for key in lang; an unknown key is a
// template bug and shows as itself so the page test finds it.
func translate(lang qalam.Language, key string) string {
	m, ok := messages[key]
	if !ok {
		return "?" + key + "?"
	}
	if lang == qalam.Urdu {
		return m[1]
	}
	return m[0]
}

var urduMonths = [...]string{"جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"}

// formatDate writes a date the way readers of the language expect.
func formatDate(lang qalam.Language, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if lang == qalam.Urdu {
		return strconv.Itoa(t.Day()) + " " + urduMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return t.Format("2 January 2006")
}

// countComments says "3 comments" in the language.
func countComments(lang qalam.Language, n int) string {
	if lang == qalam.Urdu {
		return strconv.Itoa(n) + " تبصرے"
	}
	if n == 1 {
		return "1 comment"
	}
	return strconv.Itoa(n) + " comments"
}
