package view

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/qalamnews/qalam"
)

// The interface's words: every label a reader sees goes through this
// catalogue (templates call t), never a string in a template; a test walks
// the templates for stray English.
//
// messages are the simple messages, {English, Urdu}; other files add theirs
// in init. The interface speaks the site's language (a setting), and an
// article's page speaks the article's language around it.
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
	// Long discussions: parts, sorting, recommendations.
	"sort_comments": {"Sort comments", "تبصروں کی ترتیب"},
	"sort_by":       {"Sort by:", "ترتیب:"},
	"sort_oldest":   {"Oldest", "پرانے پہلے"},
	"sort_newest":   {"Newest", "نئے پہلے"},
	"sort_top":      {"Most recommended", "سب سے زیادہ پسندیدہ"},
	"show_more":     {"Show more comments", "مزید تبصرے دیکھیے"},
	"remaining":     {"remaining:", "باقی:"},
	"show_first":    {"Show the first comments", "پہلے تبصرے دیکھیے"},
	"recommend":     {"Recommend", "پسند کریں"},
	// Search (pages_search.go, site/search.html).
	"search":             {"Search", "تلاش"},
	"search_site":        {"Site search", "سائٹ میں تلاش"},
	"search_label":       {"Search articles", "مضامین میں تلاش کیجیے"},
	"search_hint":        {"Headlines, articles, tags and authors, in English or Urdu. Diacritics are optional.", "سرخیاں، مضامین، ٹیگ اور مصنفین، اردو یا انگریزی میں۔ اعراب لگانا ضروری نہیں۔"},
	"search_results_for": {"for", "برائے"},
	"search_none":        {"No articles found for", "اس تلاش کا کوئی مضمون نہیں ملا:"},
	"search_none_hint":   {"Check the spelling, or try fewer or other words.", "املا دیکھ لیجیے، یا کم یا دوسرے الفاظ آزمائیے۔"},
	"search_too_long":    {"That search is too long. Please use at most 200 characters and 12 words.", "یہ تلاش بہت طویل ہے۔ زیادہ سے زیادہ 200 حروف اور 12 الفاظ استعمال کیجیے۔"},
	"search_pages":       {"Pages of results", "نتائج کے صفحات"},
	"search_previous":    {"Previous results", "پچھلے نتائج"},
	"search_next":        {"More results", "مزید نتائج"},
}

// pageMessages are the words of the front page, the listings, the archive,
// the error pages and linked translations.
func init() {
	for k, v := range pageMessages {
		messages[k] = v
	}
}

var pageMessages = map[string][2]string{
	"lead_story":      {"Lead story", "اہم خبر"},
	"in_sections":     {"In the sections", "حصوں سے"},
	"all_in_section":  {"All articles in this section", "اس حصے کے تمام مضامین"},
	"more_latest":     {"More of the latest", "مزید تازہ ترین"},
	"newer":           {"Newer articles", "نئے مضامین"},
	"pages":           {"Pages", "صفحات"},
	"kind_category":   {"Section", "حصہ"},
	"kind_tag":        {"Tag", "ٹیگ"},
	"kind_author":     {"Author", "مصنف"},
	"archive":         {"Archive", "آرکائیو"},
	"archive_intro":   {"Everything we have published, month by month.", "ہماری ہر اشاعت، مہینہ بہ مہینہ۔"},
	"archive_months":  {"Months", "مہینے"},
	"earlier_month":   {"Earlier month", "پچھلا مہینہ"},
	"later_month":     {"Later month", "اگلا مہینہ"},
	"front_page":      {"Front page", "سرورق"},
	"error_try":       {"Try the front page or the archive.", "سرورق یا آرکائیو دیکھیے۔"},
	"error_not_found": {"Page not found", "صفحہ نہیں ملا"},
	"error_not_found_text": {"There is no page at this address. It may have moved, or the link may be mistyped.",
		"اس پتے پر کوئی صفحہ نہیں۔ ممکن ہے یہ کہیں اور منتقل ہو گیا ہو، یا لنک میں غلطی ہو۔"},
	"error_internal":         {"Something went wrong", "کچھ غلط ہو گیا"},
	"error_internal_text":    {"We could not show this page. Please try again in a moment.", "ہم یہ صفحہ نہیں دکھا سکے۔ براہ کرم کچھ دیر بعد دوبارہ کوشش کیجیے۔"},
	"error_unavailable":      {"Busy", "مصروف"},
	"error_unavailable_text": {"The site is busy. Please try again in a moment.", "سائٹ اس وقت مصروف ہے۔ براہ کرم کچھ دیر بعد دوبارہ کوشش کیجیے۔"},
	"error_forbidden":        {"Not allowed", "اجازت نہیں"},
	"error_unauthorized":     {"Not allowed", "اجازت نہیں"},
	"error_closed":           {"Discussion closed", "گفتگو بند ہے"},
	"error_too_large":        {"Too large", "بہت بڑا"},
	"error_too_many":         {"Slow down", "ذرا آہستہ"},
	"error_invalid":          {"Something is not right", "کچھ درست نہیں"},
	"error_conflict":         {"Conflict", "تصادم"},
	"error_generic_text":     {"We could not do that. Please go back and try again.", "یہ کام نہیں ہو سکا۔ براہ کرم واپس جا کر دوبارہ کوشش کیجیے۔"},
	"translation":            {"This article in another language", "یہ مضمون دوسری زبان میں"},
	"read_in":                {"Read in English", "اردو میں پڑھیں"},
}

// counted are the messages about a number, in each language's plural
// forms as CLDR defines them: English and Urdu both tell "one" (exactly 1)
// from "other". %d is the number, written in the site's digits.
var counted = map[string][2][2]string{ // key: {{English one, other}, {Urdu one, other}}
	"n_comments": {{"%d comment", "%d comments"}, {"%d تبصرہ", "%d تبصرے"}},
	"n_articles": {{"%d article", "%d articles"}, {"%d مضمون", "%d مضامین"}},
}

// The catalogue is golang.org/x/text's message catalogue, built from the
// tables above: its printers choose plural forms by CLDR's rules and write
// numbers with each language's grouping, so a third language is a third
// column rather than new code. It has no dates, which formatDate writes
// from the month names below.
//
// Digits: Urdu pages use Western digits (0-9), CLDR's default for Urdu as
// written in Pakistan ("ur"; Extended Arabic-Indic ۰-۹ is its default only
// for "ur-IN"), as the big Pakistani Urdu newsrooms do in running text.
// Writers type them in article bodies too, so the interface's numbers
// match the text around them.
type catalogue struct {
	keys     map[string]bool // simple and counted messages
	printers map[qalam.Language]*message.Printer
}

// languageTags are the catalogue's languages, in the tables' column order.
var languageTags = [...]struct {
	lang qalam.Language
	tag  language.Tag
}{{qalam.English, language.English}, {qalam.Urdu, language.Urdu}}

// theCatalogue is built on first use, after every file's init has added
// its messages, and never changes after.
var theCatalogue = sync.OnceValue(func() *catalogue {
	c, err := buildCatalogue(messages, counted)
	if err != nil {
		panic(err) // the tables are constants: a test builds them
	}
	return c
})

func buildCatalogue(simple map[string][2]string, plurals map[string][2][2]string) (*catalogue, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	c := &catalogue{keys: map[string]bool{}, printers: map[qalam.Language]*message.Printer{}}
	for key, m := range simple {
		c.keys[key] = true
		for i, l := range languageTags {
			// Simple messages are text, not formats.
			if err := b.SetString(l.tag, key, strings.ReplaceAll(m[i], "%", "%%")); err != nil {
				return nil, fmt.Errorf("view: message %q: %w", key, err)
			}
		}
	}
	for key, m := range plurals {
		if c.keys[key] {
			return nil, fmt.Errorf("view: message %q is both simple and counted", key)
		}
		c.keys[key] = true
		for i, l := range languageTags {
			if err := b.Set(l.tag, key, plural.Selectf(1, "%d", plural.One, m[i][0], plural.Other, m[i][1])); err != nil {
				return nil, fmt.Errorf("view: message %q: %w", key, err)
			}
		}
	}
	for _, l := range languageTags {
		c.printers[l.lang] = message.NewPrinter(l.tag, message.Catalog(b))
	}
	return c, nil
}

// printer is the language's printer, English for an unknown language.
func (c *catalogue) printer(lang qalam.Language) *message.Printer {
	if p, ok := c.printers[lang]; ok {
		return p
	}
	return c.printers[qalam.English]
}

// text returns the message for key in lang, with args (the number of a
// counted message). An unknown key is a template bug and shows as ?key?,
// which the page tests look for.
func (c *catalogue) text(lang qalam.Language, key string, args ...any) string {
	if !c.keys[key] {
		return "?" + key + "?"
	}
	return c.printer(lang).Sprintf(key, args...)
}

// translate returns the message for key in lang.
func translate(lang qalam.Language, key string) string { return theCatalogue().text(lang, key) }

// messageFunc is the template function t: a message, with the number of a
// counted one ({{t $lang "n_comments" .CommentCount}}).
func messageFunc(lang qalam.Language, key string, args ...any) string {
	return theCatalogue().text(lang, key, args...)
}

// countComments says "3 comments" in the language.
func countComments(lang qalam.Language, n int) string {
	return theCatalogue().text(lang, "n_comments", n)
}

// formatNumber writes n with the language's digits and grouping.
func formatNumber(lang qalam.Language, n int) string {
	return theCatalogue().printer(lang).Sprintf("%d", n)
}

var urduMonths = [...]string{"جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"}

// monthName is the month's name in the language.
func monthName(lang qalam.Language, m time.Month) string {
	if lang == qalam.Urdu {
		return urduMonths[m-1]
	}
	return m.String()
}

// formatDate writes a date the way readers of the language expect, day
// first: "26 November 2026", "26 نومبر 2026". Years are never grouped.
func formatDate(lang qalam.Language, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Day()) + " " + monthName(lang, t.Month()) + " " + strconv.Itoa(t.Year())
}

// FormatMonth writes a month of a year: "November 2026", "نومبر 2026".
func FormatMonth(lang qalam.Language, t time.Time) string { return formatMonth(lang, t) }

func formatMonth(lang qalam.Language, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return monthName(lang, t.Month()) + " " + strconv.Itoa(t.Year())
}
